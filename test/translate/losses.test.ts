/**
 * The face-weighted L1 loss: weights read off the newest correspondence image of the input
 * (background 1, skin 1 + w, eye and mouth openings 1 + 2w), and the weighted mean they give.
 */
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '../../src-main/engine/translate/backend.js';
import { CHANNELS_PER_FRAME } from '../../src-main/engine/translate/config.js';
import { faceWeights, l1Loss } from '../../src-main/engine/translate/losses.js';

before(async () => {
  await selectBackend('wasm');
});

/** A 1×2×2 input of `window` slots, all background (−1), with the newest slot's correspondence set per pixel. */
function input(window: number, correspondence: [number, number, number][], olderSlotsAllSkin = false): tf.Tensor4D {
  const channels = CHANNELS_PER_FRAME * window;
  const data = new Float32Array(4 * channels).fill(-1);
  for (let p = 0; p < 4 && olderSlotsAllSkin; p++) for (let slot = 0; slot < window - 1; slot++) data.set([0, 0, 1], p * channels + CHANNELS_PER_FRAME * slot + 3);
  correspondence.forEach((rgb, p) => data.set(rgb, p * channels + CHANNELS_PER_FRAME * (window - 1) + 3));
  return tf.tensor4d(data, [1, 2, 2, channels]);
}

test('face weights: 1 on the background, 1 + w on skin, 1 + 2w in the openings, from the newest window slot only', () => {
  const pixels: [number, number, number][] = [[-1, -1, -1], [0.2, -0.4, 1], [0.1, 0.3, -1], [-1, -1, -1]];
  const x = input(3, pixels);
  const weights = faceWeights(x, 4);
  assert.deepEqual(Array.from(weights.dataSync()), [1, 5, 9, 1]);
  assert.deepEqual(weights.shape, [1, 2, 2, 1]);
  const older = input(3, pixels, true);
  const olderWeights = faceWeights(older, 4);
  assert.deepEqual(Array.from(olderWeights.dataSync()), [1, 5, 9, 1], 'the older slots\' faces do not count');
  tf.dispose([x, weights, older, olderWeights]);
});

test('the weighted L1 is the weighted mean of |a − b| over the pixels (and the plain mean without weights)', () => {
  const a = tf.tensor4d([0, 0, 0, 0], [1, 2, 2, 1]);
  const b = tf.tensor4d([1, 0, 2, 0], [1, 2, 2, 1]);
  const w = tf.tensor4d([1, 1, 3, 1], [1, 2, 2, 1]);
  assert.ok(Math.abs(l1Loss(a, b).dataSync()[0]! - 0.75) < 1e-6);
  assert.ok(Math.abs(l1Loss(a, b, w).dataSync()[0]! - (1 + 6) / 6) < 1e-6);
  tf.dispose([a, b, w]);
});
