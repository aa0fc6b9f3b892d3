import { Slice, slice_util, util, type KernelConfig, type NamedAttrMap, type SliceAttrs, type TensorInfo } from '@tensorflow/tfjs-core';
import { cpuKernel, type NativeBackend } from '../native-backend.js';

/** A copy of x[begin : begin + size] (always a copy: a view would tie the pool's buffers together). */
export function sliceValues(backend: NativeBackend, x: TensorInfo, xs: Float32Array, begin: number[], size: number[]): TensorInfo {
  const out = backend.alloc(util.sizeFromShape(size));
  if (out.length > 0) backend.addon.slice(xs, Int32Array.from(x.shape), Int32Array.from(begin), Int32Array.from(size), out);
  return backend.output(size, out);
}

export function slice(args: { inputs: { x: TensorInfo }; backend: NativeBackend; attrs: SliceAttrs }): TensorInfo {
  const { inputs, backend, attrs } = args;
  const { x } = inputs;
  const xs = backend.float32(x);
  if (!xs) return cpuKernel(Slice)({ inputs, backend, attrs: attrs as unknown as NamedAttrMap }) as TensorInfo;
  const [begin, size] = slice_util.parseSliceParams(x as never, attrs.begin, attrs.size) as [number[], number[]];
  slice_util.assertParamsValid(x as never, begin, size);
  return sliceValues(backend, x, xs, begin, size);
}

export const sliceConfig: KernelConfig = {
  kernelName: Slice,
  backendName: 'native',
  kernelFunc: slice as unknown as KernelConfig['kernelFunc'],
};
