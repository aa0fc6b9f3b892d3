import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ProgressMeter, type ProgressListener } from '../../shared/cancel.js';
import { DvpError } from '../../shared/errors.js';
import type { OutOfRangeSpan } from '../edit/out-of-range.js';
import { loadShotEdit } from '../edit/shot-edit.js';
import { emptyParams, type FrameParams } from '../face/model.js';
import { loadFaceModel } from '../face/store.js';
import { readFrames } from '../media/frame-reader.js';
import { FrameWriter } from '../media/frame-writer.js';
import { checkOutputPath, type OutputPolicy } from '../media/output-guard.js';
import { OUTPUT_FORMATS, type OutputFormatId } from '../media/output-formats.js';
import { rationalToNumber } from '../media/rational.js';
import { offsetTimecode } from '../media/timecode.js';
import { clipVideoInfo, getClip, resolveClipMedia, type Clip } from '../project/clips.js';
import { projectInputs } from '../project/project-inputs.js';
import type { Project } from '../project/project.js';
import { trackRemedy } from '../project/remedies.js';
import { selectBackend, type BackendRequest, type Precision } from '../translate/backend.js';
import { TranslationModel } from '../translate/model.js';
import { checkModelCrop } from '../translate/model-source.js';
import { featherMask } from './composite.js';
import { EDIT_REGION_NAMES, type EditRegionName } from './edit-regions.js';
import { EditedShot, type FrameSpan } from './edited-shot.js';
import { PlateInput } from './plate-input.js';
import { synthesizeIntoPlates, type RenderedFrame } from './plate-synthesis.js';
import { cropFeatherMask, emptyMask, RegionMasker, type CropMask, type RegionMaskOptions } from './region-mask.js';
import { conformAudio, type AlignedAudio, type AudioChoice } from './render-audio.js';
import { findRenderModel, trainingMeasure } from './render-model.js';

/**
 * region: replace only what the edit changes, through a per-frame soft mask from the face model
 * (`region-mask.ts`); every other pixel is the plate's. crop: the paper's composite, the
 * network's whole square feathered into the plate.
 */
export type CompositeMode = 'region' | 'crop';

export const COMPOSITE_MODES: readonly CompositeMode[] = ['region', 'crop'];

export function isCompositeMode(value: string): value is CompositeMode {
  return (COMPOSITE_MODES as readonly string[]).includes(value);
}

export interface RenderShotOptions {
  /** The target clip (its shot). */
  clipId: number;
  /** How the network's picture goes into the plate; region by default. */
  composite?: CompositeMode;
  /** Region composite: match the network's colours to the plate's around the mask, per frame (off by default). */
  colourMatch?: boolean;
  /** Region composite: margin and feather of the mask (fractions of the inter-ocular distance). */
  regionMask?: RegionMaskOptions;
  /** Inclusive clip frames; the whole clip by default. */
  range?: { first: number; last: number };
  /** A model of the clip; its newest model with a checkpoint by default. */
  modelId?: number;
  backend?: BackendRequest;
  /** Convolution precision (bf16 needs the native backend); f32 by default. */
  precision?: Precision;
  signal?: AbortSignal;
  log?: (line: string) => void;
}

export interface RenderFileOptions extends RenderShotOptions {
  out: string;
  format: OutputFormatId;
  audio: AudioChoice;
  onProgress?: ProgressListener;
  /** Replace an existing file at `out` (the user agreed); never one of the project's files or clips. */
  overwrite?: boolean;
  /** How the refusal of an existing output says to allow it (`--overwrite` by default). */
  overwriteHint?: string;
}

export interface RenderSummary {
  file: string;
  format: OutputFormatId;
  first: number;
  last: number;
  frames: number;
  /** Frames the network synthesized; the others passed the plate through. */
  synthesized: number;
  passThrough: FrameSpan[];
  outOfRange: OutOfRangeSpan[];
  outOfRangeFrames: number;
  /** Start timecode written into the file. */
  timecode: string;
  /** What the sound is, or null for a silent render. */
  audio: string | null;
  modelId: number;
  checkpointStep: number;
  framesPerSecond: number;
  composite: CompositeMode;
  /** Frames whose plate received the network's picture (region: a non-empty mask; crop: every synthesized frame). */
  composited: number;
  /** Region composite: per region, the frames whose mask covers it. */
  regions: Record<EditRegionName, number>;
  seam: SeamSummary;
}

