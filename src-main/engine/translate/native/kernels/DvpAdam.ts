/**
 * `DvpAdam`: one Adam update of a variable in one pass (the op chain in adam.ts reads and writes
 * every parameter ten times). Returns the new weights, first and second moments.
 */
import type { KernelConfig, TensorInfo } from '@tensorflow/tfjs-core';
import type { NativeBackend } from '../native-backend.js';

export const DVP_ADAM = 'DvpAdam';

export interface DvpAdamAttrs {
  /** The bias-corrected learning rate of this update. */
  rate: number;
  beta1: number;
  beta2: number;
  epsilon: number;
}

export const dvpAdamConfig: KernelConfig = {
  kernelName: DVP_ADAM,
  backendName: 'native',
  kernelFunc: (args) => {
    const backend = args.backend as NativeBackend;
    const { w, m, v, g } = args.inputs as Record<'w' | 'm' | 'v' | 'g', TensorInfo>;
    const { rate, beta1, beta2, epsilon } = args.attrs as unknown as DvpAdamAttrs;
    const values = [w, m, v, g].map((t) => backend.float32(t));
    if (values.some((x) => x === undefined || x.length !== values[0]!.length)) throw new Error('DvpAdam takes four float32 tensors of one size');
    const [wv, mv, vv, gv] = values as Float32Array[];
    const size = wv!.length;
    const outs = [backend.alloc(size), backend.alloc(size), backend.alloc(size)] as const;
    backend.addon.adam(wv!, mv!, vv!, gv!, rate, beta1, beta2, epsilon, ...outs);
    return outs.map((out) => backend.output(w.shape, out));
  },
};
