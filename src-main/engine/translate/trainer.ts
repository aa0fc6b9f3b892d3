/**
 * The training loop: in-process, usable by the CLI and the engine process alike.
 * Resumes from the model's latest checkpoint (weights, Adam state, step); the sample
 * order and dropout masks are functions of the step, so a resumed run continues the same
 * sequence. Checkpoints every `checkpointEvery` steps, at the end and on cancel.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { DvpError } from '../../shared/errors.js';
import type { Project } from '../project/project.js';
import { endRun, loadLatestCheckpoint, saveCheckpoint, startRun, type ModelRecord } from './checkpoint-store.js';
import type { TrainingSource } from './dataset.js';
import { synthesize } from './inference.js';
import { TranslationModel } from './model.js';
import { writePreview } from './preview.js';
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
}

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
  checkpointEvery?: number;
  /** 0 disables previews. */
  previewEvery?: number;
  previewDir?: string;
  /** Name of the active backend, recorded with the run. */
  backend: string;
  signal?: AbortSignal;
  onProgress?: (progress: TrainProgress) => void;
  /** Seed of the initial weights and of the sample order (default: the model id). */
  seed?: number;
}

export interface TrainResult {
  status: 'finished' | 'cancelled';
  step: number;
  startStep: number;
  secondsPerStep: number;
  losses: StepLosses | undefined;
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

async function batchTensors(source: TrainingSource, indices: number[]): Promise<{ x: tf.Tensor4D; y: tf.Tensor4D }> {
  const r = source.resolution;
  const x = new Float32Array(indices.length * r * r * source.inputChannels);
  const y = new Float32Array(indices.length * r * r * 3);
  for (let i = 0; i < indices.length; i++) {
    const example = await source.sample(indices[i]!);
    x.set(example.input, i * example.input.length);
    y.set(example.target, i * example.target.length);
  }
  return { x: tf.tensor4d(x, [indices.length, r, r, source.inputChannels]), y: tf.tensor4d(y, [indices.length, r, r, 3]) };
}

export async function train(options: TrainOptions): Promise<TrainResult> {
  const { project, model: record, source } = options;
  const config = record.config;
  if (source.resolution !== config.network.resolution || source.inputChannels !== 9 * config.network.windowSize) {
    throw new DvpError('INVALID_ARGUMENT', `The training data (${source.resolution}², ${source.inputChannels} channels) do not fit model ${record.id} (${config.network.resolution}², ${9 * config.network.windowSize} channels).`);
  }
  if (options.trainIndices.length === 0) throw new DvpError('INVALID_ARGUMENT', 'There are no training frames.');
  const targetStep = options.targetStep ?? config.training.steps;
  const checkpointEvery = Math.max(1, options.checkpointEvery ?? 100);
  const previewEvery = options.previewEvery ?? 0;
  const batchSize = config.training.batchSize;
  const seed = options.seed ?? record.id;
  const order = new SampleOrder(options.trainIndices, seed);

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

  const checkpoint = (): number =>
    saveCheckpoint(project, {
      modelId: record.id, runId, step, snapshot: model.snapshot(),
      metrics: losses ? { ...losses } : {},
    });
  const secondsPerStep = (): number => (step > startStep ? (performance.now() - started) / 1000 / (step - startStep) : 0);

  try {
    if (previewEvery > 0 && options.previewDir) mkdirSync(options.previewDir, { recursive: true });
    while (step < targetStep) {
      if (options.signal?.aborted) {
        if (step > (latest?.step ?? -1)) checkpoint();
        endRun(project, runId, 'cancelled', step, secondsPerStep());
        return { status: 'cancelled', step, startStep, secondsPerStep: secondsPerStep(), losses };
      }
      const indices: number[] = [];
      for (let b = 0; b < batchSize; b++) indices.push(order.at(step * batchSize + b));
      const { x, y } = await batchTensors(source, indices);
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
      if (step % checkpointEvery === 0 || step === targetStep) progress.checkpoint = checkpoint();
      if (previewEvery > 0 && options.previewDir && (step % previewEvery === 0 || step === targetStep)) {
        const index = options.previewIndex ?? options.trainIndices[0]!;
        const example = await source.sample(index);
        const [output] = synthesize(model.generator, [example.input]);
        const file = path.join(options.previewDir, `step-${String(step).padStart(6, '0')}.png`);
        writePreview(file, example.input, output!, example.target, source.resolution);
        progress.preview = file;
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
