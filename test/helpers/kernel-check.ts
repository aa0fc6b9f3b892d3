/** Shared by the kernel tests: reproducible random inputs and convolution cases, and running one kernel on a named backend. */
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';

export type Pad = 'same' | 'valid' | [[number, number], [number, number], [number, number], [number, number]];
export interface ConvCase { batch: number; height: number; width: number; inC: number; outC: number; fh: number; fw: number; stride: number; pad: Pad }

/** A small deterministic generator, so a failure names a reproducible case. */
export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

export function values(n: number, r: () => number, low = -1, high = 1): Float32Array {
  return Float32Array.from({ length: n }, () => low + r() * (high - low));
}

export const sizeOf = (shape: number[]): number => shape.reduce((a, b) => a * b, 1);

/** Random convolutions: odd and even sizes, 1×1 to 5×5 filters, same/valid/explicit pads, stride 1 and 2, batch 1–3. */
export function randomConvCases(count: number, seed: number, maxChannels: number): ConvCase[] {
  const r = rng(seed);
  const pick = (lo: number, hi: number): number => lo + Math.floor(r() * (hi - lo + 1));
  const cases: ConvCase[] = [];
  while (cases.length < count) {
    const i = cases.length;
    const fh = pick(1, 5);
    const fw = pick(1, 5);
    const height = pick(3, 13);
    const width = pick(3, 13);
    const pads: Pad[] = ['same', 'valid', [[0, 0], [pick(0, 2), pick(0, 2)], [pick(0, 2), pick(0, 2)], [0, 0]]];
    const pad = pads[i % 3]!;
    if (pad === 'valid' && (height < fh || width < fw)) continue;
    cases.push({ batch: pick(1, 3), height, width, inC: pick(1, maxChannels), outC: pick(1, maxChannels + 1), fh, fw, stride: 1 + (i % 2), pad });
  }
  return cases;
}

/** The output shape of a case's forward convolution. */
export function convOutShape(c: ConvCase): number[] {
  const previous = tf.getBackend();
  tf.setBackend('cpu');
  const shape = tf.tidy(() => tf.conv2d(tf.zeros([c.batch, c.height, c.width, c.inC]) as tf.Tensor4D, tf.zeros([c.fh, c.fw, c.inC, c.outC]) as tf.Tensor4D, c.stride, c.pad).shape);
  tf.setBackend(previous);
  return shape;
}

export type Input = { data: Float32Array; shape: number[] };
/** Named inputs, or a list for kernels that take one (Concat). */
export type Inputs = Record<string, Input> | Input[];

/** Runs one kernel on a backend; returns every output's values and shape. */
export function runKernelOn(backend: string, kernel: string, inputs: Inputs, attrs: object): Input[] {
  tf.setBackend(backend);
  return tf.tidy(() => {
    const tensors = Array.isArray(inputs)
      ? inputs.map((input) => tf.tensor(input.data, input.shape))
      : Object.fromEntries(Object.entries(inputs).map(([name, input]) => [name, tf.tensor(input.data, input.shape)]));
    const out = tf.engine().runKernel(kernel, tensors as tf.NamedTensorMap, attrs as never) as tf.Tensor | tf.Tensor[];
    return (Array.isArray(out) ? out : [out]).map((t) => ({ data: t.dataSync() as Float32Array, shape: t.shape }));
  });
}

export function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  assert.equal(a.length, b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
  return worst;
}
