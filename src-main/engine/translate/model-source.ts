/**
 * Opens the training data a model was created with (`models.data`). Today one kind
 * exists: `frames`, the clip's own frames with the stand-in conditioning of
 * frames-source.ts; the face-model conditioning of src-main/engine/condition plugs in
 * here as a second kind.
 */
import { DvpError } from '../../shared/errors.js';
import { getClip } from '../project/clips.js';
import type { Project } from '../project/project.js';
import type { ModelRecord } from './checkpoint-store.js';
import type { TrainingSource } from './dataset.js';
import { FramesSource } from './frames-source.js';

export interface FramesData {
  conditioning: 'frames';
  /** First clip frame and number of frames used (train + held out). */
  start: number;
  frames: number;
}

export function framesData(clipFrames: number, requested: number | undefined, start = 0): FramesData {
  return { conditioning: 'frames', start, frames: Math.min(clipFrames - start, requested ?? clipFrames - start) };
}

export async function openModelSource(project: Project, model: ModelRecord, signal?: AbortSignal): Promise<TrainingSource> {
  const data = model.data as Partial<FramesData>;
  if (data.conditioning !== 'frames' || typeof data.frames !== 'number') {
    throw new DvpError('PROJECT_INVALID', `${project.file}: model ${model.id} uses conditioning '${String(data.conditioning)}', which this version cannot open.`, { file: project.file });
  }
  const clip = getClip(project, model.clipId);
  return FramesSource.open(clip.path, {
    resolution: model.config.network.resolution, windowSize: model.config.network.windowSize, start: data.start ?? 0, count: data.frames,
    ...(signal ? { signal } : {}),
  });
}
