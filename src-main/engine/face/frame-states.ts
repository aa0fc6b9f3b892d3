import { detectedFrames } from '../track/detections-store.js';
import type { Project } from '../project/project.js';
import { FrameFlag, loadTrackedFrames, type TrackedFrame } from './store.js';

/** What tracking knows of a frame, as the tracking panel and the viewer's overlay show it. */
export type FrameState = 'none' | 'detected' | 'tracked' | 'uncertain' | 'interpolated' | 'noFace' | 'corrupt';

/** The state of a frame with stored parameters. */
export function storedFrameState(flags: number): FrameState {
  if (flags & FrameFlag.Corrupt) return 'corrupt';
  if (flags & FrameFlag.NoFace) return 'noFace';
  if (flags & FrameFlag.Interpolated) return 'interpolated';
  if (flags & FrameFlag.Tracked) return flags & (FrameFlag.Profile | FrameFlag.LowConfidence) ? 'uncertain' : 'tracked';
  return 'noFace';
}

/** True where the frame has a fitted face to draw or condition on. */
export function showsFace(state: FrameState): boolean {
  return state === 'tracked' || state === 'interpolated' || state === 'uncertain';
}

/** Every frame's state: stored parameters first, then face detections, else none. */
export function clipFrameStates(project: Project, clipId: number, frameCount: number): FrameState[] {
  const states = new Array<FrameState>(frameCount).fill('none');
  if (frameCount > 0) for (const frame of detectedFrames(project, clipId, 0, frameCount - 1)) states[frame] = 'detected';
  const rows = project.db.prepare('SELECT frame, flags FROM face_frames WHERE clip_id = ?').all(clipId) as { frame: number; flags: number }[];
  for (const row of rows) if (row.frame < frameCount) states[row.frame] = storedFrameState(row.flags);
  return states;
}

/** One frame's state, with its stored parameters when it has any. */
export function frameStateAt(project: Project, clipId: number, frame: number): { state: FrameState; tracked: TrackedFrame | undefined } {
  const tracked = loadTrackedFrames(project, clipId, { range: { first: frame, last: frame } })[0];
  if (tracked) return { state: storedFrameState(tracked.flags), tracked };
  return { state: detectedFrames(project, clipId, frame, frame).size > 0 ? 'detected' : 'none', tracked: undefined };
}
