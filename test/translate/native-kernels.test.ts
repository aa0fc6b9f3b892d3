/**
 * The native backend's kernels (oneDNN addon) against the cpu backend's reference kernels on
 * random inputs: the shapes the networks use and odd ones (odd sizes, stride 1 and 2, explicit
 * pads, batch > 1), every fused activation, broadcasting patterns, reductions, data movement
 * and the fused Adam update; and the buffer pool never hands out a buffer someone still sees.
 */
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { selectBackend } from '../../src-main/engine/translate/backend.js';
import { Adam } from '../../src-main/engine/translate/adam.js';
import { batchNorm } from '../../src-main/engine/translate/batch-norm.js';
import { convOutShape, randomConvCases, rng, runKernelOn, sizeOf, values, type ConvCase, type Input, type Inputs } from '../helpers/kernel-check.js';

/** The shapes the networks use, then random ones. */
function convCases(count: number, seed: number): ConvCase[] {
  return [
    { batch: 1, height: 32, width: 32, inC: 99, outC: 16, fh: 4, fw: 4, stride: 2, pad: 'same' }, // first encoder module
    { batch: 2, height: 16, width: 16, inC: 32, outC: 64, fh: 4, fw: 4, stride: 2, pad: 'same' }, // aligned channels (NHWC path)
    { batch: 1, height: 16, width: 16, inC: 16, outC: 16, fh: 3, fw: 3, stride: 1, pad: 'same' }, // refinement conv
    { batch: 2, height: 16, width: 16, inC: 16, outC: 3, fh: 3, fw: 3, stride: 1, pad: 'same' }, // RGB output
    { batch: 1, height: 9, width: 9, inC: 32, outC: 1, fh: 4, fw: 4, stride: 1, pad: [[0, 0], [1, 1], [1, 1], [0, 0]] }, // PatchGAN logits
    ...randomConvCases(count - 5, seed, 20),
  ];
}

/** Largest |native − cpu| relative to the largest |cpu| value (1 at least). */
function relativeDiff(a: Float32Array, b: Float32Array): number {
  assert.equal(a.length, b.length);
  let worst = 0;
  let scale = 1;
  for (let i = 0; i < a.length; i++) {
    worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
    scale = Math.max(scale, Math.abs(b[i]!));
  }
  return worst / scale;
}

function assertSameOnBoth(kernel: string, inputs: Inputs, attrs: object, label: string, tolerance = 1e-5): void {
  const expected = runKernelOn('cpu', kernel, inputs, attrs);
  const actual = runKernelOn('native', kernel, inputs, attrs);
  assert.equal(actual.length, expected.length, label);
  expected.forEach((e, i) => {
    assert.deepEqual(actual[i]!.shape, e.shape, `${label}: shape of output ${i}`);
    const diff = relativeDiff(actual[i]!.data, e.data);
    assert.ok(diff < tolerance, `${label}: output ${i} differs by ${diff.toExponential(2)}`);
  });
}

before(async () => {
  await selectBackend('native');
});

const cases = convCases(40, 20180814);

test('Conv2D forward matches cpu', () => {
  const r = rng(1);
  for (const c of cases) {
    const x = { data: values(c.batch * c.height * c.width * c.inC, r), shape: [c.batch, c.height, c.width, c.inC] };
    const filter = { data: values(c.fh * c.fw * c.inC * c.outC, r), shape: [c.fh, c.fw, c.inC, c.outC] };
    assertSameOnBoth('Conv2D', { x, filter }, { strides: c.stride, pad: c.pad, dataFormat: 'NHWC', dilations: 1 }, JSON.stringify(c));
  }
});

test('FusedConv2D (bias and every activation oneDNN fuses) matches cpu', () => {
  const r = rng(2);
  const activations = ['linear', 'relu', 'relu6', 'leakyrelu', 'sigmoid', 'elu'] as const;
  cases.slice(0, 18).forEach((c, i) => {
    const activation = activations[i % activations.length]!;
    const x = { data: values(c.batch * c.height * c.width * c.inC, r, -4, 4), shape: [c.batch, c.height, c.width, c.inC] };
    const filter = { data: values(c.fh * c.fw * c.inC * c.outC, r), shape: [c.fh, c.fw, c.inC, c.outC] };
    const inputs: Record<string, Input> = { x, filter };
    if (i % 3 !== 2) inputs.bias = { data: values(c.outC, r), shape: [c.outC] };
    assertSameOnBoth('FusedConv2D', inputs, { strides: c.stride, pad: c.pad, dataFormat: 'NHWC', dilations: 1, activation, leakyreluAlpha: 0.2 }, `${activation} ${JSON.stringify(c)}`);
  });
});

test('Conv2DBackpropInput (input gradient, transposed convolution) matches cpu', () => {
  const r = rng(3);
  for (const c of cases) {
    const dyShape = convOutShape(c);
    const dy = { data: values(sizeOf(dyShape), r), shape: dyShape };
    const filter = { data: values(c.fh * c.fw * c.inC * c.outC, r), shape: [c.fh, c.fw, c.inC, c.outC] };
    assertSameOnBoth('Conv2DBackpropInput', { dy, filter }, { strides: c.stride, pad: c.pad, dataFormat: 'NHWC', inputShape: [c.batch, c.height, c.width, c.inC] }, JSON.stringify(c));
  }
});

