/**
 * The gradient functions of gradients.ts against central finite differences, on the cpu
 * backend's reference kernels and on the native backend's oneDNN kernels, with small shapes. The loss is L = Σ f(x)·R for a fixed random
 * R; its finite differences are summed in float64 from the float32 outputs, with a step large
 * enough that float32 rounding stays two orders below the tolerance.
 */
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '../../src-main/engine/translate/backend.js';

const EPSILON = 1e-2;
const TOLERANCE = 1e-2;

let seed = 1;
function random(shape: number[], options: { awayFromZero?: number; low?: number; high?: number } = {}): tf.Tensor {
  return tf.tidy(() => {
    const low = options.low ?? -1;
    const high = options.high ?? 1;
    let x = tf.randomUniform(shape, low, high, 'float32', seed++);
    // Keep inputs off the kink of relu/abs so a finite difference does not straddle it.
    if (options.awayFromZero) x = tf.add(x, tf.mul(tf.sign(x), options.awayFromZero));
    return x;
  });
}

function lossWeights(f: (...xs: tf.Tensor[]) => tf.Tensor, inputs: tf.Tensor[]): tf.Tensor {
  const shape = tf.tidy(() => f(...inputs).shape);
  return random(shape);
}

function lossAt(f: (...xs: tf.Tensor[]) => tf.Tensor, inputs: tf.Tensor[], weights: Float32Array): number {
  const out = tf.tidy(() => f(...inputs));
  const values = out.dataSync();
  out.dispose();
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i]! * weights[i]!;
  return sum;
}

interface Comparison {
  /** Largest |analytic − numeric| over the checked elements, relative to the largest |numeric|. */
  relativeError: number;
  checked: number;
}

/** Compares tf.grads of Σ f(x)·R with central differences at up to `maxPerInput` elements per input. */
function compareGradients(f: (...xs: tf.Tensor[]) => tf.Tensor, inputs: tf.Tensor[], maxPerInput = 48): Comparison {
  const r = lossWeights(f, inputs);
  const weights = r.dataSync() as Float32Array;
  const analytic = tf.grads((...xs: tf.Tensor[]) => tf.sum(tf.mul(f(...xs), r)))(inputs);
  let worst = 0;
  let scale = 1e-3;
  let checked = 0;
  inputs.forEach((input, k) => {
    assert.deepEqual(analytic[k]!.shape, input.shape, `gradient ${k} has the input's shape`);
    const grad = analytic[k]!.dataSync();
    const base = input.dataSync().slice() as Float32Array;
    const stride = Math.max(1, Math.floor(base.length / maxPerInput));
    for (let i = (k * 7) % stride; i < base.length; i += stride) {
      const probe = (delta: number): number => {
        const values = base.slice();
        values[i] = base[i]! + delta;
        const moved = tf.tensor(values, input.shape);
        const args = inputs.map((x, j) => (j === k ? moved : x));
        const loss = lossAt(f, args, weights);
        moved.dispose();
        return loss;
      };
      const numeric = (probe(EPSILON) - probe(-EPSILON)) / (2 * EPSILON);
      worst = Math.max(worst, Math.abs(grad[i]! - numeric));
      scale = Math.max(scale, Math.abs(numeric));
      checked++;
    }
  });
  tf.dispose([r, ...analytic]);
  return { relativeError: worst / scale, checked };
}

function assertGradients(name: string, f: (...xs: tf.Tensor[]) => tf.Tensor, inputs: tf.Tensor[]): void {
  const { relativeError, checked } = compareGradients(f, inputs);
  tf.dispose(inputs);
  assert.ok(checked > 0);
  assert.ok(relativeError < TOLERANCE, `${name}: analytic and numeric gradients differ by ${(relativeError * 100).toFixed(3)} % of the largest gradient`);
}

