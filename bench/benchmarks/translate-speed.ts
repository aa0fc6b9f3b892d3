/**
 * Translation network speed on this machine: sustained GFLOP/s of the backend (large
 * matMul and a 3×3 conv), generator inference at 64², 128², 256² (paper-256 = ~26 GFLOP
 * per frame) against that arithmetic limit, and seconds per training step of the CPU presets.
 */
import os from 'node:os';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '../../src-main/engine/translate/backend.js';
import { generatorFlops, inputChannels, presetConfig, type NetworkConfig } from '../../src-main/engine/translate/config.js';
import { TranslationModel } from '../../src-main/engine/translate/model.js';
import { Generator } from '../../src-main/engine/translate/network.js';
import { trainStep } from '../../src-main/engine/translate/train-step.js';
import type { Benchmark, Metric } from '../types.js';

function best(runs: number, work: () => void): number {
  work();
  let fastest = Infinity;
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    work();
    fastest = Math.min(fastest, (performance.now() - t) / 1000);
  }
  return fastest;
}

function sustainedGflops(): { matmul: number; conv: number } {
  const a = tf.randomNormal([1024, 1024]);
  const b = tf.randomNormal([1024, 1024]);
  const matmul = (2 * 1024 ** 3) / best(3, () => tf.matMul(a, b).dispose()) / 1e9;
  const x = tf.randomNormal([1, 64, 64, 128]) as tf.Tensor4D;
  const w = tf.randomNormal([3, 3, 128, 128]) as tf.Tensor4D;
  const conv = (2 * 64 * 64 * 128 * 128 * 9) / best(3, () => tf.conv2d(x, w, 1, 'same').dispose()) / 1e9;
  tf.dispose([a, b, x, w]);
  return { matmul, conv };
}

/** Seconds per frame of the generator at inference, `batch` frames per call. */
function inferenceSeconds(network: NetworkConfig, batch = 1): number {
  const generator = new Generator(network);
  const r = network.resolution;
  const x = tf.randomUniform([batch, r, r, inputChannels(network)], -1, 1) as tf.Tensor4D;
  const seconds = best(2, () => {
    const y = tf.tidy(() => generator.apply(x, { training: false }));
    y.dataSync();
    y.dispose();
  });
  x.dispose();
  generator.params.dispose();
  return seconds / batch;
}

function stepSeconds(preset: string): number {
  const config = presetConfig(preset);
  const model = new TranslationModel(config);
  const r = config.network.resolution;
  const b = config.training.batchSize;
  const x = tf.randomUniform([b, r, r, inputChannels(config.network)], -1, 1) as tf.Tensor4D;
  const y = tf.randomUniform([b, r, r, 3], -1, 1) as tf.Tensor4D;
  let step = 0;
  const seconds = best(3, () => trainStep(model, x, y, step++));
  tf.dispose([x, y]);
  model.dispose();
  return seconds;
}

export const translateSpeedBenchmark: Benchmark = {
  name: 'translate-speed',
  description: 'Translation network on the default CPU backend (wasm, one thread): sustained GFLOP/s, generator inference per frame at 64²/128²/256² (and 256² four frames per call) vs the arithmetic limit, training seconds per step of the CPU presets.',
  async run() {
    const backend = await selectBackend('auto');
    const metrics: Record<string, Metric> = {};
    const limit = sustainedGflops();
    const sustained = Math.max(limit.matmul, limit.conv);
    metrics.sustained_matmul_gflops = { value: limit.matmul, unit: 'GFLOP/s', better: 'higher' };
    metrics.sustained_conv3x3_gflops = { value: limit.conv, unit: 'GFLOP/s', better: 'higher' };
    const paper = presetConfig('paper-256').network;
    const details: Record<string, unknown> = { backend: backend.name, reason: backend.reason };
    for (const resolution of [64, 128, 256]) {
      const network: NetworkConfig = { ...paper, resolution, levels: Math.min(8, Math.log2(resolution)) };
      const seconds = inferenceSeconds(network);
      const flops = generatorFlops(network);
      metrics[`infer_${resolution}_fps`] = { value: 1 / seconds, unit: 'frames/s', better: 'higher' };
      details[`infer_${resolution}`] = { seconds, gflop: flops / 1e9, levels: network.levels };
      if (resolution === 256) {
        metrics.infer_256_seconds = { value: seconds, unit: 's/frame', better: 'lower', target: (2 * flops) / 1e9 / sustained };
        metrics.infer_256_vs_arithmetic_limit = { value: seconds / (flops / 1e9 / sustained), unit: '× limit', better: 'lower', target: 2 };
        const batched = inferenceSeconds(network, 4);
        metrics.infer_256_batch4_seconds_per_frame = { value: batched, unit: 's/frame', better: 'lower' };
        metrics.infer_256_batch4_vs_arithmetic_limit = { value: batched / (flops / 1e9 / sustained), unit: '× limit', better: 'lower', target: 2 };
      }
    }
    for (const preset of ['cpu-tiny', 'cpu-small']) metrics[`train_step_${preset}`] = { value: stepSeconds(preset), unit: 's/step', better: 'lower' };
    details.paper256_gflop_per_frame = generatorFlops(paper) / 1e9;
    details.loadAverage = os.loadavg();
    return { metrics, details };
  },
};