test('Conv2DBackpropFilter (filter gradient) matches cpu', () => {
  const r = rng(4);
  for (const c of cases) {
    const dyShape = convOutShape(c);
    const x = { data: values(c.batch * c.height * c.width * c.inC, r), shape: [c.batch, c.height, c.width, c.inC] };
    const dy = { data: values(sizeOf(dyShape), r), shape: dyShape };
    assertSameOnBoth('Conv2DBackpropFilter', { x, dy }, { strides: c.stride, pad: c.pad, dataFormat: 'NHWC', filterShape: [c.fh, c.fw, c.inC, c.outC] }, JSON.stringify(c));
  }
});

test('a filter changed in place of a released one is not served from the reordered-filter cache', () => {
  // Weights change every training step; each new tensor must be reordered afresh.
  const r = rng(5);
  const x = tf.tensor4d(values(2 * 8 * 8 * 16, r), [2, 8, 8, 16]);
  for (let step = 0; step < 4; step++) {
    const w = values(4 * 4 * 16 * 16, r);
    tf.setBackend('cpu');
    const expected = tf.tidy(() => tf.conv2d(tf.tensor4d(x.dataSync(), x.shape), tf.tensor4d(w, [4, 4, 16, 16]), 2, 'same').dataSync() as Float32Array);
    tf.setBackend('native');
    const actual = tf.tidy(() => tf.conv2d(tf.tensor4d(x.dataSync(), x.shape), tf.tensor4d(w, [4, 4, 16, 16]), 2, 'same').dataSync() as Float32Array);
    assert.ok(relativeDiff(actual, expected) < 1e-5, `step ${step}`);
  }
  x.dispose();
});

test('binary ops with every broadcasting pattern match cpu', () => {
  const r = rng(6);
  const shapes: [number[], number[]][] = [
    [[2, 5, 5, 8], [2, 5, 5, 8]], // equal
    [[2, 5, 5, 8], [1, 1, 1, 8]], // per channel (batch norm)
    [[2, 5, 5, 8], [2, 1, 1, 8]], // per frame and channel
    [[8], [2, 5, 5, 8]], // broadcast on the left operand
    [[2, 5, 5, 8], []], // scalar
    [[3, 1, 4], [1, 5, 1]], // both stretched
    [[2, 3, 1, 7], [2, 1, 5, 1]],
  ];
  for (const kernel of ['Add', 'Sub', 'Multiply', 'RealDiv', 'Maximum', 'Minimum', 'SquaredDifference', 'Pow']) {
    for (const [sa, sb] of shapes) {
      const a = { data: values(sizeOf(sa), r, kernel === 'Pow' ? 0.1 : -2, 2), shape: sa };
      const b = { data: values(sizeOf(sb), r, 0.5, 2), shape: sb };
      assertSameOnBoth(kernel, { a, b }, {}, `${kernel} ${JSON.stringify([sa, sb])}`);
    }
  }
});

test('unary ops (with their alpha) match cpu', () => {
  const r = rng(7);
  const shape = [2, 7, 9, 5];
  const cases: [string, object, number, number][] = [
    ['Relu', {}, -3, 3], ['LeakyRelu', { alpha: 0.2 }, -3, 3], ['Step', { alpha: 0.2 }, -3, 3], ['Tanh', {}, -3, 3],
    ['Sigmoid', {}, -6, 6], ['Softplus', {}, -30, 30], ['Neg', {}, -3, 3], ['Abs', {}, -3, 3], ['Sign', {}, -3, 3],
    ['Square', {}, -3, 3], ['Sqrt', {}, 0.01, 4], ['Rsqrt', {}, 0.05, 4], ['Exp', {}, -4, 4], ['Log', {}, 0.01, 4], ['Reciprocal', {}, 0.2, 4],
  ];
  for (const [kernel, attrs, low, high] of cases) {
    assertSameOnBoth(kernel, { x: { data: values(sizeOf(shape), r, low, high), shape } }, attrs, kernel);
  }
});

test('Sum and Mean over contiguous and scattered axes match cpu (large reductions included)', () => {
  const r = rng(8);
  const axesCases: [number[], number[], boolean][] = [
    [[4, 33, 31, 16], [0, 1, 2], true], // batch-norm statistics in training
    [[4, 33, 31, 16], [1, 2], true], // per-frame statistics
    [[3, 5, 7], [0, 1, 2], false], // everything
    [[3, 5, 7], [2], false],
    [[3, 5, 7, 2], [0, 2], false], // not contiguous: the reference path
  ];
  for (const kernel of ['Sum', 'Mean']) {
    for (const [shape, axis, keepDims] of axesCases) {
      assertSameOnBoth(kernel, { x: { data: values(sizeOf(shape), r), shape } }, { axis, keepDims }, `${kernel} ${JSON.stringify([shape, axis])}`, 1e-4);
    }
  }
});

