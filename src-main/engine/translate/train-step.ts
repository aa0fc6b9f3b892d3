import * as tf from '@tensorflow/tfjs-core';
import { learningRateAt } from './config.js';
import { faceWeights, ganLoss, l1Loss } from './losses.js';
import type { TranslationModel } from './model.js';

export interface StepLosses {
  /** Adversarial part of the generator loss. */
  gan: number;
  /** L1 reproduction loss (mean absolute error in [−1, 1] units). */
  l1: number;
  /** Generator total: gan + λ·l1. */
  generator: number;
  /** Discriminator: ½ (BCE(real) + BCE(fake)). */
  discriminator: number;
}

/**
 * One adversarial training step (paper eq. 5–7): a generator update on cGAN + λ·L1, then a
 * discriminator update on the real pair and the same (now constant) generated image.
 * Leaves no tensor behind except what the variables hold.
 */
export function trainStep(model: TranslationModel, input: tf.Tensor4D, target: tf.Tensor4D, step: number): StepLosses {
  const { generator: G, discriminator: D } = model;
  const lambda = model.config.training.lambdaL1;
  const faceWeight = model.config.training.faceWeight ?? 0;
  const weights = faceWeight > 0 ? faceWeights(input, faceWeight) : undefined;
  const learningRate = learningRateAt(model.config.training, step);
  let fake: tf.Tensor4D | undefined;
  let ganPart: tf.Scalar | undefined;
  let l1Part: tf.Scalar | undefined;
  try {
    const g = tf.variableGrads(() => {
      fake = tf.keep(G.apply(input, { training: true, dropoutSeed: step }));
      ganPart = tf.keep(ganLoss(D.apply(input, fake, { training: true }), true));
      l1Part = tf.keep(l1Loss(fake, target, weights));
      return tf.add(ganPart, tf.mul(l1Part, lambda));
    }, G.params.list());
    model.optG.apply(g.grads, learningRate);
    const generator = (g.value.dataSync() as Float32Array)[0]!;
    tf.dispose([g.value, ...Object.values(g.grads)]);

    const generated = fake!;
    const d = tf.variableGrads(() => {
      const real = ganLoss(D.apply(input, target, { training: true }), true);
      const synthetic = ganLoss(D.apply(input, generated, { training: true }), false);
      return tf.mul(tf.add(real, synthetic), 0.5);
    }, D.params.list());
    model.optD.apply(d.grads, learningRate);
    const discriminator = (d.value.dataSync() as Float32Array)[0]!;
    tf.dispose([d.value, ...Object.values(d.grads)]);

    return { gan: (ganPart!.dataSync() as Float32Array)[0]!, l1: (l1Part!.dataSync() as Float32Array)[0]!, generator, discriminator };
  } finally {
    const kept: (tf.Tensor | undefined)[] = [fake, ganPart, l1Part, weights];
    tf.dispose(kept.filter((t): t is tf.Tensor => t !== undefined));
  }
}
