import type { JobParams, JobResult } from '../../api/job-kinds.js';
import { getClip } from '../../engine/project/clips.js';
import type { Project } from '../../engine/project/project.js';
import { selectBackend } from '../../engine/translate/backend.js';
import { createModel, getModel, listModels, type ModelRecord } from '../../engine/translate/checkpoint-store.js';
import { evaluationSchedule, presetConfig } from '../../engine/translate/config.js';
import { openModelSource, planFaceData, type FaceData } from '../../engine/translate/model-source.js';
import { train } from '../../engine/translate/trainer.js';
import { DvpError } from '../../shared/errors.js';
import type { JobContext } from './job-context.js';
import { LossRecorder, modelArtefactDir } from '../../engine/translate/training-files.js';
import { yieldingSource } from './yielding-source.js';

/** `native`, or `native bf16` when the convolutions run in bf16. */
function backendLabel(backend: { name: string; precision: string }): string {
  return backend.precision === 'f32' ? backend.name : `${backend.name} ${backend.precision}`;
}

function sameFrames(data: Record<string, unknown>, wanted: FaceData): boolean {
  const d = data as Partial<FaceData>;
  return d.conditioning === 'face' && d.first === wanted.first && d.last === wanted.last && d.heldOutFrom === wanted.heldOutFrom;
}

/** The model `dvp train` would pick for these parameters: the one named, the clip's latest of the preset on the same frames, or a new one. */
function chooseModel(project: Project, params: JobParams<'train'>): ModelRecord {
  if (params.modelId !== undefined) {
    const model = getModel(project, params.modelId);
    if (model.clipId !== params.clipId) {
      throw new DvpError('INVALID_ARGUMENT', `${project.file}: model ${model.id} belongs to clip ${model.clipId}, not to clip ${params.clipId}.`, { file: project.file });
    }
    return model;
  }
  const clip = getClip(project, params.clipId);
  const preset = params.preset ?? 'plate-preview';
  const config = presetConfig(preset);
  const data = planFaceData(project, clip.id, params.frames);
  const existing = listModels(project).filter((m) => m.clipId === clip.id && m.config.preset === preset && sameFrames(m.data, data)).at(-1);
  if (existing && !params.fresh) return existing;
  return createModel(project, { clipId: clip.id, name: `${clip.name} ${preset}`, config, data: { ...data } });
}

/**
 * Trains (or resumes) a model with the engine's trainer, as `dvp train` does. Cancelling
 * is "pause": the trainer saves a checkpoint at the step it reached, and the next job on
 * the same model resumes from it. Loss values are recorded for the training panel's plot;
 * held-out scores (`evaluateEvery`) go into the project and the progress message.
 */
export async function runTrain(params: JobParams<'train'>, context: JobContext): Promise<JobResult<'train'>> {
  const project = context.engine.requireWritableProject();
  const model = chooseModel(project, params);
  context.engine.projectChanged();
  const backend = await selectBackend(params.backend ?? 'auto', undefined, params.precision ?? 'f32');
  const targetStep = params.steps ?? model.config.training.steps;
  context.progress({ done: 0, total: targetStep, message: `${backendLabel(backend)}: preparing the training frames` });
  const { source, split, parameterGroups } = await openModelSource(project, model, context.signal);
  const losses = new LossRecorder(project, model.id);
  const { evaluateEvery, patience } = evaluationSchedule(model.config.training, {
    ...(params.evaluateEvery !== undefined ? { evaluateEvery: params.evaluateEvery } : {}),
    ...(params.earlyStop ? { patience: params.earlyStop.patience } : {}),
  });
  const earlyStop = patience > 0 ? { patience, ...(params.earlyStop?.minDelta !== undefined ? { minDelta: params.earlyStop.minDelta } : {}) } : undefined;
  /** The latest held-out score, kept in the progress message until the next evaluation. */
  let heldOut = '';
  try {
    const result = await train({
      project,
      model,
      source: yieldingSource(source),
      trainIndices: split.train,
      previewIndex: split.heldOut[0] ?? split.train[0]!,
      targetStep,
      backend: backend.name,
      signal: context.signal,
      checkpointEvery: params.checkpointEvery ?? 100,
      previewEvery: params.previewEvery ?? 100,
      previewDir: modelArtefactDir(project, model.id),
      evaluateEvery,
      evaluation: { heldOut: split.heldOut, parameterGroups },
      ...(earlyStop ? { earlyStop } : {}),
      onProgress: (p) => {
        losses.add({ step: p.step, ...p.losses });
        if (p.heldOut) heldOut = ` · held-out ${p.heldOut.model.psnr.toFixed(2)} dB (nearest neighbour ${p.heldOut.nearestNeighbour.psnr.toFixed(2)})`;
        context.progress({
          done: p.step,
          total: p.targetStep,
          rate: p.stepsPerSecond,
          etaSeconds: p.etaSeconds,
          message: `${backendLabel(backend)} · model ${model.id} · L1 ${p.losses.l1.toFixed(4)}${heldOut}`,
        });
      },
    });
    if (result.status === 'cancelled') {
      throw new DvpError('CANCELLED', `Training of model ${model.id} paused at step ${result.step}; its checkpoint is saved and Resume continues from there.`);
    }
    return { modelId: model.id, step: result.step, backend: backend.name, precision: backend.precision, secondsPerStep: result.secondsPerStep, losses: result.losses ? { ...result.losses } : null, ...(result.message ? { stoppedEarly: result.message } : {}) };
  } finally {
    losses.flush();
    source.close?.();
    context.engine.projectChanged();
  }
}
