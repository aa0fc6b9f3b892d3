/**
 * The training loop: in-process, usable by the CLI and the engine process alike.
 * Resumes from the model's latest checkpoint (weights, Adam state, step); the sample
 * order and dropout masks are functions of the step, so a resumed run continues the same
 * sequence. Checkpoints every `checkpointEvery` steps or `checkpointMinutes` of training,
 * whichever comes first (defaults 100 steps, 2 minutes), at the end and on cancel.
 * Every `evaluateEvery` steps it scores the held-out frames (and, once per run, the
 * nearest-neighbour baseline on them), records the scores in the project, and with
 * `earlyStop` ends the run when the held-out PSNR stops improving.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';
import * as tf from '@tensorflow/tfjs-core';
import { DvpError } from '../../shared/errors.js';
import type { Project } from '../project/project.js';
import { endRun, loadLatestCheckpoint, saveCheckpoint, startRun, type ModelRecord } from './checkpoint-store.js';
import { inputChannels } from './config.js';
import type { TrainingSource } from './dataset.js';
import { evaluate } from './evaluate.js';
import { synthesize } from './inference.js';
import type { ImageScores } from './metrics.js';
import { TranslationModel } from './model.js';
import type { ParameterGroup } from './nearest-neighbour.js';
import { writePreview } from './preview.js';
import { saveHeldOutScores, type HeldOutScores } from './score-store.js';
import { trainStep, type StepLosses } from './train-step.js';

export interface TrainProgress {
  step: number;
  targetStep: number;
  losses: StepLosses;
  stepsPerSecond: number;
  etaSeconds: number;
  /** Set when this step wrote a checkpoint. */
  checkpoint?: number;
  /** Set when this step wrote a preview PNG. */
  preview?: string;
  /** Set when this step scored the held-out frames (`evaluateEvery`). */
  heldOut?: HeldOutScores;
}

/** Steps between checkpoints unless time comes first (`checkpointEvery`). */
export const DEFAULT_CHECKPOINT_EVERY = 100;
/** Minutes of training between checkpoints unless the step count comes first (`checkpointMinutes`). */
export const DEFAULT_CHECKPOINT_MINUTES = 2;

/** Held-out frames scored per evaluation while training, spread evenly over the held-out range. */
export const DEFAULT_EVALUATION_FRAMES = 64;
/** Held-out PSNR gain (dB) that counts as an improvement for `earlyStop`. */
export const DEFAULT_EARLY_STOP_DELTA = 0.05;

export interface TrainOptions {
  project: Project;
  model: ModelRecord;
  source: TrainingSource;
  /** Example indices to train on (usually the `train` half of `openModelSource(…).split`). */
  trainIndices: number[];
  /** Example shown in previews (usually the first held-out one). */
  previewIndex?: number;
  /** Train until this step count (default: the config's `training.steps`). */
  targetStep?: number;
  /** Checkpoint every this many steps (default DEFAULT_CHECKPOINT_EVERY) … */
  checkpointEvery?: number;
  /** … or after this many minutes of training since the last checkpoint, whichever comes first (default DEFAULT_CHECKPOINT_MINUTES; 0: steps only). */
  checkpointMinutes?: number;
  /** 0 disables previews. */
  previewEvery?: number;
  previewDir?: string;
  /** Name of the active backend, recorded with the run. */
  backend: string;
  signal?: AbortSignal;
  onProgress?: (progress: TrainProgress) => void;
  /** Seed of the initial weights and of the sample order (default: the model id). */
  seed?: number;
  /** Score the held-out frames every this many steps and at the last step (0 or absent: never; needs `evaluation`). */
  evaluateEvery?: number;
  /** What `evaluateEvery` scores: the split's held-out examples and the nearest-neighbour parameter groups, as `evaluate()` takes them. */
  evaluation?: { heldOut: number[]; parameterGroups: readonly ParameterGroup[]; /** Default DEFAULT_EVALUATION_FRAMES. */ maxFrames?: number };
  /**
   * End the run ('converged') once the held-out PSNR has not beaten the run's best by more
   * than `minDelta` dB (default DEFAULT_EARLY_STOP_DELTA) for `patience` evaluations in a row.
   * Counted within one run: a resumed run starts counting afresh.
   */
  earlyStop?: { patience: number; minDelta?: number };
}

