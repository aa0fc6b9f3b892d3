/**
 * Inference on the wasm backend: the fused inference graph (conv + bias + activation in one
 * kernel, per-frame statistics) computes what the training graph computes for one frame
 * without dropout, and batching frames does not change any frame.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '../../src-main/engine/translate/backend.js';
import { inputChannels, presetConfig, type NetworkConfig } from '../../src-main/engine/translate/config.js';
import { synthesize } from '../../src-main/engine/translate/inference.js';
import { Generator } from '../../src-main/engine/translate/network.js';

let generator: Generator;
let network: NetworkConfig;

function volume(seed: number): Float32Array {
  return tf.tidy(() => tf.randomUniform([network.resolution * network.resolution * inputChannels(network)], -1, 1, 'float32', seed).dataSync() as Float32Array);
}

function maxDifference(a: Float32Array, b: Float32Array): number {
  assert.equal(a.length, b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
  return worst;
}

before(async () => {
  await selectBackend('wasm');
  network = { ...presetConfig('cpu-tiny').network, dropout: [], initStd: 0.2 };
  generator = new Generator(network);
});
after(() => generator.params.dispose());

test('the fused inference graph equals the training graph on one frame without dropout', () => {
  const input = volume(1);
  const [fused] = synthesize(generator, [input]);
  const reference = tf.tidy(() => {
    const x = tf.tensor4d(input, [1, network.resolution, network.resolution, inputChannels(network)]);
    return generator.apply(x, { training: true }).dataSync() as Float32Array;
  });
  const spread = reference.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
  assert.ok(spread > 0.05, `the output is not flat (max |y| = ${spread})`);
  assert.ok(maxDifference(fused!, reference) < 1e-4, `max difference ${maxDifference(fused!, reference)}`);
});

test('a batch of frames gives the same frames as one call per frame, and leaks no tensor', () => {
  const inputs = [volume(2), volume(3), volume(4)];
  const before = tf.memory().numTensors;
  const batched = synthesize(generator, inputs);
  assert.equal(tf.memory().numTensors, before);
  assert.equal(batched.length, 3);
  inputs.forEach((input, i) => {
    const [single] = synthesize(generator, [input]);
    assert.ok(maxDifference(batched[i]!, single!) < 1e-5, `frame ${i} differs by ${maxDifference(batched[i]!, single!)}`);
  });
  assert.ok(maxDifference(batched[0]!, batched[1]!) > 1e-3, 'different inputs give different frames');
});
