import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { LossPoint } from '../../api/pipeline.js';
import type { Project } from '../project/project.js';

/**
 * Where a model's training artefacts beside the project live: the preview PNGs the trainer
 * writes and the loss history, both recorded alike by `dvp train` and the training job.
 */
export function modelArtefactDir(project: Project, modelId: number): string {
  return path.join(project.directory, `${path.basename(project.file, '.dvp')}.previews`, `model-${modelId}`);
}

const PREVIEW_NAME = /^step-(\d{6,})\.png$/;
const LOSS_FILE = 'losses.csv';

/** Steps that have a preview image, ascending. */
export function previewSteps(project: Project, modelId: number): number[] {
  const dir = modelArtefactDir(project, modelId);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .map((name) => PREVIEW_NAME.exec(name))
    .filter((match): match is RegExpExecArray => match !== null)
    .map((match) => Number(match[1]))
    .sort((a, b) => a - b);
}

export function previewFile(project: Project, modelId: number, step: number): string {
  return path.join(modelArtefactDir(project, modelId), `step-${String(step).padStart(6, '0')}.png`);
}

/**
 * The loss history of a model, one point per step. A step trained twice (a run killed
 * after its last checkpoint, then resumed) keeps its latest value.
 */
export function readLossHistory(project: Project, modelId: number): LossPoint[] {
  const file = path.join(modelArtefactDir(project, modelId), LOSS_FILE);
  if (!existsSync(file)) return [];
  const byStep = new Map<number, LossPoint>();
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const [step, generator, discriminator, l1] = line.split(',').map(Number);
    if (step === undefined || !Number.isInteger(step) || step <= 0 || ![generator, discriminator, l1].every((v) => v !== undefined && Number.isFinite(v))) continue;
    byStep.set(step, { step, generator: generator!, discriminator: discriminator!, l1: l1! });
  }
  return [...byStep.values()].sort((a, b) => a.step - b.step);
}

/** Appends loss points to a model's history, written in batches (at most one write every `intervalMs`). */
export class LossRecorder {
  private readonly file: string;
  private pending: string[] = [];
  private lastWrite = 0;

  constructor(project: Project, modelId: number, private readonly intervalMs = 1000) {
    const dir = modelArtefactDir(project, modelId);
    mkdirSync(dir, { recursive: true });
    this.file = path.join(dir, LOSS_FILE);
  }

  add(point: LossPoint): void {
    this.pending.push(`${point.step},${point.generator},${point.discriminator},${point.l1}\n`);
    if (performance.now() - this.lastWrite >= this.intervalMs) this.flush();
  }

  flush(): void {
    if (this.pending.length > 0) appendFileSync(this.file, this.pending.join(''));
    this.pending = [];
    this.lastWrite = performance.now();
  }
}
