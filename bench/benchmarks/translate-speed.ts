/**
 * Translation network speed on this machine, every backend measured in the same run: generator
 * inference per 256² frame (paper width) on native f32, native bf16 and wasm, against the
 * library's own limit (oneDNN timing the same convolutions alone); seconds per training step of
 * every preset on native and on wasm (paper presets at their batch where wasm cannot hold them).
 */
import os from 'node:os';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend, type BackendName, type Precision } from '../../src-main/engine/translate/backend.js';
import { generatorFlops, inputChannels, presetConfig, type NetworkConfig } from '../../src-main/engine/translate/config.js';
import { TranslationModel } from '../../src-main/engine/translate/model.js';
import { loadNativeAddon } from '../../src-main/engine/translate/native/addon.js';
import { Generator } from '../../src-main/engine/translate/network.js';
import { trainStep } from '../../src-main/engine/translate/train-step.js';
import type { Benchmark, Metric } from '../types.js';
import { onednnReference } from './onednn-reference.js';

/** The fastest of `runs` timed calls after one warm-up (other load only ever slows a run down). */
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

function inferenceSeconds(network: NetworkConfig, runs: number): number {
  const generator = new Generator(network);
  const r = network.resolution;
  const x = tf.randomUniform([1, r, r, inputChannels(network)], -1, 1) as tf.Tensor4D;
  const seconds = best(runs, () => {
    const y = tf.tidy(() => generator.apply(x, { training: false }));
    y.dataSync();
    y.dispose();
  });
  x.dispose();
  generator.params.dispose();
  return seconds;
}

function stepSeconds(preset: string, batchSize: number, runs: number): number {
  const config = presetConfig(preset);
  config.training.batchSize = batchSize;
  const model = new TranslationModel(config);
  const r = config.network.resolution;
  const x = tf.randomUniform([batchSize, r, r, inputChannels(config.network)], -1, 1) as tf.Tensor4D;
  const y = tf.randomUniform([batchSize, r, r, 3], -1, 1) as tf.Tensor4D;
  let step = 0;
  const seconds = best(runs, () => trainStep(model, x, y, step++));
  tf.dispose([x, y]);
  model.dispose();
  return seconds;
}

interface Variant {
  label: string;
  backend: BackendName;
  precision: Precision;
}

/** Training cases: the CPU presets at their batch on every backend, the paper presets on native. */
const STEP_CASES: { preset: string; batch: number; wasm: boolean; runs: number }[] = [
  { preset: 'cpu-tiny', batch: 1, wasm: true, runs: 3 },
  { preset: 'cpu-small', batch: 1, wasm: true, runs: 3 },
  { preset: 'paper-256', batch: 1, wasm: false, runs: 3 },
  { preset: 'paper-256', batch: 16, wasm: false, runs: 1 },
  { preset: 'paper-512', batch: 1, wasm: false, runs: 1 },
];

export const translateSpeedBenchmark: Benchmark = {
  name: 'translate-speed',
  description:
    'Translation network per backend in one run: 256² paper-width generator inference (ms/frame) on native f32/bf16 and wasm against the oneDNN-only time of the same convolutions, and seconds per training step of every preset on native and wasm (paper presets: wasm cannot hold them). Fastest of several runs.',
  async run() {
    const metrics: Record<string, Metric> = {};
    const loaded = loadNativeAddon();
    if ('reason' in loaded) throw new Error(`translate-speed measures the native backend: ${loaded.reason}`);
    const info = loaded.addon.info();
    const variants: Variant[] = [
      { label: 'native', backend: 'native', precision: 'f32' },
      ...(info.bf16 ? [{ label: 'native_bf16', backend: 'native', precision: 'bf16' } as const] : []),
      { label: 'wasm', backend: 'wasm', precision: 'f32' },
    ];
    const paper = presetConfig('paper-256').network;
    const flops = generatorFlops(paper);
    const inference: Record<string, number> = {};
    for (const v of variants) {
      await selectBackend(v.backend, () => {}, v.precision);
      inference[v.label] = inferenceSeconds(paper, v.backend === 'wasm' ? 2 : 8);
      metrics[`infer_256_${v.label}_ms`] = {
        value: inference[v.label]! * 1000, unit: 'ms/frame', better: 'lower',
        ...(v.label === 'native' ? { target: 150 } : v.label === 'native_bf16' ? { target: 80 } : {}),
      };
    }
    for (const v of variants.filter((x) => x.backend !== 'wasm')) {
      metrics[`infer_256_${v.label}_vs_wasm`] = { value: inference.wasm! / inference[v.label]!, unit: '× wasm', better: 'higher', target: v.precision === 'bf16' ? 12 : 6 };
    }
    const reference = onednnReference(info.bf16 ? ['f32', 'bf16'] : ['f32']);
    const details: Record<string, unknown> = { native: info, paper256_gflop_per_frame: flops / 1e9, reference };
    if (!('unavailable' in reference)) {
      for (const v of variants.filter((x) => x.backend !== 'wasm')) {
        const ref = reference[v.precision];
        if (ref) metrics[`infer_256_${v.label}_vs_onednn_convs`] = { value: inference[v.label]! / ref.forwardSeconds, unit: '× oneDNN conv-only time', better: 'lower' };
      }
    }

    const steps: Record<string, number> = {};
    for (const v of variants) {
      await selectBackend(v.backend, () => {}, v.precision);
      for (const c of STEP_CASES) {
        if (v.backend === 'wasm' && !c.wasm) continue;
        if (v.precision === 'bf16' && c.preset === 'paper-512') continue;
        const key = `train_step_${c.preset}_b${c.batch}_${v.label}`;
        steps[key] = stepSeconds(c.preset, c.batch, c.runs);
        metrics[key] = { value: steps[key]!, unit: 's/step', better: 'lower', ...(key === 'train_step_paper-256_b1_native' ? { target: 1.5 } : {}) };
      }
    }
    for (const preset of ['cpu-tiny', 'cpu-small']) {
      metrics[`train_step_${preset}_native_vs_wasm`] = {
        value: steps[`train_step_${preset}_b1_wasm`]! / steps[`train_step_${preset}_b1_native`]!, unit: '× wasm', better: 'higher',
        ...(preset === 'cpu-small' ? { target: 5 } : {}),
      };
    }
    details.wasm_paper_presets = 'not run: a paper-256 training step exceeds the wasm backend\'s 4 GB heap (docs/network.md)';
    details.loadAverageAfter = os.loadavg();
    return { metrics, details };
  },
};
