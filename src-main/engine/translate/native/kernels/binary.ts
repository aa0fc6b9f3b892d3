/** Element-wise binary kernels with NumPy broadcasting, float32 in and out. */
import { backend_util, util, type KernelConfig, type NamedAttrMap, type TensorInfo } from '@tensorflow/tfjs-core';
import { cpuKernel, type NativeBackend } from '../native-backend.js';

const OPS = { Add: 0, Sub: 1, Multiply: 2, RealDiv: 3, Pow: 4, Maximum: 5, Minimum: 6, SquaredDifference: 7 } as const;

/** Element strides of `shape` read as `outShape` (0 along a broadcast axis). */
function broadcastStrides(shape: number[], outShape: number[]): Int32Array {
  const rank = outShape.length;
  const strides = new Int32Array(rank);
  let stride = 1;
  for (let d = rank - 1; d >= 0; d--) {
    const size = shape[d - (rank - shape.length)] ?? 1;
    strides[d] = size === 1 ? 0 : stride;
    stride *= size;
  }
  return strides;
}

function binaryConfig(kernelName: keyof typeof OPS): KernelConfig {
  const op = OPS[kernelName];
  return {
    kernelName,
    backendName: 'native',
    kernelFunc: (args) => {
      const backend = args.backend as NativeBackend;
      const { a, b } = args.inputs as { a: TensorInfo; b: TensorInfo };
      const av = backend.float32(a);
      const bv = backend.float32(b);
      if (!av || !bv) return cpuKernel(kernelName)({ inputs: args.inputs, backend, attrs: args.attrs as NamedAttrMap });
      const outShape = backend_util.assertAndGetBroadcastShape(a.shape, b.shape);
      const out = backend.alloc(util.sizeFromShape(outShape));
      if (out.length > 0) {
        backend.addon.binary(op, Int32Array.from(outShape), av, broadcastStrides(a.shape, outShape), bv, broadcastStrides(b.shape, outShape), out);
      }
      return backend.output(outShape, out);
    },
  };
}

export const binaryConfigs: KernelConfig[] = (Object.keys(OPS) as (keyof typeof OPS)[]).map(binaryConfig);