/**
 * The seam: mean absolute difference (8-bit levels, over pixels and channels) between the
 * network's picture and the plate on the mask's feathered edge, over every composited frame;
 * null when no frame was composited.
 */
export interface SeamSummary {
  /** As the network drew it. */
  levels: number | null;
  /** After the per-frame colour match (region composite; null where no ring could be fitted). */
  colourMatchedLevels: number | null;
  /** Whether the written frames were colour-matched. */
  colourMatch: boolean;
  /** Edge pixels measured, over all frames. */
  bandPixels: number;
}

/** Adds up the seam samples of a render. */
export class SeamMeter {
  private pixels = 0;
  private raw = 0;
  private matchedPixels = 0;
  private matched = 0;

  add(sample: { bandPixels: number; sumRaw: number; sumMatched: number; matched: boolean } | undefined): void {
    if (!sample) return;
    this.pixels += sample.bandPixels;
    this.raw += sample.sumRaw;
    if (sample.matched) {
      this.matchedPixels += sample.bandPixels;
      this.matched += sample.sumMatched;
    }
  }

  summary(colourMatch: boolean): SeamSummary {
    return {
      levels: this.pixels > 0 ? this.raw / (3 * this.pixels) : null,
      colourMatchedLevels: this.matchedPixels > 0 ? this.matched / (3 * this.matchedPixels) : null,
      colourMatch,
      bandPixels: this.pixels,
    };
  }
}

/**
 * The blend weights of one frame over the shot crop, as the render blends them: empty where the
 * frame has no tracked face; with `crop`, the square feather; with `region`, the mask of what the
 * edit changes there (empty where nothing does).
 */
export function frameMask(
  shot: EditedShot,
  masker: RegionMasker,
  composite: CompositeMode,
  frame: number,
  scratch: { tracked?: FrameParams; edited?: FrameParams; feather?: Float32Array } = {},
): CropMask {
  const size = shot.conditioning.crop.size;
  if (!shot.synthesizes(frame)) return emptyMask(size);
  if (composite === 'crop') return cropFeatherMask(size, scratch.feather);
  const regions = shot.regions(frame);
  if (regions === 0) return emptyMask(size);
  return masker.mask(regions, shot.trackedParams(frame, scratch.tracked), shot.params(frame, scratch.edited));
}

/** A shot opened for rendering: the edited shot, the restored network, and the plates. */
export interface ShotRender {
  clip: Clip;
  shot: EditedShot;
  modelId: number;
  checkpointStep: number;
  composite: CompositeMode;
  /** The rendered frames in order (RGB, or RGBA with the matte as alpha), from `from` (the range's first frame by default) to the range's last. */
  frames(options?: { alpha?: boolean; signal?: AbortSignal; from?: number }): AsyncGenerator<RenderedFrame>;
  /**
   * The blend weights of `frame` over the shot crop: the region mask (empty where the plate
   * passes through), or the crop feather in crop mode (empty on frames without a face).
   */
  maskAt(frame: number): CropMask;
  dispose(): void;
}

/**
 * Opens a shot for rendering: edited parameters per frame (composition) → conditioning
 * volumes (sliding window) → network → feathered into the full-resolution plate.
 */
