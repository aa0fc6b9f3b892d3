/**
 * Eyelid closure as two explicit deformations per clip (paper §4: "our model features dimensions to
 * model eyelid closure"). Closure 1 brings the upper lid margin down onto the lower one (the upper lid
 * does most of the travel) and drags the ring above it half as far. Built from the neutral shape.
 */
import { LEFT_EYE_LOWER, LEFT_EYE_UPPER, LEFT_EYE_UPPER1, RIGHT_EYE_LOWER, RIGHT_EYE_UPPER, RIGHT_EYE_UPPER1, VERTEX_COUNT } from './topology.js';

/** Share of the lid gap the upper lid covers when the eye closes. */
const UPPER_LID_SHARE = 0.8;
const UPPER1_FOLLOW = 0.5;

function eyeDeformation(neutral: Float32Array, upper: readonly number[], lower: readonly number[], upper1: readonly number[], out: Float32Array): void {
  // Rings share the corners (index 0 and last); interior points pair up by position along the eye.
  for (let i = 1; i < upper.length - 1; i++) {
    const u = upper[i]!;
    const l = lower[i]!;
    for (let a = 0; a < 3; a++) {
      const gap = neutral[3 * l + a]! - neutral[3 * u + a]!;
      out[3 * u + a] = UPPER_LID_SHARE * gap;
      out[3 * l + a] = -(1 - UPPER_LID_SHARE) * gap;
      const v = upper1[i - 1];
      if (v !== undefined) out[3 * v + a] = UPPER1_FOLLOW * UPPER_LID_SHARE * gap;
    }
  }
}

/** [left, right] closure displacements (VERTEX_COUNT × 3 each) for a neutral shape. */
export function blinkBasis(neutral: Float32Array): [Float32Array, Float32Array] {
  const left = new Float32Array(VERTEX_COUNT * 3);
  const right = new Float32Array(VERTEX_COUNT * 3);
  eyeDeformation(neutral, LEFT_EYE_UPPER, LEFT_EYE_LOWER, LEFT_EYE_UPPER1, left);
  eyeDeformation(neutral, RIGHT_EYE_UPPER, RIGHT_EYE_LOWER, RIGHT_EYE_UPPER1, right);
  return [left, right];
}

const cache = new WeakMap<Float32Array, [Float32Array, Float32Array]>();

/** blinkBasis, computed once per neutral-shape array. */
export function blinkBasisFor(neutral: Float32Array): [Float32Array, Float32Array] {
  let basis = cache.get(neutral);
  if (!basis) {
    basis = blinkBasis(neutral);
    cache.set(neutral, basis);
  }
  return basis;
}