export interface TrainResult {
  /** 'converged': stopped early by `earlyStop` before the target step (the run is recorded finished, with a message saying why). */
  status: 'finished' | 'cancelled' | 'converged';
  step: number;
  startStep: number;
  secondsPerStep: number;
  losses: StepLosses | undefined;
  /** Why the run stopped early (status 'converged'). */
  message?: string;
}

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Deterministic epoch-wise shuffling: the example at position p of the whole run. */
export class SampleOrder {
  private epoch = -1;
  private order: number[] = [];

  constructor(private readonly indices: number[], private readonly seed: number) {}

  at(position: number): number {
    const epoch = Math.floor(position / this.indices.length);
    if (epoch !== this.epoch) {
      const random = mulberry32(this.seed * 7919 + epoch);
      this.order = [...this.indices];
      for (let i = this.order.length - 1; i > 0; i--) {
        const j = Math.floor(random() * (i + 1));
        [this.order[i], this.order[j]] = [this.order[j]!, this.order[i]!];
      }
      this.epoch = epoch;
    }
    return this.order[position % this.indices.length]!;
  }
}

/** `firstDraw`: the draw of the batch's first example (see `TrainingSource.sample`); the others follow it. */
async function batchTensors(source: TrainingSource, indices: number[], firstDraw: number): Promise<{ x: tf.Tensor4D; y: tf.Tensor4D }> {
  const r = source.resolution;
  const x = new Float32Array(indices.length * r * r * source.inputChannels);
  const y = new Float32Array(indices.length * r * r * 3);
  for (let i = 0; i < indices.length; i++) {
    const example = await source.sample(indices[i]!, firstDraw + i);
    x.set(example.input, i * example.input.length);
    y.set(example.target, i * example.target.length);
  }
  return { x: tf.tensor4d(x, [indices.length, r, r, source.inputChannels]), y: tf.tensor4d(y, [indices.length, r, r, 3]) };
}

