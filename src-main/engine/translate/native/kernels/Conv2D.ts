import { backend_util, Conv2D, type Conv2DAttrs, type Conv2DInputs, type KernelConfig, type NamedAttrMap, type TensorInfo } from '@tensorflow/tfjs-core';
import { cpuKernel, type NativeBackend } from '../native-backend.js';
import { ConvKind, convDescriptor } from './conv-call.js';

export function conv2D(args: { inputs: Conv2DInputs; backend: NativeBackend; attrs: Conv2DAttrs }): TensorInfo {
  const { inputs, backend, attrs } = args;
  const { x, filter } = inputs as { x: TensorInfo; filter: TensorInfo };
  const info = backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number], filter.shape as [number, number, number, number], attrs.strides, attrs.dilations, attrs.pad,
    attrs.dimRoundingMode, false, backend_util.convertConv2DDataFormat(attrs.dataFormat));
  const desc = convDescriptor(info, ConvKind.Forward, backend);
  const xs = backend.float32(x);
  const ws = backend.float32(filter);
  if (!desc || !xs || !ws) return cpuKernel(Conv2D)({ inputs: inputs as never, backend, attrs: attrs as unknown as NamedAttrMap }) as TensorInfo;
  const out = backend.alloc(info.batchSize * info.outHeight * info.outWidth * info.outChannels);
  backend.addon.conv(desc, 0, xs, ws, null, out, backend.weightsId(filter.dataId));
  return backend.output(info.outShape, out);
}

export const conv2DConfig: KernelConfig = {
  kernelName: Conv2D,
  backendName: 'native',
  kernelFunc: conv2D as unknown as KernelConfig['kernelFunc'],
};
