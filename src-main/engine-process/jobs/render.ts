import { statSync } from 'node:fs';
import path from 'node:path';
import type { JobParams, JobResult } from '../../api/job-kinds.js';
import { API_OVERWRITE_HINT } from '../../engine/media/output-guard.js';
import type { AudioChoice } from '../../engine/render/render-audio.js';
import { renderShotToFile } from '../../engine/render/render-to-file.js';
import type { JobContext } from './job-context.js';

function audioChoice(audio: JobParams<'render'>['audio']): AudioChoice {
  if (audio === undefined) return { kind: 'target' };
  return typeof audio === 'string' ? { kind: audio } : { kind: 'file', path: path.resolve(audio.file) };
}

/** Renders a shot with the engine's renderer, as `dvp render` does (a cancelled render leaves no file). */
export async function runRender(params: JobParams<'render'>, context: JobContext): Promise<JobResult<'render'>> {
  const project = context.engine.requireProject();
  const out = path.resolve(params.output);
  const summary = await renderShotToFile(project, {
    clipId: params.clipId,
    out,
    overwrite: params.overwrite ?? false,
    overwriteHint: API_OVERWRITE_HINT,
    format: params.format,
    audio: audioChoice(params.audio),
    backend: params.backend ?? 'auto',
    precision: params.precision ?? 'f32',
    composite: params.composite ?? 'region',
    colourMatch: params.colourMatch ?? false,
    signal: context.signal,
    onProgress: context.progress,
    ...(params.range ? { range: params.range } : {}),
    ...(params.modelId !== undefined ? { modelId: params.modelId } : {}),
  });
  return {
    output: summary.file,
    format: summary.format,
    first: summary.first,
    last: summary.last,
    frames: summary.frames,
    synthesized: summary.synthesized,
    outOfRangeFrames: summary.outOfRangeFrames,
    timecode: summary.timecode,
    audio: summary.audio,
    modelId: summary.modelId,
    checkpointStep: summary.checkpointStep,
    sizeBytes: statSync(summary.file).size,
    composite: summary.composite,
    composited: summary.composited,
    seamLevels: summary.seam.colourMatch ? summary.seam.colourMatchedLevels : summary.seam.levels,
  };
}