test('Concat, Slice, SplitV and Tile match cpu', () => {
  const r = rng(9);
  const a = { data: values(2 * 3 * 4 * 5, r), shape: [2, 3, 4, 5] };
  const b = { data: values(2 * 3 * 4 * 7, r), shape: [2, 3, 4, 7] };
  const c = { data: values(2 * 3 * 4 * 1, r), shape: [2, 3, 4, 1] };
  assertSameOnBoth('Concat', [a, b, c], { axis: 3 }, 'Concat channels');
  assertSameOnBoth('Concat', [a, a], { axis: 1 }, 'Concat rows');
  assertSameOnBoth('Slice', { x: b }, { begin: [1, 0, 1, 2], size: [1, 3, 2, 4] }, 'Slice');
  assertSameOnBoth('Slice', { x: b }, { begin: [0, 1, 0, 0], size: [-1, 1, -1, -1] }, 'Slice to the end');
  assertSameOnBoth('SplitV', { x: b }, { numOrSizeSplits: [2, 5], axis: 3 }, 'SplitV sizes');
  assertSameOnBoth('SplitV', { x: a }, { numOrSizeSplits: 2, axis: 0 }, 'SplitV count');
  assertSameOnBoth('Tile', { x: { data: values(8, r), shape: [1, 1, 1, 8] } }, { reps: [2, 5, 3, 1] }, 'Tile per channel');
  assertSameOnBoth('Tile', { x: { data: values(6, r), shape: [2, 3] } }, { reps: [3, 2] }, 'Tile repeating');
});

test('the fused Adam update equals the op chain, step after step', async () => {
  const r = rng(10);
  const shape = [3, 3, 4, 5];
  const start = values(sizeOf(shape), r);
  const grads = [values(sizeOf(shape), r), values(sizeOf(shape), r), values(sizeOf(shape), r)];
  const run = async (backend: 'cpu' | 'native'): Promise<Float32Array> => {
    await selectBackend(backend);
    const variable = tf.variable(tf.tensor(start, shape), true, `adam-check-${backend}`);
    const adam = new Adam([variable], { learningRate: 1e-2, beta1: 0.5, beta2: 0.999 });
    for (const g of grads) {
      const grad = tf.tensor(g, shape);
      adam.apply({ [variable.name]: grad });
      grad.dispose();
    }
    const result = variable.dataSync().slice() as Float32Array;
    const moments = adam.stateVariables().map((m) => m.dataSync().slice() as Float32Array);
    adam.dispose();
    variable.dispose();
    return Float32Array.from([...result, ...moments.flatMap((m) => [...m])]);
  };
  const expected = await run('cpu');
  const actual = await run('native');
  assert.ok(relativeDiff(actual, expected) < 1e-5, `Adam differs by ${relativeDiff(actual, expected)}`);
  await selectBackend('native');
});

test('a buffer read out with dataSync or viewed by another tensor is never reused for a later output', () => {
  tf.setBackend('native');
  const a = tf.fill([64, 64], 3);
  const b = tf.relu(a); // a buffer from the pool
  const readOut = b.dataSync();
  const copy = readOut.slice();
  b.dispose();
  for (let i = 0; i < 8; i++) tf.dispose(tf.neg(a)); // would reuse b's buffer if it were pooled
  assert.deepEqual([...readOut], [...copy]);
  // Buffers that are pooled are reused: the count of live tensors stays flat and results stay right.
  const before = tf.memory().numTensors;
  for (let i = 0; i < 5; i++) {
    const y = tf.tidy(() => tf.sum(tf.mul(tf.relu(a), 2)));
    assert.equal(y.dataSync()[0], 64 * 64 * 6);
    y.dispose();
  }
  assert.equal(tf.memory().numTensors, before);
  a.dispose();
});

test('fused batch normalisation (training and per-frame) and its gradient equal the op chain on cpu', () => {
  const r = rng(11);
  const shape = [3, 7, 5, 6];
  const x = values(sizeOf(shape), r, -2, 3);
  const gamma = values(6, r, 0.5, 1.5);
  const beta = values(6, r);
  const weights = values(sizeOf(shape), r);
  for (const perFrame of [false, true]) {
    const run = (backend: string): Float32Array[] => {
      tf.setBackend(backend);
      return tf.tidy(() => {
        const inputs = [tf.tensor4d(x, shape as [number, number, number, number]), tf.tensor(gamma), tf.tensor(beta)];
        const w = tf.tensor(weights, shape);
        const f = (a: tf.Tensor, g: tf.Tensor, b: tf.Tensor): tf.Tensor => batchNorm(a as tf.Tensor4D, g, b, perFrame);
        const y = f(inputs[0]!, inputs[1]!, inputs[2]!);
        const grads = tf.grads((a: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(f(a, g, b), w)))(inputs);
        return [y, ...grads].map((t) => t.dataSync() as Float32Array);
      });
    };
    const expected = run('cpu');
    const actual = run('native');
    expected.forEach((e, i) => assert.ok(relativeDiff(actual[i]!, e) < 1e-4, `perFrame ${perFrame}: output ${i} differs by ${relativeDiff(actual[i]!, e)}`));
  }
});
