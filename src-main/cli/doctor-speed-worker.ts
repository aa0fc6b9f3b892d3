/**
 * One `dvp doctor --speed` measurement, in a process of its own so that backends share no
 * state: the paper-256 generator's inference time per 256² frame on one backend.
 *
 *   node doctor-speed-worker.js BACKEND PRECISION WARMUP FRAMES
 *
 * Prints one JSON line on stdout: {backend, provider, precision, ms_per_frame, frames, samples}.
 */
import * as tf from '@tensorflow/tfjs-core';
import { parseBackendRequest, parsePrecision, selectBackend } from '../engine/translate/backend.js';
import { inputChannels, presetConfig } from '../engine/translate/config.js';
import { Generator } from '../engine/translate/network.js';

export interface SpeedSample {
  backend: string;
  provider: string;
  precision: string;
  /** Median over `frames` timed frames, after the warm-up frames. */
  ms_per_frame: number;
  frames: number;
  samples: number[];
}

function count(text: string | undefined, fallback: number): number {
  const n = Number(text);
  return Number.isInteger(n) && n >= 0 ? n : fallback;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

async function measure(args: string[]): Promise<SpeedSample> {
  const [backendArg, precisionArg, warmupArg, framesArg] = args;
  const choice = await selectBackend(parseBackendRequest(backendArg), () => {}, parsePrecision(precisionArg));
  const network = presetConfig('paper-256').network;
  const generator = new Generator(network);
  const size = network.resolution;
  const x = tf.randomUniform([1, size, size, inputChannels(network)], -1, 1) as tf.Tensor4D;
  const frame = (): number => {
    const start = performance.now();
    const y = tf.tidy(() => generator.apply(x, { training: false }));
    y.dataSync();
    y.dispose();
    return performance.now() - start;
  };
  const warmup = count(warmupArg, 2);
  const frames = Math.max(1, count(framesArg, 5));
  for (let i = 0; i < warmup; i++) frame();
  const samples: number[] = [];
  for (let i = 0; i < frames; i++) samples.push(frame());
  x.dispose();
  generator.params.dispose();
  return { backend: choice.name, provider: choice.provider, precision: choice.precision, ms_per_frame: median(samples), frames, samples: samples.map((s) => Math.round(s * 10) / 10) };
}

measure(process.argv.slice(2)).then(
  (sample) => {
    process.stdout.write(`${JSON.stringify(sample)}\n`);
  },
  (error: unknown) => {
    process.stderr.write(`${(error as Error)?.message ?? String(error)}\n`);
    process.exitCode = 1;
  },
);
