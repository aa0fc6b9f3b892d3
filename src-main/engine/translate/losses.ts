import * as tf from '@tensorflow/tfjs-core';
import { currentFrameOffset } from './config.js';

/** Mean sigmoid cross-entropy of patch logits against an all-real (1) or all-fake (0) label. */
export function ganLoss(logits: tf.Tensor, real: boolean): tf.Scalar {
  // −log σ(x) = softplus(−x); −log(1 − σ(x)) = softplus(x)
  return tf.mean(tf.softplus(real ? tf.neg(logits) : logits));
}

/** Mean absolute difference; with `weights` ([B, H, W, 1]), the weighted mean over the pixels. */
export function l1Loss(a: tf.Tensor, b: tf.Tensor, weights?: tf.Tensor4D): tf.Scalar {
  if (!weights) return tf.mean(tf.abs(tf.sub(a, b)));
  return tf.div(tf.mean(tf.mul(tf.abs(tf.sub(a, b)), weights)), tf.mean(weights));
}

/**
 * Per-pixel L1 weights that favour the face (`TrainingConfig.faceWeight`), read off the
 * current frame's correspondence image in the input (channels 3–5 of the current frame):
 * 1 on the background, 1 + w where the face mesh covers the pixel, 1 + 2w in the eye and
 * mouth openings (covered, but not skin: blue −1), whose small area carries the edits.
 */
export function faceWeights(input: tf.Tensor4D, weight: number): tf.Tensor4D {
  return tf.tidy(() => {
    const correspondence = tf.slice(input, [0, 0, 0, currentFrameOffset(input.shape[3]) + 3], [-1, -1, -1, 3]);
    const covered = tf.step(tf.add(tf.max(correspondence, 3, true), 0.999));
    const blue = tf.slice(correspondence, [0, 0, 0, 2], [-1, -1, -1, 1]);
    const opening = tf.mul(covered, tf.step(tf.neg(blue)));
    return tf.add(1, tf.mul(weight, tf.add(covered, opening))) as tf.Tensor4D;
  });
}
