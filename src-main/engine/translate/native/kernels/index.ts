import type { KernelConfig } from '@tensorflow/tfjs-core';
import { binaryConfigs } from './binary.js';
import { concatConfig } from './Concat.js';
import { conv2DConfig } from './Conv2D.js';
import { conv2DBackpropFilterConfig } from './Conv2DBackpropFilter.js';
import { conv2DBackpropInputConfig } from './Conv2DBackpropInput.js';
import { dvpAdamConfig } from './DvpAdam.js';
import { dvpBatchNormConfig, dvpBatchNormGradConfig } from './DvpBatchNorm.js';
import { fusedConv2DConfig } from './FusedConv2D.js';
import { reduceConfigs } from './reduce.js';
import { sliceConfig } from './Slice.js';
import { splitVConfig } from './SplitV.js';
import { tileConfig } from './Tile.js';
import { unaryConfigs } from './unary.js';

/** The kernels the native backend runs on the addon; every other kernel is the cpu backend's. */
export const NATIVE_KERNELS: KernelConfig[] = [
  conv2DConfig,
  fusedConv2DConfig,
  conv2DBackpropInputConfig,
  conv2DBackpropFilterConfig,
  ...binaryConfigs,
  ...unaryConfigs,
  ...reduceConfigs,
  concatConfig,
  sliceConfig,
  splitVConfig,
  tileConfig,
  dvpAdamConfig,
  dvpBatchNormConfig,
  dvpBatchNormGradConfig,
];
