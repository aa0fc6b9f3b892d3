/**
 * Training and inference on the native backend against wasm: the same losses from the same
 * weights and data, checkpoints that move between backends, no tensor growth, what bf16 costs,
 * and the fallback when the addon is missing.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend, type BackendName } from '../../src-main/engine/translate/backend.js';
import { inputChannels, presetConfig, type ModelConfig } from '../../src-main/engine/translate/config.js';
import { synthesize } from '../../src-main/engine/translate/inference.js';
import { TranslationModel, type Snapshot } from '../../src-main/engine/translate/model.js';
import { loadNativeAddon } from '../../src-main/engine/translate/native/addon.js';
import { trainStep, type StepLosses } from '../../src-main/engine/translate/train-step.js';
import { REPO_ROOT } from '../helpers/paths.js';

function config(): ModelConfig {
  const c = presetConfig('cpu-tiny');
  c.training.batchSize = 2;
  return c;
}

function data(c: ModelConfig): { x: Float32Array; y: Float32Array } {
  const r = c.network.resolution;
  return tf.tidy(() => ({
    x: tf.randomUniform([2, r, r, inputChannels(c.network)], -1, 1, 'float32', 11).dataSync() as Float32Array,
    y: tf.randomUniform([2, r, r, 3], -1, 1, 'float32', 12).dataSync() as Float32Array,
  }));
}

/** Trains `steps` steps from `start` on `backend`; returns the losses and the final snapshot. */
async function trainOn(backend: BackendName, start: Snapshot, steps: number, firstStep = 0): Promise<{ losses: StepLosses[]; end: Snapshot; tensorCounts: number[] }> {
  await selectBackend(backend);
  const c = config();
  const model = new TranslationModel(c);
  model.restore(start);
  const { x, y } = data(c);
  const r = c.network.resolution;
  const xt = tf.tensor4d(x, [2, r, r, inputChannels(c.network)]);
  const yt = tf.tensor4d(y, [2, r, r, 3]);
  const losses: StepLosses[] = [];
  const tensorCounts: number[] = [];
  for (let step = firstStep; step < firstStep + steps; step++) {
    losses.push(trainStep(model, xt, yt, step));
    tensorCounts.push(tf.memory().numTensors);
  }
  const end = model.snapshot();
  tf.dispose([xt, yt]);
  model.dispose();
  return { losses, end, tensorCounts };
}

async function initialSnapshot(): Promise<Snapshot> {
  await selectBackend('wasm');
  tf.setBackend('wasm');
  const model = new TranslationModel(config());
  const snapshot = model.snapshot();
  model.dispose();
  return snapshot;
}

function relative(a: number, b: number): number {
  return Math.abs(a - b) / Math.max(Math.abs(b), 1e-6);
}

test('a short run from one start on native and on wasm ends at the same losses (within 2 %)', async (t) => {
  const start = await initialSnapshot();
  const wasm = await trainOn('wasm', start, 12);
  const native = await trainOn('native', start, 12);
  const last = (run: { losses: StepLosses[] }): StepLosses => run.losses.at(-1)!;
  t.diagnostic(`after 12 steps: L1 native ${last(native).l1.toFixed(5)} wasm ${last(wasm).l1.toFixed(5)}; G ${last(native).generator.toFixed(4)} / ${last(wasm).generator.toFixed(4)}; D ${last(native).discriminator.toFixed(4)} / ${last(wasm).discriminator.toFixed(4)}`);
  assert.ok(relative(native.losses[0]!.l1, wasm.losses[0]!.l1) < 1e-4, `first step L1 ${native.losses[0]!.l1} vs ${wasm.losses[0]!.l1}`);
  assert.ok(relative(last(native).l1, last(wasm).l1) < 0.02, `L1 after 12 steps: native ${last(native).l1} vs wasm ${last(wasm).l1}`);
  assert.ok(relative(last(native).generator, last(wasm).generator) < 0.02, `G loss ${last(native).generator} vs ${last(wasm).generator}`);
  assert.ok(relative(last(native).discriminator, last(wasm).discriminator) < 0.05, `D loss ${last(native).discriminator} vs ${last(wasm).discriminator}`);
  assert.ok(last(native).l1 < native.losses[0]!.l1, 'native training lowers L1');
  assert.equal(new Set(native.tensorCounts.slice(1)).size, 1, `tensor counts on native: ${native.tensorCounts.join(', ')}`);
});

