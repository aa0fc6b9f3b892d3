/**
 * Batch normalisation (paper Fig. 4's BN; pix2pix test mode at inference: each frame by its own
 * statistics): γ · (x − mean) / √(var + ε) + β over NHWC, statistics over N·H·W per channel in
 * training and over H·W per frame at inference. One fused kernel each way where the backend has
 * it (native), else the op chain whose gradients gradients.ts registers.
 */
import * as tf from '@tensorflow/tfjs-core';
import { DVP_BATCH_NORM, DVP_BATCH_NORM_GRAD, type DvpBatchNormAttrs } from './native/kernels/DvpBatchNorm.js';

export const BN_EPSILON = 1e-5;

function opChain(x: tf.Tensor4D, gamma: tf.Tensor, beta: tf.Tensor, perFrame: boolean): tf.Tensor4D {
  const axes = perFrame ? [1, 2] : [0, 1, 2];
  const mean = tf.mean(x, axes, true);
  const centred = tf.sub(x, mean);
  const variance = tf.mean(tf.square(centred), axes, true);
  const normalised = tf.mul(centred, tf.rsqrt(tf.add(variance, BN_EPSILON)));
  return tf.add(tf.mul(normalised, gamma), beta) as tf.Tensor4D;
}

function fused(perFrame: boolean): (x: tf.Tensor4D, gamma: tf.Tensor, beta: tf.Tensor) => tf.Tensor4D {
  const attrs: DvpBatchNormAttrs = { perFrame, epsilon: BN_EPSILON };
  return tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [x, gamma, beta] = args as tf.Tensor[];
    const save = args[3] as tf.GradSaveFunc;
    const [y, mean, inv] = tf.engine().runKernel(DVP_BATCH_NORM, { x: x!, gamma: gamma!, beta: beta! }, attrs as unknown as tf.NamedAttrMap) as tf.Tensor[];
    save([x!, gamma!, mean!, inv!]);
    return {
      value: y!,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [sx, sgamma, smean, sinv] = saved;
        return tf.engine().runKernel(DVP_BATCH_NORM_GRAD, { dy, x: sx!, gamma: sgamma!, mean: smean!, inv: sinv! }, attrs as unknown as tf.NamedAttrMap) as tf.Tensor[];
      },
    };
  }) as (x: tf.Tensor4D, gamma: tf.Tensor, beta: tf.Tensor) => tf.Tensor4D;
}

const fusedTraining = fused(false);
const fusedPerFrame = fused(true);

export function batchNorm(x: tf.Tensor4D, gamma: tf.Tensor, beta: tf.Tensor, perFrame: boolean): tf.Tensor4D {
  if (tf.getKernel(DVP_BATCH_NORM, tf.getBackend()) === undefined) return opChain(x, gamma, beta, perFrame);
  return (perFrame ? fusedPerFrame : fusedTraining)(x, gamma, beta);
}
