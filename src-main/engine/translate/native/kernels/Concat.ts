import { backend_util, Concat, util, type ConcatAttrs, type KernelConfig, type NamedAttrMap, type TensorInfo } from '@tensorflow/tfjs-core';
import { cpuKernel, type NativeBackend } from '../native-backend.js';

/** Joins float32 tensors along one axis (the U-Net's skip connections, the discriminator's input). */
export function concat(args: { inputs: TensorInfo[]; backend: NativeBackend; attrs: ConcatAttrs }): TensorInfo {
  const { inputs, backend, attrs } = args;
  const axis = util.parseAxisParam(attrs.axis, inputs[0]!.shape)[0]!;
  const shapes = inputs.map((t) => t.shape);
  backend_util.assertParamsConsistent(shapes, axis);
  const outShape = backend_util.computeOutShape(shapes, axis);
  const parts = inputs.filter((t) => util.sizeFromShape(t.shape) > 0);
  const values = parts.map((t) => backend.float32(t));
  if (parts.length < 2 || values.some((v) => v === undefined)) {
    return cpuKernel(Concat)({ inputs: inputs as never, backend, attrs: attrs as unknown as NamedAttrMap }) as TensorInfo;
  }
  const outer = util.sizeFromShape(outShape.slice(0, axis));
  const inners = Int32Array.from(parts.map((t) => util.sizeFromShape(t.shape.slice(axis))));
  const out = backend.alloc(util.sizeFromShape(outShape));
  backend.addon.concat(values as Float32Array[], inners, outer, out);
  return backend.output(outShape, out);
}

export const concatConfig: KernelConfig = {
  kernelName: Concat,
  backendName: 'native',
  kernelFunc: concat as unknown as KernelConfig['kernelFunc'],
};
