import * as tf from '@tensorflow/tfjs-core';

/** Mean sigmoid cross-entropy of patch logits against an all-real (1) or all-fake (0) label. */
export function ganLoss(logits: tf.Tensor, real: boolean): tf.Scalar {
  // −log σ(x) = softplus(−x); −log(1 − σ(x)) = softplus(x)
  return tf.mean(tf.softplus(real ? tf.neg(logits) : logits));
}

/** Mean absolute difference. */
export function l1Loss(a: tf.Tensor, b: tf.Tensor): tf.Scalar {
  return tf.mean(tf.abs(tf.sub(a, b)));
}
