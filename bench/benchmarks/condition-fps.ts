import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ClipConditioning } from '../../src-main/engine/condition/clip-conditioning.js';
import { ConditioningSequence, FaceConditioner } from '../../src-main/engine/condition/face-conditioner.js';
import { CHANNELS_PER_FRAME } from '../../src-main/engine/condition/frame-renderer.js';
import { DEFAULT_WINDOW_SIZE } from '../../src-main/engine/condition/volume.js';
import type { FaceModel, FrameParams } from '../../src-main/engine/face/model.js';
import { importClip } from '../../src-main/engine/project/import-clip.js';
import { Project } from '../../src-main/engine/project/project.js';
import { trackClip } from '../../src-main/engine/track/track-clip.js';
import { syntheticFaceModel, syntheticParams } from '../../test/condition/synthetic-face.js';
import { MEDIA_DIR } from '../paths.js';
import type { Benchmark, BenchResult, Metric } from '../types.js';

interface BatchRates {
  /** Wall-clock frames/s: the median batch and the best one. */
  median: number;
  best: number;
  /** Frames per second of this thread's CPU time over all batches (less sensitive to other work on the cores). */
  perCpuSecond: number;
}

interface Rates {
  sequential: BatchRates;
  imagesOnly: BatchRates;
  randomAccess: number;
  faceShare: number;
}

/** Frames/s of `batches` runs of `batchSize` calls of `step(i)`. */
function batchRates(batches: number, batchSize: number, step: (i: number) => void): BatchRates {
  const rates: number[] = [];
  const cpuStart = process.cpuUsage();
  for (let b = 0, i = 0; b < batches; b++) {
    const start = performance.now();
    for (let k = 0; k < batchSize; k++, i++) step(i);
    rates.push(batchSize / ((performance.now() - start) / 1000));
  }
  const cpu = process.cpuUsage(cpuStart);
  rates.sort((x, y) => x - y);
  return { median: rates[rates.length >> 1]!, best: rates.at(-1)!, perCpuSecond: (batches * batchSize) / ((cpu.user + cpu.system) / 1e6) };
}

/**
 * Conditioning of `params` (looped) at `size`²: sequential volumes (pose + three images +
 * sliding volume), the images alone, and random-access volumes (a whole window rendered).
 */
function measure(model: FaceModel, crop: { x: number; y: number; size: number }, params: readonly FrameParams[], size: number, batches: number, batchSize: number): Rates {
  const conditioner = new FaceConditioner(model, crop, size);
  const at = (f: number): FrameParams => params[f % params.length]!;
  const sequence = new ConditioningSequence(conditioner, at);
  for (let f = 0; f < 20; f++) sequence.volumeAt(f); // warm-up (JIT)

  sequence.volumeAt(0);
  const sequential = batchRates(batches, batchSize, (f) => sequence.volumeAt(f + 1));

  const out = new Float32Array(size * size * CHANNELS_PER_FRAME);
  const imagesOnly = batchRates(batches, batchSize, (f) => conditioner.render(at(f), out));
  let covered = 0;
  for (let f = 0; f < params.length; f += 10) {
    conditioner.render(at(f), out);
    for (const t of conditioner.renderer.visibility.triangle) if (t >= 0) covered++;
  }

  const jumps = Math.max(4, Math.floor((batches * batchSize) / 40));
  const start = performance.now();
  for (let j = 0; j < jumps; j++) sequence.volumeAt(100 + 37 * j);
  const randomAccess = jumps / ((performance.now() - start) / 1000);
  return { sequential, imagesOnly, randomAccess, faceShare: covered / (Math.ceil(params.length / 10) * size * size) };
}

/** Tracks frames 0–99 of the tedlieu clip into a temporary project and returns its conditioning. */
async function trackedTedlieu(dir: string): Promise<ClipConditioning> {
  const project = Project.create(path.join(dir, 'bench.dvp'));
  try {
    const { clip } = await importClip(project, path.join(MEDIA_DIR, 'target-tedlieu-256.mp4'), 'target');
    await trackClip(project, { clipId: clip.id, range: { first: 0, last: 99 } });
    return ClipConditioning.open(project, clip.id);
  } finally {
    project.close();
  }
}

function rate(value: number, target?: number): Metric {
  return target === undefined ? { value, unit: 'frames/s', better: 'higher' } : { value, unit: 'frames/s', better: 'higher', target };
}

function metricsOf(prefix: string, r: Rates, target?: number): Record<string, Metric> {
  return {
    [`${prefix}frames_per_s`]: rate(r.sequential.median, target),
    [`${prefix}best_batch_frames_per_s`]: rate(r.sequential.best),
    [`${prefix}frames_per_cpu_s`]: { value: r.sequential.perCpuSecond, unit: 'frames/CPU-s', better: 'higher' },
    [`${prefix}images_only_frames_per_s`]: rate(r.imagesOnly.median),
    [`${prefix}images_only_frames_per_cpu_s`]: { value: r.imagesOnly.perCpuSecond, unit: 'frames/CPU-s', better: 'higher' },
    [`${prefix}random_access_volumes_per_s`]: { value: r.randomAccess, unit: 'volumes/s', better: 'higher' },
  };
}

export const conditionFps: Benchmark = {
  name: 'condition-fps',
  description:
    'Conditioning frames/s, single thread: pose the face model, render colour + correspondence + eye images and slide the 11-frame space-time volume. ' +
    'On the tracked face of target-tedlieu-256.mp4 (frames 0–99, looped) at 256² and 512², and on a synthetic face with the same topology; also the images alone and random-access volumes (a whole window rendered). frames/s is the median batch, best_batch the fastest, frames_per_cpu_s counts this thread\'s CPU time only (other work shares the cores).',
  async run(): Promise<BenchResult> {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'dvp-bench-condition-'));
    try {
      const tedlieu = await trackedTedlieu(dir);
      const params = tedlieu.frames.map((f) => f.params);
      const real256 = measure(tedlieu.model, tedlieu.crop, params, 256, 12, 50);
      const real512 = measure(tedlieu.model, tedlieu.crop, params, 512, 6, 20);
      const synthetic = syntheticFaceModel({ width: 256, height: 256 });
      const syntheticParamsList = Array.from({ length: 200 }, (_, f) => syntheticParams(synthetic, f));
      const synthetic256 = measure(synthetic, { x: 0, y: 0, size: 256 }, syntheticParamsList, 256, 12, 50);
      return {
        metrics: {
          ...metricsOf('tedlieu_256_', real256, 200),
          ...metricsOf('tedlieu_512_', real512),
          ...metricsOf('synthetic_256_', synthetic256),
        },
        details: {
          windowSize: DEFAULT_WINDOW_SIZE,
          volumeMiB256: (256 * 256 * CHANNELS_PER_FRAME * DEFAULT_WINDOW_SIZE * 4) / 2 ** 20,
          faceShareOfFrame: { tedlieu256: Number(real256.faceShare.toFixed(3)), tedlieu512: Number(real512.faceShare.toFixed(3)), synthetic256: Number(synthetic256.faceShare.toFixed(3)) },
          tedlieuCrop: tedlieu.crop,
          loadAverage1m: os.loadavg()[0],
        },
      };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
