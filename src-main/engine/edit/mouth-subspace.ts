import { DvpError } from '../../shared/errors.js';
import type { ExpressionBasis } from '../face/model.js';
import { LANDMARK, VERTEX_COUNT } from '../face/topology.js';
import { EXPRESSION_DIMS } from './parameters.js';

/**
 * Dubbing transfers only the mouth. The learned expression components move the whole face, so
 * "the mouth part" of a coefficient change Δ is the change δ that reproduces Δ's motion of the
 * lower face (the vertices below the nose tip) while moving the rest as little as possible:
 *
 *   δ = argmin ‖B_m(δ − Δ)‖² + ‖B_o δ‖² + ε‖δ‖²  ⇒  δ = (BᵀB + εI)⁻¹ B_mᵀB_m · Δ = P·Δ
 *
 * with B the basis rows (vertex coordinates × components), B_m the lower-face rows, B_o the others.
 * Returns P (64×64, row-major).
 */
export function mouthProjection(basis: ExpressionBasis, neutralShape: ArrayLike<number>): Float64Array {
  const n = VERTEX_COUNT * 3;
  if (basis.components.length !== EXPRESSION_DIMS * n || neutralShape.length !== n) {
    throw new DvpError('INVALID_ARGUMENT', 'the mouth subspace needs a 64-component basis and a 468-vertex neutral shape.');
  }
  const active = basis.activeCount;
  const noseY = neutralShape[3 * LANDMARK.noseTip + 1] as number;
  const full = new Float64Array(EXPRESSION_DIMS * EXPRESSION_DIMS);
  const lower = new Float64Array(EXPRESSION_DIMS * EXPRESSION_DIMS);
  const row = new Float64Array(active);
  for (let vertex = 0; vertex < VERTEX_COUNT; vertex++) {
    // Model space has y pointing down: the lower face has larger y than the nose tip.
    const isLowerFace = (neutralShape[3 * vertex + 1] as number) > noseY;
    for (let axis = 0; axis < 3; axis++) {
      const i = 3 * vertex + axis;
      for (let k = 0; k < active; k++) row[k] = basis.components[k * n + i] as number;
      for (let a = 0; a < active; a++) {
        const ra = row[a] as number;
        if (ra === 0) continue;
        for (let b = 0; b < active; b++) {
          const product = ra * (row[b] as number);
          full[a * EXPRESSION_DIMS + b] = (full[a * EXPRESSION_DIMS + b] as number) + product;
          if (isLowerFace) lower[a * EXPRESSION_DIMS + b] = (lower[a * EXPRESSION_DIMS + b] as number) + product;
        }
      }
    }
  }
  let trace = 0;
  for (let k = 0; k < active; k++) trace += full[k * EXPRESSION_DIMS + k] as number;
  const epsilon = active > 0 ? (1e-9 * trace) / active : 0;
  // Unused components get a unit diagonal, so they solve to 0.
  for (let k = 0; k < EXPRESSION_DIMS; k++) full[k * EXPRESSION_DIMS + k] = k < active ? (full[k * EXPRESSION_DIMS + k] as number) + epsilon : 1;
  return solveSymmetric(full, lower, EXPRESSION_DIMS);
}

/** Solves M·X = R for X (M symmetric positive definite, both size×size row-major) by Cholesky. */
export function solveSymmetric(m: Float64Array, r: Float64Array, size: number): Float64Array {
  const l = new Float64Array(size * size);
  for (let i = 0; i < size; i++) {
    for (let j = 0; j <= i; j++) {
      let sum = m[i * size + j] as number;
      for (let k = 0; k < j; k++) sum -= (l[i * size + k] as number) * (l[j * size + k] as number);
      if (i === j) {
        if (!(sum > 0)) throw new DvpError('INTERNAL', 'the expression basis is degenerate (its Gram matrix is not positive definite).');
        l[i * size + i] = Math.sqrt(sum);
      } else {
        l[i * size + j] = sum / (l[j * size + j] as number);
      }
    }
  }
  const x = new Float64Array(size * size);
  const column = new Float64Array(size);
  for (let c = 0; c < size; c++) {
    for (let i = 0; i < size; i++) {
      let sum = r[i * size + c] as number;
      for (let k = 0; k < i; k++) sum -= (l[i * size + k] as number) * (column[k] as number);
      column[i] = sum / (l[i * size + i] as number);
    }
    for (let i = size - 1; i >= 0; i--) {
      let sum = column[i] as number;
      for (let k = i + 1; k < size; k++) sum -= (l[k * size + i] as number) * (x[k * size + c] as number);
      x[i * size + c] = sum / (l[i * size + i] as number);
    }
  }
  return x;
}