export async function openShotRender(project: Project, options: RenderShotOptions): Promise<ShotRender> {
  const clip = resolveClipMedia(project, getClip(project, options.clipId));
  if (clip.role !== 'target') {
    throw new DvpError('INVALID_ARGUMENT', `${project.file}: clip ${clip.id} (${clip.name}) is a ${clip.role} clip; only target clips are rendered.`, { file: project.file });
  }
  if (!loadFaceModel(project, clip.id)) {
    throw new DvpError('NOT_FOUND', `${project.file}: clip ${clip.id} (${clip.name}) is not tracked yet, so it cannot be rendered.`, {
      file: project.file,
      remedy: trackRemedy(project.file, clip.id),
    });
  }
  const { record, checkpoint, data } = findRenderModel(project, clip, options.modelId);
  const { resolution, windowSize } = record.config.network;
  const first = options.range?.first ?? 0;
  const last = options.range?.last ?? clip.frameCount - 1;
  const shot = EditedShot.open(project, { clipId: clip.id, first, last, resolution, windowSize, measure: trainingMeasure(data) });
  checkModelCrop(project, record, shot.conditioning.crop);
  await selectBackend(options.backend ?? 'auto', options.log, options.precision ?? 'f32');
  const model = new TranslationModel(record.config);
  try {
    model.restore({ manifest: checkpoint.manifest, weights: checkpoint.weights });
  } catch (error) {
    model.dispose();
    throw error;
  }
  const crop = shot.conditioning.crop;
  const mask = featherMask(crop.size);
  const composite = options.composite ?? 'region';
  const masker = new RegionMasker(shot.conditioning.model, crop, options.regionMask);
  const scratch = { tracked: emptyParams(), edited: emptyParams(), feather: mask };
  const maskAt = (frame: number): CropMask => frameMask(shot, masker, composite, frame, scratch);
  const info = clipVideoInfo(clip);
  return {
    clip,
    shot,
    modelId: record.id,
    checkpointStep: checkpoint.step,
    composite,
    frames(frameOptions = {}) {
      const start = frameOptions.from ?? first;
      if (!Number.isInteger(start) || start < first || start > last) {
        throw new DvpError('INVALID_ARGUMENT', `Frame ${start} is outside the rendered frames ${first}-${last} of clip ${clip.id} (${clip.name}).`);
      }
      const scratch = emptyParams();
      const sequence = shot.conditioning.sequence((f) => shot.params(f, scratch));
      const signal = frameOptions.signal ?? options.signal;
      const count = last - start + 1;
      const fullPlates = readFrames(clip.path, info, { start, count, ...(signal ? { signal } : {}) });
      const plateInput = record.config.network.plate ? new PlateInput(shot.conditioning) : undefined;
      const plates = plateInput ? plateInput.follow(fullPlates, { first: start, count }, signal) : fullPlates;
      const edited = emptyParams();
      const inputFor = (f: number): Float32Array | undefined => {
        if (!shot.synthesizes(f)) return undefined;
        const volume = sequence.volumeAt(f);
        return plateInput ? plateInput.input(f, volume, shot.params(f, edited)) : volume;
      };
      return synthesizeIntoPlates(plates, {
        generator: model.generator,
        crop,
        mask,
        ...(composite === 'region' ? { maskFor: (f: number) => (shot.synthesizes(f) ? maskAt(f) : undefined) } : {}),
        inputFor,
        ...(plateInput ? { pictureFor: plateInput.atCropResolution.bind(plateInput) } : {}),
        ...(frameOptions.alpha ? { alpha: true } : {}),
        ...(options.colourMatch ? { colourMatch: true } : {}),
        ...(signal ? { signal } : {}),
      });
    },
    maskAt,
    dispose: () => model.dispose(),
  };
}

/**
 * Renders a shot into a file: ProRes 422 HQ, ProRes 4444 (the blend matte as alpha) or an
 * H.264 proxy, with the clip's timecode offset by the range start and the chosen audio.
 * A cancelled or failed render leaves no file behind.
 */
