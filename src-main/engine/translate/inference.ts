import * as tf from '@tensorflow/tfjs-core';
import type { Generator } from './network.js';

/**
 * Generates the frames for a batch of conditioning volumes (H×W×9·Nw each) → H×W×3 in [−1, 1].
 * Each frame is normalised by its own statistics, so a batch gives the same frames as one
 * call per volume, only faster (the inner layers' weights are read once per batch).
 */
export function synthesize(generator: Generator, inputs: Float32Array[]): Float32Array[] {
  const { resolution } = generator.config;
  const channels = inputs[0]!.length / (resolution * resolution);
  const out = tf.tidy(() => {
    let packed = inputs[0]!;
    if (inputs.length > 1) {
      packed = new Float32Array(inputs.length * inputs[0]!.length);
      inputs.forEach((input, i) => packed.set(input, i * input.length));
    }
    const x = tf.tensor4d(packed, [inputs.length, resolution, resolution, channels]);
    return generator.apply(x, { training: false });
  });
  const data = out.dataSync() as Float32Array;
  out.dispose();
  if (inputs.length === 1) return [data];
  const frame = resolution * resolution * 3;
  return inputs.map((_, i) => data.subarray(i * frame, (i + 1) * frame));
}
