/**
 * Learning the project's expression basis from expression deformations (mm, model space).
 * The first clip creates version 1 from its principal components above the detector's noise floor.
 * A later clip whose motion the basis cannot express (what is left over still has principal
 * components above the noise floor) appends those into free slots as a new version; existing
 * components never change, so coefficients stored earlier stay valid.
 */
import { EXPRESSION_DIM, type ExpressionBasis } from '../face/model.js';
import { VERTEX_COUNT } from '../face/topology.js';
import { principalComponents } from './linalg.js';

/**
 * Components whose standard deviation is not clearly above the detector's noise floor are noise,
 * not expression. The floor is the spread of the weakest of the first 64 principal directions.
 */
export const NOISE_FLOOR_FACTOR = 1.5;
/** A later clip must show clearly new motion: its leftover components must beat this multiple of the floor. */
export const EXTEND_FLOOR_FACTOR = 2.5;
export const MIN_COMPONENT_STDDEV_MM = 0.5;
/** Slots the first clip may fill; the rest stay free for later clips. */
export const FIRST_CLIP_MAX_COMPONENTS = 44;
/** Most components one later clip may append, so that clips added after it still find free slots. */
export const LATER_CLIP_MAX_COMPONENTS = 4;

const D = VERTEX_COUNT * 3;

function energy(rows: Float64Array): number {
  let s = 0;
  for (let i = 0; i < rows.length; i++) s += rows[i]! ** 2;
  return s;
}

/** Projects rows onto the active components and removes that part (in place). */
export function removeProjection(rows: Float64Array, m: number, basis: ExpressionBasis): void {
  for (let i = 0; i < m; i++) {
    const row = rows.subarray(i * D, (i + 1) * D);
    for (let k = 0; k < basis.activeCount; k++) {
      const comp = basis.components.subarray(k * D, (k + 1) * D);
      let dot = 0;
      for (let c = 0; c < D; c++) dot += row[c]! * comp[c]!;
      for (let c = 0; c < D; c++) row[c] = row[c]! - dot * comp[c]!;
    }
  }
}

export interface BasisUpdate {
  basis: ExpressionBasis;
  /** True when `basis` is a new version to store. */
  created: boolean;
  /** Share of the clip's deformation energy the basis does not explain. */
  residualShare: number;
}

/**
 * `deformations`: m rows of VERTEX_COUNT × 3. Without `existing`, a fresh basis numbered `firstVersion`. The rows are not mean-centred on purpose: the
 * neutral shape is the origin of the expression space.
 */
export function updateBasis(existing: ExpressionBasis | undefined, deformations: Float64Array, m: number, firstVersion = 1): BasisUpdate {
  const rows = Float64Array.from(deformations);
  const total = energy(rows) || 1;
  if (existing) removeProjection(rows, m, existing);
  const residualShare = existing ? energy(rows) / total : 1;
  const free = existing ? Math.min(LATER_CLIP_MAX_COMPONENTS, EXPRESSION_DIM - existing.activeCount) : FIRST_CLIP_MAX_COMPONENTS;
  if (existing && free <= 0) return { basis: existing, created: false, residualShare };

  const pca = principalComponents(rows, m, D, EXPRESSION_DIM);
  // PCA on uncentred rows: variances are second moments about the neutral shape.
  const floor = Math.sqrt(pca.variances[pca.variances.length - 1] ?? 0);
  const threshold = Math.max(MIN_COMPONENT_STDDEV_MM, (existing ? EXTEND_FLOOR_FACTOR : NOISE_FLOOR_FACTOR) * floor);
  let take = 0;
  while (take < Math.min(free, pca.variances.length) && Math.sqrt(pca.variances[take]!) >= threshold) take++;
  if (existing && take === 0) return { basis: existing, created: false, residualShare };
  const start = existing?.activeCount ?? 0;
  const components = new Float32Array(EXPRESSION_DIM * D);
  const stddev = new Float32Array(EXPRESSION_DIM);
  if (existing) {
    components.set(existing.components.subarray(0, start * D));
    stddev.set(existing.stddev.subarray(0, start));
  }
  for (let k = 0; k < take; k++) {
    components.set(pca.directions.subarray(k * D, (k + 1) * D), (start + k) * D);
    stddev[start + k] = Math.sqrt(pca.variances[k]!);
  }
  return {
    basis: { version: existing ? existing.version + 1 : firstVersion, activeCount: start + take, components, stddev },
    created: true,
    residualShare,
  };
}
