import type { JobParams, JobResult } from '../../api/job-kinds.js';
import { trackClip } from '../../engine/track/track-clip.js';
import type { JobContext } from './job-context.js';

/** Tracks a clip (or a range) with the engine's tracker, exactly as `dvp track` does. */
export async function runTrack(params: JobParams<'track'>, context: JobContext): Promise<JobResult<'track'>> {
  const project = context.engine.requireWritableProject();
  try {
    const summary = await trackClip(project, {
      clipId: params.clipId,
      ...(params.range ? { range: params.range } : {}),
      ...(params.smoothing !== undefined ? { smoothing: params.smoothing } : {}),
      signal: context.signal,
      onProgress: context.progress,
    });
    return {
      clipId: summary.clipId,
      framesTracked: summary.framesTracked,
      framesWithFace: summary.framesWithFace,
      framesDetectedNow: summary.framesDetectedNow,
      medianErrorPct: Number.isFinite(summary.stats.medianErrorPct) ? summary.stats.medianErrorPct : null,
      seconds: summary.totalSeconds,
    };
  } finally {
    // Detections written before a cancel count too: the clip list shows what the project holds.
    context.engine.projectChanged();
  }
}
