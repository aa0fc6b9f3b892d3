/**
 * `DvpBatchNorm` / `DvpBatchNormGrad`: batch normalisation of an NHWC tensor and its gradient in
 * one pass each (the op chain in network.ts is ~9 kernels forward and ~25 backward per layer).
 * Statistics over N·H·W per channel (training) or over H·W per frame and channel (`perFrame`).
 */
import type { KernelConfig, TensorInfo } from '@tensorflow/tfjs-core';
import type { NativeBackend } from '../native-backend.js';

export const DVP_BATCH_NORM = 'DvpBatchNorm';
export const DVP_BATCH_NORM_GRAD = 'DvpBatchNormGrad';

export interface DvpBatchNormAttrs {
  perFrame: boolean;
  epsilon: number;
}

function layout(x: TensorInfo, perFrame: boolean): { groups: number; rows: number; channels: number } {
  const [n, h, w, c] = x.shape as [number, number, number, number];
  return perFrame ? { groups: n, rows: h * w, channels: c } : { groups: 1, rows: n * h * w, channels: c };
}

function floats(backend: NativeBackend, tensors: TensorInfo[]): Float32Array[] {
  return tensors.map((t) => {
    const values = backend.float32(t);
    if (!values) throw new Error('batch normalisation takes float32 tensors');
    return values;
  });
}

export const dvpBatchNormConfig: KernelConfig = {
  kernelName: DVP_BATCH_NORM,
  backendName: 'native',
  kernelFunc: (args) => {
    const backend = args.backend as NativeBackend;
    const { x, gamma, beta } = args.inputs as Record<'x' | 'gamma' | 'beta', TensorInfo>;
    const { perFrame, epsilon } = args.attrs as unknown as DvpBatchNormAttrs;
    const { groups, rows, channels } = layout(x, perFrame);
    const [xv, gv, bv] = floats(backend, [x, gamma, beta]);
    const y = backend.alloc(xv!.length);
    const mean = backend.alloc(groups * channels);
    const inv = backend.alloc(groups * channels);
    backend.addon.batchNorm(xv!, gv!, bv!, groups, rows, channels, epsilon, y, mean, inv);
    return [backend.output(x.shape, y), backend.output([groups, channels], mean), backend.output([groups, channels], inv)];
  },
};

export const dvpBatchNormGradConfig: KernelConfig = {
  kernelName: DVP_BATCH_NORM_GRAD,
  backendName: 'native',
  kernelFunc: (args) => {
    const backend = args.backend as NativeBackend;
    const { dy, x, gamma, mean, inv } = args.inputs as Record<'dy' | 'x' | 'gamma' | 'mean' | 'inv', TensorInfo>;
    const { perFrame } = args.attrs as unknown as DvpBatchNormAttrs;
    const { groups, rows, channels } = layout(x, perFrame);
    const [dyv, xv, gv, mv, iv] = floats(backend, [dy, x, gamma, mean, inv]);
    const dx = backend.alloc(xv!.length);
    const dgamma = backend.alloc(channels);
    const dbeta = backend.alloc(channels);
    backend.addon.batchNormGrad(dyv!, xv!, gv!, mv!, iv!, groups, rows, channels, dx, dgamma, dbeta);
    return [backend.output(x.shape, dx), backend.output([channels], dgamma), backend.output([channels], dbeta)];
  },
};
