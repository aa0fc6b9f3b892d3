import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { selectBackend } from '../../src-main/engine/translate/backend.js';
import { convOutShape, maxAbsDiff, randomConvCases, rng, runKernelOn, values, type Input } from '../helpers/kernel-check.js';

function runOn(backend: string, kernel: string, inputs: Record<string, Input>, attrs: object): Input {
  return runKernelOn(backend, kernel, inputs, attrs)[0]!;
}

before(async () => {
  await selectBackend('wasm');
});

const cases = randomConvCases(36, 20180814, 6);

test('wasm Conv2DBackpropFilter matches the cpu reference kernel on random shapes', () => {
  const r = rng(7);
  for (const c of cases) {
    const dyShape = convOutShape(c);
    const x = { data: values(c.batch * c.height * c.width * c.inC, r), shape: [c.batch, c.height, c.width, c.inC] };
    const dy = { data: values(dyShape.reduce((a, b) => a * b, 1), r), shape: dyShape };
    const attrs = { strides: c.stride, pad: c.pad, dataFormat: 'NHWC', filterShape: [c.fh, c.fw, c.inC, c.outC] };
    const expected = runOn('cpu', 'Conv2DBackpropFilter', { x, dy }, attrs);
    const actual = runOn('wasm', 'Conv2DBackpropFilter', { x, dy }, attrs);
    assert.deepEqual(actual.shape, expected.shape, JSON.stringify(c));
    assert.ok(maxAbsDiff(actual.data, expected.data) < 1e-4, `filter gradient differs for ${JSON.stringify(c)}`);
  }
});

test('wasm Conv2DBackpropInput matches the cpu reference kernel on random shapes', () => {
  const r = rng(11);
  for (const c of cases) {
    const dyShape = convOutShape(c);
    const dy = { data: values(dyShape.reduce((a, b) => a * b, 1), r), shape: dyShape };
    const filter = { data: values(c.fh * c.fw * c.inC * c.outC, r), shape: [c.fh, c.fw, c.inC, c.outC] };
    const attrs = { strides: c.stride, pad: c.pad, dataFormat: 'NHWC', inputShape: [c.batch, c.height, c.width, c.inC] };
    const expected = runOn('cpu', 'Conv2DBackpropInput', { dy, filter }, attrs);
    const actual = runOn('wasm', 'Conv2DBackpropInput', { dy, filter }, attrs);
    assert.deepEqual(actual.shape, expected.shape, JSON.stringify(c));
    assert.ok(maxAbsDiff(actual.data, expected.data) < 1e-4, `input gradient differs for ${JSON.stringify(c)}`);
  }
});

test('transposed convolution and its gradients (the decoder path) agree with cpu', () => {
  const r = rng(3);
  const x = values(2 * 5 * 7 * 6, r);
  const w = values(4 * 4 * 3 * 6, r);
  const run = (backend: string): Float32Array[] => {
    tf.setBackend(backend);
    return tf.tidy(() => {
      const xt = tf.tensor4d(x, [2, 5, 7, 6]);
      const wt = tf.tensor4d(w, [4, 4, 3, 6]);
      const loss = (a: tf.Tensor, b: tf.Tensor): tf.Scalar => tf.sum(tf.square(tf.conv2dTranspose(a as tf.Tensor4D, b as tf.Tensor4D, [2, 10, 14, 3], 2, 'same')));
      const out = tf.conv2dTranspose(xt, wt, [2, 10, 14, 3], 2, 'same');
      const [gx, gw] = tf.grads(loss)([xt, wt]);
      return [out.dataSync() as Float32Array, gx!.dataSync() as Float32Array, gw!.dataSync() as Float32Array];
    });
  };
  const expected = run('cpu');
  const actual = run('wasm');
  for (let i = 0; i < expected.length; i++) assert.ok(maxAbsDiff(actual[i]!, expected[i]!) < 1e-3, `output ${i} differs`);
});

test('the kernels free every intermediate buffer', () => {
  tf.setBackend('wasm');
  const x = tf.randomNormal([1, 9, 9, 4]) as tf.Tensor4D;
  const w = tf.randomNormal([4, 4, 4, 5]) as tf.Tensor4D;
  const grad = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 2, 'same')));
  tf.dispose(grad([x, w]));
  const before = tf.memory().numBytes;
  const backendBuffers = (tf.backend() as unknown as { numDataIds(): number }).numDataIds();
  for (let i = 0; i < 3; i++) tf.dispose(grad([x, w]));
  assert.equal(tf.memory().numBytes, before);
  assert.equal((tf.backend() as unknown as { numDataIds(): number }).numDataIds(), backendBuffers);
  tf.dispose([x, w]);
});
