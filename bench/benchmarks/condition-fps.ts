import os from 'node:os';
import { FaceConditioner, ConditioningSequence } from '../../src-main/engine/condition/face-conditioner.js';
import { CHANNELS_PER_FRAME } from '../../src-main/engine/condition/frame-renderer.js';
import { DEFAULT_WINDOW_SIZE } from '../../src-main/engine/condition/volume.js';
import type { FrameParams } from '../../src-main/engine/face/model.js';
import { syntheticFaceModel, syntheticParams } from '../../test/condition/synthetic-face.js';
import type { Benchmark, BenchResult, Metric } from '../types.js';

interface Rates {
  /** Median and best batch of sequential conditioning frames/s (other work shares these cores). */
  sequential: { median: number; best: number };
  renderOnly: { median: number; best: number };
  randomAccess: number;
  faceShare: number;
}

/** frames/s of `batches` runs of `batchSize` calls of `step(i)`: the median batch and the best one. */
function batchRates(batches: number, batchSize: number, step: (i: number) => void): { median: number; best: number } {
  const rates: number[] = [];
  for (let b = 0, i = 0; b < batches; b++) {
    const start = performance.now();
    for (let k = 0; k < batchSize; k++, i++) step(i);
    rates.push(batchSize / ((performance.now() - start) / 1000));
  }
  rates.sort((x, y) => x - y);
  return { median: rates[rates.length >> 1]!, best: rates.at(-1)! };
}

function measure(size: number, batches: number, batchSize: number): Rates {
  const frames = batches * batchSize;
  const model = syntheticFaceModel({ width: size, height: size });
  const params: FrameParams[] = Array.from({ length: frames }, (_, f) => syntheticParams(model, f));
  const conditioner = new FaceConditioner(model, { x: 0, y: 0, size }, size);
  const sequence = new ConditioningSequence(conditioner, (f) => params[f]!);
  for (let f = 0; f < 20; f++) sequence.volumeAt(f); // warm-up (JIT)

  // What inference and training do: every frame posed, its three images rendered, the volume assembled.
  sequence.volumeAt(0);
  const sequential = batchRates(batches, batchSize, (f) => sequence.volumeAt(f + 1));

  const out = new Float32Array(size * size * CHANNELS_PER_FRAME);
  const renderOnly = batchRates(batches, batchSize, (f) => conditioner.render(params[f]!, out));

  let covered = 0;
  for (const t of conditioner.renderer.visibility.triangle) if (t >= 0) covered++;

  const jumps = Math.max(4, Math.floor(frames / 40));
  const start = performance.now();
  for (let j = 0; j < jumps; j++) sequence.volumeAt(((j * 37) % frames) + DEFAULT_WINDOW_SIZE * (j % 2));
  const randomAccess = jumps / ((performance.now() - start) / 1000);
  return { sequential, renderOnly, randomAccess, faceShare: covered / (size * size) };
}

function rate(value: number, target?: number): Metric {
  return target === undefined ? { value, unit: 'frames/s', better: 'higher' } : { value, unit: 'frames/s', better: 'higher', target };
}

export const conditionFps: Benchmark = {
  name: 'condition-fps',
  description:
    'Conditioning frames/s (pose mesh + colour, correspondence and eye images + the 11-frame space-time volume, sliding) at 256² and 512², on a synthetic face model with the real 468-vertex topology filling about half the frame; also the images alone and random-access volumes (11 frames rendered).',
  async run(): Promise<BenchResult> {
    const r256 = measure(256, 12, 50);
    const r512 = measure(512, 6, 20);
    return {
      metrics: {
        frames_per_s_256: rate(r256.sequential.median, 200),
        frames_per_s_512: rate(r512.sequential.median),
        best_batch_frames_per_s_256: rate(r256.sequential.best),
        best_batch_frames_per_s_512: rate(r512.sequential.best),
        images_only_frames_per_s_256: rate(r256.renderOnly.median),
        images_only_frames_per_s_512: rate(r512.renderOnly.median),
        random_access_volumes_per_s_256: { value: r256.randomAccess, unit: 'volumes/s', better: 'higher' },
        random_access_volumes_per_s_512: { value: r512.randomAccess, unit: 'volumes/s', better: 'higher' },
      },
      details: {
        windowSize: DEFAULT_WINDOW_SIZE,
        volumeMiB256: (256 * 256 * CHANNELS_PER_FRAME * DEFAULT_WINDOW_SIZE * 4) / 2 ** 20,
        faceShareOfFrame256: Number(r256.faceShare.toFixed(3)),
        faceShareOfFrame512: Number(r512.faceShare.toFixed(3)),
        loadAverage1m: os.loadavg()[0],
        thread: 'single (main thread); frames/s is the median of batches, best_batch the fastest batch',
      },
    };
  },
};
