import { backend_util, SplitV, util, type KernelConfig, type NamedAttrMap, type SplitVAttrs, type TensorInfo } from '@tensorflow/tfjs-core';
import { cpuKernel, type NativeBackend } from '../native-backend.js';
import { sliceValues } from './Slice.js';

/** Splits along one axis (the gradient of Concat). */
export function splitV(args: { inputs: { x: TensorInfo }; backend: NativeBackend; attrs: SplitVAttrs }): TensorInfo[] {
  const { inputs, backend, attrs } = args;
  const { x } = inputs;
  const xs = backend.float32(x);
  if (!xs) return cpuKernel(SplitV)({ inputs, backend, attrs: attrs as unknown as NamedAttrMap }) as TensorInfo[];
  const axis = util.parseAxisParam(attrs.axis, x.shape)[0]!;
  const sizes = backend_util.prepareSplitSize(x as never, attrs.numOrSizeSplits, axis);
  const begin = new Array<number>(x.shape.length).fill(0);
  return sizes.map((s) => {
    const size = [...x.shape];
    size[axis] = s;
    const part = sliceValues(backend, x, xs, begin, size);
    begin[axis]! += s;
    return part;
  });
}

export const splitVConfig: KernelConfig = {
  kernelName: SplitV,
  backendName: 'native',
  kernelFunc: splitV as unknown as KernelConfig['kernelFunc'],
};
