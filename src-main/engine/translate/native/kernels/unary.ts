/** Element-wise unary kernels (activations and their derivatives' building blocks), float32. */
import { type KernelConfig, type NamedAttrMap, type TensorInfo } from '@tensorflow/tfjs-core';
import { cpuKernel, type NativeBackend } from '../native-backend.js';

const OPS = {
  Relu: 0, LeakyRelu: 1, Step: 2, Tanh: 3, Sigmoid: 4, Softplus: 5, Neg: 6, Abs: 7,
  Sign: 8, Square: 9, Sqrt: 10, Rsqrt: 11, Exp: 12, Log: 13, Reciprocal: 14,
} as const;

function unaryConfig(kernelName: keyof typeof OPS): KernelConfig {
  const op = OPS[kernelName];
  return {
    kernelName,
    backendName: 'native',
    kernelFunc: (args) => {
      const backend = args.backend as NativeBackend;
      const { x } = args.inputs as { x: TensorInfo };
      const xv = backend.float32(x);
      if (!xv) return cpuKernel(kernelName)({ inputs: args.inputs, backend, attrs: args.attrs as NamedAttrMap });
      const alpha = (args.attrs as { alpha?: number } | undefined)?.alpha ?? (kernelName === 'LeakyRelu' ? 0.2 : 0);
      const out = backend.alloc(xv.length);
      backend.addon.unary(op, xv, out, alpha);
      return backend.output(x.shape, out);
    },
  };
}

export const unaryConfigs: KernelConfig[] = (Object.keys(OPS) as (keyof typeof OPS)[]).map(unaryConfig);
