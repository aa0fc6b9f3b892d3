import type { JobParams, JobResult } from '../../api/job-kinds.js';
import { transcode } from '../../engine/media/transcode.js';
import { API_OVERWRITE_HINT } from '../../engine/media/output-guard.js';
import { clipVideoInfo, getClip, resolveClipMedia } from '../../engine/project/clips.js';
import { projectInputs } from '../../engine/project/project-inputs.js';
import type { JobContext } from './job-context.js';

/** Re-encodes a project clip (or a range of it) with the engine's transcoder. */
export async function runTranscode(params: JobParams<'transcode'>, context: JobContext): Promise<JobResult<'transcode'>> {
  const project = context.engine.requireProject();
  const clip = resolveClipMedia(project, getClip(project, params.clipId));
  const result = await transcode(clipVideoInfo(clip), params.output, {
    format: params.format,
    audio: params.audio ?? 'keep',
    overwrite: params.overwrite ?? false,
    overwriteHint: API_OVERWRITE_HINT,
    protect: projectInputs(project),
    signal: context.signal,
    onProgress: context.progress,
    ...(params.range ? { range: params.range } : {}),
  });
  return { output: result.file, frames: result.frames, timecode: result.timecode };
}
