import type { FrameRange } from '../../api/frame-range.js';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ProgressMeter, type ProgressListener } from '../../shared/cancel.js';
import { DvpError, fromFsError } from '../../shared/errors.js';
import type { OutOfRangeSpan } from '../edit/out-of-range.js';
import { FrameWriter } from '../media/frame-writer.js';
import { checkOutputPath, type OutputPolicy } from '../media/output-guard.js';
import { OUTPUT_FORMATS, type OutputFormatId } from '../media/output-formats.js';
import { offsetTimecode } from '../media/timecode.js';
import type { Clip } from '../project/clips.js';
import { projectInputs } from '../project/project-inputs.js';
import type { Project } from '../project/project.js';
import { EDIT_REGION_NAMES, type EditRegionName } from './edit-regions.js';
import { alignAudio, conformAudio, type AudioChoice } from './render-audio.js';
import { openShotRender, type CompositeMode, type RenderShotOptions } from './render-shot.js';
import { SeamMeter, type SeamSummary } from './seam-meter.js';

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
  passThrough: FrameRange[];
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
 * Renders a shot into a file: ProRes 422 HQ, ProRes 4444 (the blend matte as alpha) or an
 * H.264 proxy, with the clip's timecode offset by the range start and the chosen audio.
 * The output is checked once before any work (`checkOutputPath`: writable, not an input, not
 * replaced unasked), then its folder is made. A cancelled or failed render leaves no file behind.
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
  try {
    mkdirSync(path.dirname(path.resolve(options.out)), { recursive: true });
  } catch (error) {
    throw fromFsError(error, options.out, 'create the folder for the render');
  }
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
