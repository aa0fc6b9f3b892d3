import type { Keyframe } from '../../../../src-main/api/edit-schemas.js';
import { handlePoint } from './handles.js';
import { laneRange, type ValueRange } from './scale.js';

/**
 * Graph mode splits a lane in two plots: the lane's own curve (its offset, or its value in an
 * absolute lane) with the keys and their handles on top, the result under it.
 */
export function graphPlots(height: number): { lane: { top: number; height: number }; result: { top: number; height: number } } {
  const laneHeight = Math.round(height * 0.58);
  return { lane: { top: 0, height: laneHeight }, result: { top: laneHeight, height: height - laneHeight } };
}

/** The lane plot's range: the keyed curve, the keys and their handles (an offset lane always shows zero). */
export function laneCurveRange(unit: string, values: readonly number[] | null | undefined, keys: readonly Keyframe[], offset: boolean): ValueRange {
  const handles = keys.flatMap((_, i) => [handlePoint(keys, i, 'in'), handlePoint(keys, i, 'out')]).flatMap((p) => (p ? [p.value] : []));
  return laneRange(unit, [values], [...keys.map((k) => k.value), ...handles, ...(offset ? [0] : [])]);
}
