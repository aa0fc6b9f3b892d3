/** Builds the addon's convolution descriptor from tfjs's Conv2DInfo. */
import type { backend_util } from '@tensorflow/tfjs-core';
import type { NativeBackend } from '../native-backend.js';

export const enum ConvKind {
  Forward = 0,
  BackwardData = 1,
  BackwardWeights = 2,
}

export type FusedActivation = 'linear' | 'relu' | 'relu6' | 'leakyrelu' | 'sigmoid' | 'elu';
const ACTIVATION_CODES: Record<FusedActivation, number> = { linear: 0, relu: 1, relu6: 2, leakyrelu: 3, sigmoid: 4, elu: 5 };

export function isNativeActivation(name: string | undefined | null): name is FusedActivation {
  return name === undefined || name === null || name in ACTIVATION_CODES;
}

/**
 * The descriptor for `info`, or undefined when oneDNN cannot take it as given (NCHW, dilation,
 * a padding that would have to be negative): the kernel then falls back to the cpu backend's.
 */
export function convDescriptor(info: backend_util.Conv2DInfo, kind: ConvKind, backend: NativeBackend, activation: FusedActivation = 'linear'): Int32Array | undefined {
  if (info.dataFormat !== 'channelsLast' || info.dilationHeight !== 1 || info.dilationWidth !== 1) return undefined;
  const top = info.padInfo.top;
  const left = info.padInfo.left;
  // oneDNN wants the output size to follow from the pads exactly.
  const bottom = (info.outHeight - 1) * info.strideHeight + info.filterHeight - info.inHeight - top;
  const right = (info.outWidth - 1) * info.strideWidth + info.filterWidth - info.inWidth - left;
  if (top < 0 || left < 0 || bottom < 0 || right < 0) return undefined;
  if (info.batchSize * info.inHeight * info.inWidth * info.inChannels === 0 || info.outHeight * info.outWidth * info.outChannels === 0) return undefined;
  return Int32Array.from([
    kind, backend.precision === 'bf16' ? 1 : 0, ACTIVATION_CODES[activation],
    info.batchSize, info.inHeight, info.inWidth, info.inChannels, info.outHeight, info.outWidth, info.outChannels,
    info.filterHeight, info.filterWidth, info.strideHeight, info.strideWidth, top, left, bottom, right,
  ]);
}
