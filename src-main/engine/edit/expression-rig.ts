import { DvpError } from '../../shared/errors.js';
import { EXPRESSION_DIMS, type EditFrame } from './parameters.js';

/**
 * How named expression controls (jaw open, smile L, …) and the mouth region live in the
 * 64-dimensional expression space. The face model (tracking) supplies it; the edit model
 * only needs these three operations.
 */
export interface ExpressionRig {
  /** The named controls this rig can read and move. */
  readonly controls: readonly string[];
  /** The control's value for a frame (a measurement of the face shape, which eyelids also move). */
  read(control: string, frame: EditFrame): number;
  /** Raises the control by `delta` in place, moving only the expression coefficients, so `read` rises by `delta`. */
  add(control: string, frame: EditFrame, delta: number): void;
  /** Writes into `out` the part of `delta` that moves the mouth region (dubbing transfers only that). */
  mouthPart(delta: Float64Array, out: Float64Array): void;
}

export interface LinearControl {
  /** The direction `add` moves along (64 values). */
  direction: ArrayLike<number>;
  /** The covector `read` takes the dot product with (64 values); readout · direction must be 1. */
  readout: ArrayLike<number>;
}

/**
 * A rig whose controls are linear in the expression space, with a linear projection onto
 * the mouth subspace (64×64, row-major). This is what a learned linear expression basis gives.
 */
export function linearRig(controls: Readonly<Record<string, LinearControl>>, mouthProjection: ArrayLike<number>): ExpressionRig {
  if (mouthProjection.length !== EXPRESSION_DIMS * EXPRESSION_DIMS) {
    throw new DvpError('INVALID_ARGUMENT', `the mouth projection must be ${EXPRESSION_DIMS}×${EXPRESSION_DIMS} values, not ${mouthProjection.length}.`);
  }
  const table = new Map<string, { direction: Float64Array; readout: Float64Array }>();
  for (const [name, control] of Object.entries(controls)) {
    if (control.direction.length !== EXPRESSION_DIMS || control.readout.length !== EXPRESSION_DIMS) {
      throw new DvpError('INVALID_ARGUMENT', `the expression control '${name}' must have ${EXPRESSION_DIMS}-value direction and readout vectors.`);
    }
    const direction = Float64Array.from(control.direction);
    const readout = Float64Array.from(control.readout);
    const gain = dot(readout, direction);
    if (Math.abs(gain - 1) > 1e-6) {
      throw new DvpError('INVALID_ARGUMENT', `the expression control '${name}' is inconsistent: its readout · direction is ${gain}, not 1.`);
    }
    table.set(name, { direction, readout });
  }
  const projection = Float64Array.from(mouthProjection);

  const lookup = (name: string): { direction: Float64Array; readout: Float64Array } => {
    const control = table.get(name);
    if (!control) throw new DvpError('INVALID_ARGUMENT', `the face model has no expression control named '${name}'.`);
    return control;
  };

  return {
    controls: [...table.keys()],
    read(name, frame) {
      return dot(lookup(name).readout, frame.expression);
    },
    add(name, frame, delta) {
      const { direction } = lookup(name);
      for (let i = 0; i < EXPRESSION_DIMS; i++) frame.expression[i] = (frame.expression[i] ?? 0) + delta * (direction[i] ?? 0);
    },
    mouthPart(delta, out) {
      for (let row = 0; row < EXPRESSION_DIMS; row++) {
        let sum = 0;
        const base = row * EXPRESSION_DIMS;
        for (let col = 0; col < EXPRESSION_DIMS; col++) sum += (projection[base + col] ?? 0) * (delta[col] ?? 0);
        out[row] = sum;
      }
    },
  };
}

function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < EXPRESSION_DIMS; i++) sum += (a[i] ?? 0) * (b[i] ?? 0);
  return sum;
}
