import { backend_util, Conv2DBackpropFilter, type Conv2DBackpropFilterAttrs, type Conv2DBackpropFilterInputs, type KernelConfig, type NamedAttrMap, type TensorInfo } from '@tensorflow/tfjs-core';
import { cpuKernel, type NativeBackend } from '../native-backend.js';
import { ConvKind, convDescriptor } from './conv-call.js';

/** The filter gradient of a convolution (and of a transposed convolution, with x and dy swapped by the caller). */
export function conv2DBackpropFilter(args: { inputs: Conv2DBackpropFilterInputs; backend: NativeBackend; attrs: Conv2DBackpropFilterAttrs }): TensorInfo {
  const { inputs, backend, attrs } = args;
  const { x, dy } = inputs as { x: TensorInfo; dy: TensorInfo };
  const info = backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number], attrs.filterShape, attrs.strides, 1, attrs.pad, attrs.dimRoundingMode, false,
    backend_util.convertConv2DDataFormat(attrs.dataFormat));
  const desc = convDescriptor(info, ConvKind.BackwardWeights, backend);
  const xs = backend.float32(x);
  const dys = backend.float32(dy);
  const expected = info.batchSize * info.outHeight * info.outWidth * info.outChannels;
  if (!desc || !xs || !dys || dys.length !== expected) {
    return cpuKernel(Conv2DBackpropFilter)({ inputs: inputs as never, backend, attrs: attrs as unknown as NamedAttrMap }) as TensorInfo;
  }
  const out = backend.alloc(info.filterHeight * info.filterWidth * info.inChannels * info.outChannels);
  backend.addon.conv(desc, 0, xs, dys, null, out, 0);
  return backend.output(info.filterShape, out);
}

export const conv2DBackpropFilterConfig: KernelConfig = {
  kernelName: Conv2DBackpropFilter,
  backendName: 'native',
  kernelFunc: conv2DBackpropFilter as unknown as KernelConfig['kernelFunc'],
};