for (const backend of ['cpu', 'native'] as const) describe(`registered gradients match finite differences (${backend} backend)`, () => {
  before(async () => {
    await selectBackend(backend);
  });

  test('the check rejects a wrong gradient', () => {
    const wrong = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
      const x = args[0] as tf.Tensor;
      (args[1] as tf.GradSaveFunc)([x]);
      return { value: tf.square(x), gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.mul(dy, tf.mul(saved[0]!, 2.1)) };
    });
    const x = random([3, 4], { awayFromZero: 0.1 });
    const { relativeError } = compareGradients((t) => wrong(t), [x]);
    x.dispose();
    assert.ok(relativeError > 0.03, `a 5 % error in the gradient shows as ${(relativeError * 100).toFixed(2)} %`);
  });

  const convCases: { name: string; x: number[]; w: number[]; stride: number; pad: 'same' | 'valid' | [[number, number], [number, number], [number, number], [number, number]] }[] = [
    { name: '3×3 stride 1 same', x: [2, 5, 5, 3], w: [3, 3, 3, 4], stride: 1, pad: 'same' },
    { name: '4×4 stride 2 same', x: [1, 8, 8, 2], w: [4, 4, 2, 3], stride: 2, pad: 'same' },
    { name: '4×4 stride 2 valid, odd size', x: [2, 7, 9, 2], w: [4, 4, 2, 2], stride: 2, pad: 'valid' },
    { name: '4×4 stride 1 explicit pads (PatchGAN)', x: [1, 6, 6, 3], w: [4, 4, 3, 2], stride: 1, pad: [[0, 0], [1, 1], [1, 1], [0, 0]] },
  ];
  for (const c of convCases) {
    test(`Conv2D ${c.name}: input and filter`, () => {
      assertGradients('Conv2D', (x, w) => tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, c.stride, c.pad), [random(c.x), random(c.w, { low: -0.5, high: 0.5 })]);
    });
  }

  test('Conv2DBackpropInput (transposed conv 4×4 stride 2 same): input and filter', () => {
    assertGradients('Conv2DBackpropInput', (x, w) => tf.conv2dTranspose(x as tf.Tensor4D, w as tf.Tensor4D, [2, 6, 6, 3], 2, 'same'), [random([2, 3, 3, 4]), random([4, 4, 3, 4], { low: -0.5, high: 0.5 })]);
  });

  test('Conv2DBackpropInput (transposed conv 3×3 stride 1 same, odd size)', () => {
    assertGradients('Conv2DBackpropInput', (x, w) => tf.conv2dTranspose(x as tf.Tensor4D, w as tf.Tensor4D, [1, 5, 7, 2], 1, 'same'), [random([1, 5, 7, 3]), random([3, 3, 2, 3], { low: -0.5, high: 0.5 })]);
  });

  test('Add, Sub, Multiply, RealDiv with broadcasting on either side', () => {
    assertGradients('Add', (a, b) => tf.add(a, b), [random([2, 3, 4]), random([3, 1])]);
    assertGradients('Sub', (a, b) => tf.sub(a, b), [random([4]), random([2, 3, 4])]);
    assertGradients('Multiply', (a, b) => tf.mul(a, b), [random([2, 1, 4]), random([2, 3, 1])]);
    assertGradients('RealDiv', (a, b) => tf.div(a, b), [random([2, 3, 4]), random([1, 3, 4], { low: 0.5, high: 1.5 })]);
  });

  test('Sum and Mean over axes, with and without keepDims', () => {
    assertGradients('Sum', (x) => tf.sum(x, [0, 2]), [random([2, 3, 4])]);
    assertGradients('Sum all', (x) => tf.sum(x), [random([3, 5])]);
    assertGradients('Mean', (x) => tf.mean(x, [1, 2], true), [random([2, 3, 4, 2])]);
    assertGradients('Mean', (x) => tf.mean(x, -1), [random([3, 4])]);
  });

  test('Square, Rsqrt, Tanh, Sigmoid, Softplus, Neg', () => {
    assertGradients('Square', (x) => tf.square(x), [random([3, 4])]);
    assertGradients('Rsqrt', (x) => tf.rsqrt(x), [random([3, 4], { low: 0.5, high: 2 })]);
    assertGradients('Tanh', (x) => tf.tanh(x), [random([3, 4], { low: -2, high: 2 })]);
    assertGradients('Sigmoid', (x) => tf.sigmoid(x), [random([3, 4], { low: -3, high: 3 })]);
    assertGradients('Softplus', (x) => tf.softplus(x), [random([3, 4], { low: -3, high: 3 })]);
    assertGradients('Neg', (x) => tf.neg(x), [random([5])]);
  });

  test('Relu, LeakyRelu and Abs away from their kink', () => {
    assertGradients('Relu', (x) => tf.relu(x), [random([4, 5], { awayFromZero: 0.05 })]);
    assertGradients('LeakyRelu', (x) => tf.leakyRelu(x, 0.2), [random([4, 5], { awayFromZero: 0.05 })]);
    assertGradients('Abs', (x) => tf.abs(x), [random([4, 5], { awayFromZero: 0.05 })]);
  });

  test('Reshape, Identity and Concat route the gradient to the right elements', () => {
    assertGradients('Reshape', (x) => tf.mul(tf.reshape(x, [6, 2]), tf.reshape(tf.linspace(1, 3, 12), [6, 2])), [random([3, 4])]);
    assertGradients('Identity', (x) => tf.mul(tf.clone(x), x), [random([3, 3])]);
    assertGradients('Concat', (a, b, c) => tf.mul(tf.concat([a, b, c], 2), tf.concat([c, b, a], 2)), [random([1, 2, 2]), random([1, 2, 3]), random([1, 2, 2])]);
  });

  test('a batch-normalised conv block (the generator module) end to end', () => {
    const block = (x: tf.Tensor, w: tf.Tensor, gamma: tf.Tensor): tf.Tensor => {
      const h = tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, 2, 'same');
      const mean = tf.mean(h, [0, 1, 2], true);
      const centred = tf.sub(h, mean);
      const variance = tf.mean(tf.square(centred), [0, 1, 2], true);
      return tf.tanh(tf.mul(tf.mul(centred, tf.rsqrt(tf.add(variance, 1e-5))), gamma));
    };
    assertGradients('conv+BN+LeakyReLU+tanh', block, [random([2, 6, 6, 2]), random([4, 4, 2, 3], { low: -0.5, high: 0.5 }), random([3], { low: 0.5, high: 1.5 })]);
  });
});
