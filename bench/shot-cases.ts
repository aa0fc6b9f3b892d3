/**
 * The shot cases the control-accuracy and temporal-stability benchmarks share: a network trained
 * on a tracked clip, a time-shifted self-reenactment, a render of a range, and the rendered file
 * tracked again.
 */
import path from 'node:path';
import { EXPRESSION_DIMS, EYELID_DIMS, GAZE_DIMS, POSE_DIMS, type ParamSequence } from '../src-main/engine/edit/parameters.js';
import { emptyParams, type FrameParams } from '../src-main/engine/face/model.js';
import { importClip } from '../src-main/engine/project/import-clip.js';
import type { Project } from '../src-main/engine/project/project.js';
import { bindSource } from '../src-main/engine/render/reenact.js';
import type { CompositeMode } from '../src-main/engine/render/render-shot.js';
import { renderShotToFile } from '../src-main/engine/render/render-to-file.js';
import { trackClip } from '../src-main/engine/track/track-clip.js';
import { selectBackend, type BackendChoice } from '../src-main/engine/translate/backend.js';
import { createModel } from '../src-main/engine/translate/checkpoint-store.js';
import { presetConfig } from '../src-main/engine/translate/config.js';
import { openModelSource, planFaceData, type FaceData } from '../src-main/engine/translate/model-source.js';
import { train } from '../src-main/engine/translate/trainer.js';
import { isDvpError } from '../src-main/shared/errors.js';

/** A positive whole-number setting from the environment, else `fallback`. */
export function setting(name: string, fallback: number): number {
  const value = Number(process.env[name] ?? fallback);
  return Number.isFinite(value) && value > 0 ? Math.round(value) : fallback;
}

export function frameParams(sequence: ParamSequence, row: number): FrameParams {
  const p = emptyParams();
  p.rotation.set(sequence.pose.subarray(row * POSE_DIMS, row * POSE_DIMS + 3));
  p.translation.set(sequence.pose.subarray(row * POSE_DIMS + 3, (row + 1) * POSE_DIMS));
  p.expression.set(sequence.expression.subarray(row * EXPRESSION_DIMS, (row + 1) * EXPRESSION_DIMS));
  p.gaze.set(sequence.gaze.subarray(row * GAZE_DIMS, (row + 1) * GAZE_DIMS));
  p.eyelids.set(sequence.eyelids.subarray(row * EYELID_DIMS, (row + 1) * EYELID_DIMS));
  return p;
}

/** Renders `first..last` of the shot as it is edited now into a ProRes file (the product's region composite unless told). */
export async function renderCase(
  project: Project,
  dir: string,
  name: string,
  targetId: number,
  first: number,
  last: number,
  composite: CompositeMode = 'region',
): Promise<{ file: string; fps: number }> {
  const file = path.join(dir, `${name}.mov`);
  const summary = await renderShotToFile(project, { clipId: targetId, range: { first, last }, format: 'prores-hq', audio: { kind: 'none' }, out: file, composite });
  return { file, fps: summary.framesPerSecond };
}

/**
 * Time-shifted self-reenactment: the target bound to itself, full head, so that frame t is driven
 * by its own tracked parameters of frame t + shift (relative to the same neutral frame: exactly them).
 */
export function bindTimeShifted(project: Project, targetId: number, shift: number): void {
  bindSource(project, { targetClipId: targetId, sourceClipId: targetId, mode: 'full', offset: -shift });
}

/** Imports `file` as a source clip and tracks it whole: the new clip's id, or null when the tracker finds no face in it. */
export async function retrack(project: Project, file: string): Promise<number | null> {
  const retracked = (await importClip(project, file, 'source')).clip;
  try {
    await trackClip(project, { clipId: retracked.id });
  } catch (error) {
    // A network too weakly trained to draw a face: the tracker finds none, which is the result.
    if (isDvpError(error) && error.code === 'NO_FACE') return null;
    throw error;
  }
  return retracked.id;
}

/** Trains a network on the tracked clip `targetId` (`dvp train`'s split: the first two thirds), on the `auto` backend. */
export async function trainShotModel(project: Project, targetId: number, preset: string, steps: number, name: string): Promise<{ backend: BackendChoice; data: FaceData; trainSeconds: number }> {
  const backend = await selectBackend('auto');
  const data = planFaceData(project, targetId);
  const model = createModel(project, { clipId: targetId, name: `${name} ${preset}`, config: presetConfig(preset), data: { ...data } });
  const { source: examples, split } = await openModelSource(project, model);
  const trainStarted = performance.now();
  await train({ project, model, source: examples, trainIndices: split.train, targetStep: steps, checkpointEvery: steps, backend: backend.name });
  return { backend, data, trainSeconds: (performance.now() - trainStarted) / 1000 };
}