export async function train(options: TrainOptions): Promise<TrainResult> {
  const { project, model: record, source } = options;
  const config = record.config;
  if (source.resolution !== config.network.resolution || source.inputChannels !== inputChannels(config.network)) {
    throw new DvpError('INVALID_ARGUMENT', `The training data (${source.resolution}², ${source.inputChannels} channels) do not fit model ${record.id} (${config.network.resolution}², ${inputChannels(config.network)} channels).`);
  }
  if (options.trainIndices.length === 0) throw new DvpError('INVALID_ARGUMENT', 'There are no training frames.');
  const targetStep = options.targetStep ?? config.training.steps;
  const checkpointEvery = Math.max(1, options.checkpointEvery ?? DEFAULT_CHECKPOINT_EVERY);
  const checkpointMs = Math.max(0, options.checkpointMinutes ?? DEFAULT_CHECKPOINT_MINUTES) * 60_000;
  const previewEvery = options.previewEvery ?? 0;
  const batchSize = config.training.batchSize;
  const seed = options.seed ?? record.id;
  const order = new SampleOrder(options.trainIndices, seed);
  const evaluateEvery = options.evaluateEvery ?? 0;
  const evaluation = evaluateEvery > 0 ? options.evaluation : undefined;
  if (evaluateEvery > 0 && (!evaluation || evaluation.heldOut.length === 0)) throw new DvpError('INVALID_ARGUMENT', 'Scoring the held-out frames while training needs held-out frames; there are none.');
  if (options.earlyStop && (!evaluation || !Number.isInteger(options.earlyStop.patience) || options.earlyStop.patience < 1)) {
    throw new DvpError('INVALID_ARGUMENT', 'Early stopping needs held-out scores (evaluate every N steps) and a patience of at least one evaluation.');
  }
  const minDelta = options.earlyStop?.minDelta ?? DEFAULT_EARLY_STOP_DELTA;

  const model = new TranslationModel(config, seed);
  const latest = loadLatestCheckpoint(project, record.id);
  if (latest) model.restore(latest);
  const startStep = latest?.step ?? 0;
  let step = startStep;
  let losses: StepLosses | undefined;
  const runId = startRun(project, record.id, options.backend, startStep, targetStep);
  const started = performance.now();
  let rate = 0;
  let lastTime = started;

  let lastCheckpointAt = started;
  const checkpoint = (): number => {
    const id = saveCheckpoint(project, {
      modelId: record.id, runId, step, snapshot: model.snapshot(),
      metrics: losses ? { ...losses } : {},
    });
    lastCheckpointAt = performance.now();
    return id;
  };
  const checkpointDue = (): boolean =>
    step % checkpointEvery === 0 || step === targetStep || (checkpointMs > 0 && performance.now() - lastCheckpointAt >= checkpointMs);
  const secondsPerStep = (): number => (step > startStep ? (performance.now() - started) / 1000 / (step - startStep) : 0);

  // The baseline does not change while the model trains: scored at the run's first evaluation, then reused.
  let baseline: ImageScores | undefined;
  let best = { psnr: -Infinity, step: 0 };
  let stale = 0;
  /** Scores the held-out frames and records them; undefined when cancelled part-way (the loop then stops). */
  const scoreHeldOut = async (held: NonNullable<typeof evaluation>): Promise<HeldOutScores | undefined> => {
    try {
      const result = await evaluate(model.generator, source, { train: options.trainIndices, heldOut: held.heldOut }, held.parameterGroups, {
        maxFrames: held.maxFrames ?? DEFAULT_EVALUATION_FRAMES,
        ...(options.signal ? { signal: options.signal } : {}),
        ...(baseline ? { nearestNeighbour: baseline } : {}),
      });
      baseline = result.nearestNeighbour;
      const scores: HeldOutScores = { step, frames: result.frames.length, model: result.model, nearestNeighbour: result.nearestNeighbour };
      saveHeldOutScores(project, { modelId: record.id, runId, ...scores });
      return scores;
    } catch (error) {
      if (options.signal?.aborted) return undefined;
      throw error;
    }
  };

  try {
    if (previewEvery > 0 && options.previewDir) mkdirSync(options.previewDir, { recursive: true });
    while (step < targetStep) {
      // A turn of the event loop per step: the steps are synchronous and a cached source answers
      // without I/O, so without it a signal (Ctrl-C, SIGTERM) would not be seen until the run ended.
      await nextTurn();
      if (options.signal?.aborted) {
        if (step > (latest?.step ?? -1)) checkpoint();
        endRun(project, runId, 'cancelled', step, secondsPerStep());
        return { status: 'cancelled', step, startStep, secondsPerStep: secondsPerStep(), losses };
      }
      const indices: number[] = [];
      for (let b = 0; b < batchSize; b++) indices.push(order.at(step * batchSize + b));
      const { x, y } = await batchTensors(source, indices, step * batchSize + 1);
      try {
        losses = trainStep(model, x, y, step);
      } finally {
        tf.dispose([x, y]);
      }
      step += 1;
      const now = performance.now();
      const instant = 1000 / Math.max(1e-3, now - lastTime);
      rate = rate === 0 ? instant : 0.9 * rate + 0.1 * instant;
      lastTime = now;
      const progress: TrainProgress = { step, targetStep, losses, stepsPerSecond: rate, etaSeconds: (targetStep - step) / rate };
      if (checkpointDue()) progress.checkpoint = checkpoint();
      if (previewEvery > 0 && options.previewDir && (step % previewEvery === 0 || step === targetStep)) {
        const index = options.previewIndex ?? options.trainIndices[0]!;
        const example = await source.sample(index);
        const [output] = synthesize(model.generator, [example.input]);
        const file = path.join(options.previewDir, `step-${String(step).padStart(6, '0')}.png`);
        writePreview(file, example.input, output!, example.target, source.resolution);
        progress.preview = file;
      }
      if (evaluation && (step % evaluateEvery === 0 || step === targetStep)) {
        const scores = await scoreHeldOut(evaluation);
        lastTime = performance.now(); // the step rate counts training steps only
        if (scores) progress.heldOut = scores;
        if (scores && options.earlyStop) {
          if (scores.model.psnr > best.psnr + minDelta) {
            best = { psnr: scores.model.psnr, step };
            stale = 0;
          } else {
            stale += 1;
          }
          if (stale >= options.earlyStop.patience && step < targetStep) {
            progress.checkpoint ??= checkpoint();
            options.onProgress?.(progress);
            const message = `Stopped early at step ${step}: the held-out PSNR has not improved on ${best.psnr.toFixed(2)} dB (step ${best.step}) by more than ${minDelta} dB in ${stale} evaluation${stale === 1 ? '' : 's'}.`;
            endRun(project, runId, 'finished', step, secondsPerStep(), message);
            return { status: 'converged', step, startStep, secondsPerStep: secondsPerStep(), losses, message };
          }
        }
      }
      options.onProgress?.(progress);
    }
    endRun(project, runId, 'finished', step, secondsPerStep());
    return { status: 'finished', step, startStep, secondsPerStep: secondsPerStep(), losses };
  } catch (error) {
    endRun(project, runId, 'failed', step, secondsPerStep(), (error as Error).message);
    throw error;
  } finally {
    model.dispose();
  }
}