test('a checkpoint written on one backend loads and continues on the other', async () => {
  const start = await initialSnapshot();
  const onNative = await trainOn('native', start, 4);
  // Continue the native run's checkpoint (weights and Adam state) on both backends.
  const nativeNext = await trainOn('native', onNative.end, 2, 4);
  const wasmNext = await trainOn('wasm', onNative.end, 2, 4);
  assert.equal(wasmNext.end.manifest.adamSteps.generator, 6);
  for (let i = 0; i < 2; i++) {
    assert.ok(relative(wasmNext.losses[i]!.l1, nativeNext.losses[i]!.l1) < 1e-3, `step ${5 + i}: L1 on wasm ${wasmNext.losses[i]!.l1} vs native ${nativeNext.losses[i]!.l1}`);
  }
  // And back: the wasm checkpoint continues on native.
  const back = await trainOn('native', wasmNext.end, 1, 6);
  assert.ok(Number.isFinite(back.losses[0]!.generator));
  assert.ok(back.losses[0]!.l1 < onNative.losses[0]!.l1);
});

test('bf16 convolutions: output close to f32 with the same weights where the CPU has bf16, a clear refusal where not', async (t) => {
  const loaded = loadNativeAddon();
  assert.ok('addon' in loaded, 'the native addon is built for the tests');
  const c = presetConfig('cpu-small');
  await selectBackend('native', () => {}, 'f32');
  const model = new TranslationModel(c);
  const r = c.network.resolution;
  const input = tf.tidy(() => tf.randomUniform([r, r, inputChannels(c.network)], -1, 1, 'float32', 5).dataSync() as Float32Array);
  const f32 = synthesize(model.generator, [input])[0]!.slice();
  if (!loaded.addon.info().bf16) {
    await assert.rejects(selectBackend('native', () => {}, 'bf16'), /no native bf16/);
    model.dispose();
    return;
  }
  await selectBackend('native', () => {}, 'bf16');
  const bf16 = synthesize(model.generator, [input])[0]!.slice();
  await selectBackend('native', () => {}, 'f32');
  model.dispose();
  // An untrained generator's output is small: compare the error with the signal, not with [−1, 1].
  let error = 0;
  let signal = 0;
  for (let i = 0; i < f32.length; i++) {
    error += (f32[i]! - bf16[i]!) ** 2;
    signal += f32[i]! ** 2;
  }
  const snr = 10 * Math.log10(signal / error);
  t.diagnostic(`cpu-small generator output, bf16 against f32, same weights: signal-to-error ${snr.toFixed(1)} dB`);
  assert.ok(snr > 20, `bf16 output against f32: ${snr.toFixed(1)} dB`);
  assert.ok(snr < 80, 'bf16 really computes in bf16 (its error is far above f32 rounding)');
});

test('bf16 is refused on a backend that computes in f32', async () => {
  await assert.rejects(selectBackend('wasm', () => {}, 'bf16'), /bf16 precision needs the native backend/);
});

test('without the addon, auto falls back to wasm and says why; naming native is refused with the reason', () => {
  const child = (request: string): { ok: boolean; choice?: { name: string; reason: string }; code?: string; message?: string } =>
    JSON.parse(execFileSync(process.execPath, ['--import', 'tsx', path.join(REPO_ROOT, 'test/translate/fixtures/backend-child.ts'), request], {
      cwd: REPO_ROOT,
      env: { ...process.env, DVP_NATIVE_ADDON: '/nonexistent/dvp_dnnl.node' },
      encoding: 'utf8',
    }));
  const auto = child('auto');
  assert.equal(auto.ok, true);
  assert.equal(auto.choice!.name, 'wasm');
  assert.match(auto.choice!.reason, /skipped .*native: the oneDNN addon is not built \(\/nonexistent\/dvp_dnnl\.node is missing/);
  const named = child('native');
  assert.equal(named.ok, false);
  assert.equal(named.code, 'BACKEND_UNAVAILABLE');
  assert.match(named.message!, /native backend is not available/);
  assert.equal(child('wasm').choice!.name, 'wasm');
});
