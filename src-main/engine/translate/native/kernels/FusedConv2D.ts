import { backend_util, FusedConv2D, util, type FusedConv2DAttrs, type FusedConv2DInputs, type KernelConfig, type NamedAttrMap, type TensorInfo } from '@tensorflow/tfjs-core';
import { cpuKernel, type NativeBackend } from '../native-backend.js';
import { ConvKind, convDescriptor, isNativeActivation } from './conv-call.js';

/** conv + bias + activation in one oneDNN primitive (the activation as a post-op). */
export function fusedConv2D(args: { inputs: FusedConv2DInputs; backend: NativeBackend; attrs: FusedConv2DAttrs }): TensorInfo {
  const { inputs, backend, attrs } = args;
  const { x, filter, bias } = inputs as { x: TensorInfo; filter: TensorInfo; bias?: TensorInfo };
  const info = backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number], filter.shape as [number, number, number, number], attrs.strides, attrs.dilations, attrs.pad,
    attrs.dimRoundingMode, false, backend_util.convertConv2DDataFormat(attrs.dataFormat));
  const activation = attrs.activation ?? 'linear';
  const fallback = (): TensorInfo => cpuKernel(FusedConv2D)({ inputs: inputs as never, backend, attrs: attrs as unknown as NamedAttrMap }) as TensorInfo;
  if (!isNativeActivation(activation)) return fallback();
  const desc = convDescriptor(info, ConvKind.Forward, backend, activation);
  const xs = backend.float32(x);
  const ws = backend.float32(filter);
  const bs = bias ? backend.float32(bias) : null;
  if (!desc || !xs || !ws || bs === undefined) return fallback();
  // A bias of any other shape than one value per output channel takes the reference path.
  if (bs && util.sizeFromShape(bias!.shape) !== info.outChannels) return fallback();
  const out = backend.alloc(info.batchSize * info.outHeight * info.outWidth * info.outChannels);
  backend.addon.conv(desc, attrs.leakyreluAlpha ?? 0.2, xs, ws, bs, out, backend.weightsId(filter.dataId));
  return backend.output(info.outShape, out);
}

export const fusedConv2DConfig: KernelConfig = {
  kernelName: FusedConv2D,
  backendName: 'native',
  kernelFunc: fusedConv2D as unknown as KernelConfig['kernelFunc'],
};
