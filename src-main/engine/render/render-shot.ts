import { DvpError } from '../../shared/errors.js';
import { emptyParams, type FrameParams } from '../face/model.js';
import { loadFaceModel } from '../face/store.js';
import { readFrames } from '../media/frame-reader.js';
import { clipVideoInfo, getClip, resolveClipMedia, type Clip } from '../project/clips.js';
import type { Project } from '../project/project.js';
import { trackRemedy } from '../project/remedies.js';
import { selectBackend, type BackendRequest, type Precision } from '../translate/backend.js';
import { TranslationModel } from '../translate/model.js';
import { checkModelCrop } from '../translate/model-source.js';
import { featherMask } from './composite.js';
import { cropFeatherMask, emptyMask, type CropMask } from './crop-mask.js';
import { EditedShot } from './edited-shot.js';
import { PlateInput } from './plate-input.js';
import { synthesizeIntoPlates, type RenderedFrame } from './plate-synthesis.js';
import { RegionMasker, type RegionMaskOptions } from './region-mask.js';
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
  frames(options?: { alpha?: boolean; signal?: AbortSignal; from?: number; skip?: (frame: number) => boolean }): AsyncGenerator<RenderedFrame>;
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
        ...(frameOptions.skip ? { skip: frameOptions.skip } : {}),
        ...(frameOptions.alpha ? { alpha: true } : {}),
        ...(options.colourMatch ? { colourMatch: true } : {}),
        ...(signal ? { signal } : {}),
      });
    },
    maskAt,
    dispose: () => model.dispose(),
  };
}