export async function renderShotToFile(project: Project, options: RenderFileOptions): Promise<RenderSummary> {
  const format = OUTPUT_FORMATS[options.format];
  if (path.extname(options.out).toLowerCase() !== format.extension) {
    throw new DvpError('INVALID_ARGUMENT', `${options.out}: a ${format.label} render must be written to a ${format.extension} file.`, { file: options.out });
  }
  // The project's files and clips, and the audio file, are never replaced; checked before any work.
  const policy: OutputPolicy = {
    protect: [...projectInputs(project), ...(options.audio.kind === 'file' ? [{ file: options.audio.path, what: 'the audio input' }] : [])],
    ...(options.overwrite !== undefined ? { overwrite: options.overwrite } : {}),
    ...(options.overwriteHint !== undefined ? { overwriteHint: options.overwriteHint } : {}),
  };
  checkOutputPath(options.out, policy);
  const render = await openShotRender(project, options);
  const { clip, shot } = render;
  const temp = mkdtempSync(path.join(os.tmpdir(), 'dvp-render-'));
  try {
    const durationSec = (shot.frameCount * clip.fps.den) / clip.fps.num;
    const aligned = alignAudio(project, clip, shot.first, options.audio);
    let audioFile: string | undefined;
    if (aligned) {
      audioFile = path.join(temp, 'audio.wav');
      await conformAudio(aligned, durationSec, audioFile, options.signal);
    }
    const timecode = renderTimecode(clip, shot.first);
    const writer = FrameWriter.open({
      ...policy,
      file: options.out,
      format: options.format,
      width: clip.width,
      height: clip.height,
      fps: clip.fps,
      timecode,
      ...(audioFile ? { audio: { kind: 'file' as const, path: audioFile } } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });
    const meter = new ProgressMeter(shot.frameCount);
    const seam = new SeamMeter();
    const regions = Object.fromEntries(EDIT_REGION_NAMES.map((name) => [name, 0])) as Record<EditRegionName, number>;
    let done = 0;
    let composited = 0;
    try {
      for await (const frame of render.frames({ alpha: format.inputPixFmt === 'rgba' })) {
        await writer.write(frame.data);
        done++;
        if (frame.synthesized) composited++;
        seam.add(frame.seam);
        EDIT_REGION_NAMES.forEach((name, i) => {
          if (frame.mask && ((frame.mask.regions >> i) & 1) === 1) regions[name]++;
        });
        const note = frame.synthesized ? undefined : shot.synthesizes(frame.index) ? 'unedited: plate passed through' : 'no face: plate passed through';
        options.onProgress?.(meter.update(done, note));
      }
      await writer.finish();
    } catch (error) {
      await writer.abort();
      if (options.signal?.aborted) throw new DvpError('CANCELLED', `Rendering ${options.out} was cancelled; no file was written.`, { file: options.out });
      throw error;
    }
    return {
      file: options.out,
      format: options.format,
      first: shot.first,
      last: shot.last,
      frames: done,
      synthesized: shot.synthesizedCount,
      passThrough: shot.passThroughSpans(),
      outOfRange: shot.outOfRange,
      outOfRangeFrames: shot.outOfRangeFrames,
      timecode,
      audio: aligned?.label ?? null,
      modelId: render.modelId,
      checkpointStep: render.checkpointStep,
      framesPerSecond: meter.averageRate(done),
      composite: render.composite,
      composited,
      regions,
      seam: seam.summary(render.composite === 'region' && options.colourMatch === true),
    };
  } finally {
    render.dispose();
    rmSync(temp, { recursive: true, force: true });
  }
}

/**
 * The start timecode of a render whose first frame is clip frame `first`: the clip's own
 * (00:00:00:00 when it has none) offset by `first`. One place for `dvp render` and `dvp conform`.
 */
export function renderTimecode(clip: Clip, first: number): string {
  return offsetTimecode(clip.startTimecode, first, clip.fps);
}

/** The audio track lined up with render frame `first`, or undefined for a silent render. */
export function alignAudio(project: Project, clip: Clip, first: number, choice: AudioChoice): AlignedAudio | undefined {
  const fps = rationalToNumber(clip.fps);
  switch (choice.kind) {
    case 'none':
      return undefined;
    case 'target':
      // A silent target gives a silent render, as the source footage was.
      return clip.audio.length > 0 ? { path: clip.path, startSec: first / fps, label: `target clip audio (${clip.name})` } : undefined;
    case 'file':
      return { path: path.resolve(choice.path), startSec: (first - (choice.alignFrame ?? 0)) / fps, label: `${path.basename(choice.path)}` };
    case 'source': {
      const binding = loadShotEdit(project, clip.id)?.bindings.at(-1);
      if (!binding) {
        throw new DvpError('INVALID_ARGUMENT', `${project.file}: the source clip's audio needs a source binding on clip ${clip.id} (${clip.name}).`, {
          file: project.file,
          remedy: { cli: 'add one with `dvp reenact`, or choose --audio target, none or a file.', gui: 'Bind a source clip in the timeline, or choose other audio.' },
        });
      }
      const source = resolveClipMedia(project, getClip(project, binding.sourceClipId));
      if (source.audio.length === 0) {
        throw new DvpError('INVALID_ARGUMENT', `${source.path}: the bound source clip ${source.id} (${source.name}) has no audio.`, {
          file: source.path,
          remedy: { cli: 'choose --audio target, none or a file.', gui: "Choose the target's audio, no audio or a file." },
        });
      }
      return { path: source.path, startSec: (first - binding.offset) / fps, label: `source clip audio (${source.name}, offset ${binding.offset})` };
    }
  }
}
