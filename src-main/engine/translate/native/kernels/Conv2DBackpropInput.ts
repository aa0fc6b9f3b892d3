import { backend_util, Conv2DBackpropInput, type Conv2DBackpropInputAttrs, type Conv2DBackpropInputInputs, type KernelConfig, type NamedAttrMap, type TensorInfo } from '@tensorflow/tfjs-core';
import { cpuKernel, type NativeBackend } from '../native-backend.js';
import { ConvKind, convDescriptor } from './conv-call.js';

/** The input gradient of a convolution, which is also the forward pass of a transposed convolution. */
export function conv2DBackpropInput(args: { inputs: Conv2DBackpropInputInputs; backend: NativeBackend; attrs: Conv2DBackpropInputAttrs }): TensorInfo {
  const { inputs, backend, attrs } = args;
  const { dy, filter } = inputs as { dy: TensorInfo; filter: TensorInfo };
  const info = backend_util.computeConv2DInfo(
    attrs.inputShape, filter.shape as [number, number, number, number], attrs.strides, 1, attrs.pad, attrs.dimRoundingMode, false,
    backend_util.convertConv2DDataFormat(attrs.dataFormat));
  const desc = convDescriptor(info, ConvKind.BackwardData, backend);
  const dys = backend.float32(dy);
  const ws = backend.float32(filter);
  const expected = info.batchSize * info.outHeight * info.outWidth * info.outChannels;
  if (!desc || !dys || !ws || dys.length !== expected) {
    return cpuKernel(Conv2DBackpropInput)({ inputs: inputs as never, backend, attrs: attrs as unknown as NamedAttrMap }) as TensorInfo;
  }
  const out = backend.alloc(info.batchSize * info.inHeight * info.inWidth * info.inChannels);
  backend.addon.conv(desc, 0, dys, ws, null, out, backend.weightsId(filter.dataId));
  return backend.output(info.inShape, out);
}

export const conv2DBackpropInputConfig: KernelConfig = {
  kernelName: Conv2DBackpropInput,
  backendName: 'native',
  kernelFunc: conv2DBackpropInput as unknown as KernelConfig['kernelFunc'],
};
