import path from 'node:path';
import type { ProgressListener } from '../../shared/cancel.js';
import { DvpError } from '../../shared/errors.js';
import { loadShotEdit } from '../edit/shot-edit.js';
import { loadTrackedFrames } from '../face/store.js';
import { checkOutputPath } from '../media/output-guard.js';
import type { OutputFormatId } from '../media/output-formats.js';
import { rationalToNumber } from '../media/rational.js';
import { getClip } from '../project/clips.js';
import { importClip } from '../project/import-clip.js';
import { projectInputs } from '../project/project-inputs.js';
import type { Project } from '../project/project.js';
import { trackClip } from '../track/track-clip.js';
import type { BackendRequest, Precision } from '../translate/backend.js';
import { bindSource } from './reenact.js';
import type { CompositeMode } from './render-shot.js';
import { renderShotToFile, type RenderSummary } from './render-to-file.js';

export interface DubOptions {
  targetClipId: number;
  /** The dubbing actor's performance (video, usually with the dubbed speech). */
  dubVideo: string;
  /** The dubbed audio; the dub video's own audio by default. Lined up with the dub video. */
  audio?: string;
  /** The target frame on which the dub's frame 0 lands. */
  offset?: number;
  out: string;
  /** Replace an existing file at `out` (the user agreed); never the project's files, its clips or the dub's inputs. */
  overwrite?: boolean;
  format: OutputFormatId;
  /** Region (default: the mouth region only) or the paper's whole-crop composite. */
  composite?: CompositeMode;
  /** Region composite: per-frame colour match around the mask. */
  colourMatch?: boolean;
  /** Inclusive target frames; by default the frames the dub covers. */
  range?: { first: number; last: number };
  modelId?: number;
  backend?: BackendRequest;
  /** Convolution precision (bf16 needs the native backend); f32 by default. */
  precision?: Precision;
  signal?: AbortSignal;
  onProgress?: (stage: 'track' | 'render', progress: Parameters<ProgressListener>[0]) => void;
  log?: (line: string) => void;
}

export interface DubSummary {
  sourceClipId: number;
  /** False when the dub video was already in the project. */
  imported: boolean;
  /** Frames tracked now (0 when the dub was tracked before). */
  trackedFrames: number;
  bindingId: string;
  /** False when the same mouth binding already existed. */
  bound: boolean;
  render: RenderSummary;
}

/**
 * Visual dubbing (paper §7.1): the dub video becomes a source clip (imported and tracked
 * if need be), drives the target's mouth only — relative to both neutral frames, so the
 * target keeps its own head motion, eyes and brows — and the shot is rendered with the
 * dubbed audio in place of the original.
 */
export async function dubShot(project: Project, options: DubOptions): Promise<DubSummary> {
  const offset = options.offset ?? 0;
  if (!Number.isInteger(offset)) throw new DvpError('INVALID_ARGUMENT', `the dub's offset must be a whole number of frames, not ${offset}.`);
  const target = getClip(project, options.targetClipId);
  // Checked before the dub is imported, tracked or bound: a refused output changes nothing.
  checkOutputPath(options.out, {
    protect: [
      ...projectInputs(project),
      { file: options.dubVideo, what: 'the dub video' },
      ...(options.audio !== undefined ? [{ file: options.audio, what: 'the dub audio' }] : []),
    ],
    ...(options.overwrite !== undefined ? { overwrite: options.overwrite } : {}),
  });
  const { clip: source, created } = await importClip(project, options.dubVideo, 'source', options.signal ? { signal: options.signal } : {});

  let trackedFrames = 0;
  if (loadTrackedFrames(project, source.id).length < source.frameCount) {
    const summary = await trackClip(project, {
      clipId: source.id,
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.onProgress ? { onProgress: (p: Parameters<ProgressListener>[0]) => options.onProgress!('track', p) } : {}),
    });
    trackedFrames = summary.framesDetectedNow;
    options.log?.(`tracked the dub (clip ${source.id}): ${summary.framesWithFace}/${summary.framesTracked} frames with a face`);
  }

  const existing = loadShotEdit(project, target.id)?.bindings.find((b) => b.sourceClipId === source.id && b.mode === 'mouth' && b.offset === offset);
  const bindingId = existing?.id ?? bindSource(project, { targetClipId: target.id, sourceClipId: source.id, mode: 'mouth', offset }).bindingIds[0]!;

  const targetFps = rationalToNumber(target.fps);
  const covered = Math.round(source.durationSec * targetFps);
  const range = options.range ?? { first: Math.max(0, offset), last: Math.min(target.frameCount - 1, offset + covered - 1) };
  if (range.last < range.first) {
    throw new DvpError('INVALID_ARGUMENT', `${options.dubVideo}: at offset ${offset} the dub does not overlap clip ${target.id} (${target.name}, frames 0-${target.frameCount - 1}).`, {
      file: options.dubVideo,
    });
  }
  const render = await renderShotToFile(project, {
    clipId: target.id,
    range,
    out: options.out,
    format: options.format,
    audio: { kind: 'file', path: path.resolve(options.audio ?? options.dubVideo), alignFrame: offset },
    ...(options.overwrite !== undefined ? { overwrite: options.overwrite } : {}),
    ...(options.composite ? { composite: options.composite } : {}),
    ...(options.colourMatch ? { colourMatch: true } : {}),
    ...(options.modelId !== undefined ? { modelId: options.modelId } : {}),
    ...(options.backend ? { backend: options.backend } : {}),
    ...(options.precision ? { precision: options.precision } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.log ? { log: options.log } : {}),
    ...(options.onProgress ? { onProgress: (p: Parameters<ProgressListener>[0]) => options.onProgress!('render', p) } : {}),
  });
  return { sourceClipId: source.id, imported: created, trackedFrames, bindingId, bound: existing === undefined, render };
}
