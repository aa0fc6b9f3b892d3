/**
 * Fitting a run of frames in order: each frame starts from the previous frame's solution
 * (restarting from a Procrustes pose after a gap or when the warm start lands badly); fits whose
 * mean landmark error stays above REJECT_ERROR_PCT are rejected as failed detections.
 */
import { emptyParams, packParams, type FaceModel } from '../face/model.js';
import { fitFrame, initialParams } from './fit.js';

/** Fits worse than this (mean landmark error, % of inter-ocular distance) are rejected. */
export const REJECT_ERROR_PCT = 10;

export interface FitInput {
  frame: number;
  points: Float32Array;
}

export interface FitOutput {
  frame: number;
  /** Packed parameters; undefined when the fit was rejected. */
  params: Float32Array | undefined;
  /** Per-landmark error in % of the inter-ocular distance (468). */
  errorsPct: Float32Array | undefined;
  rmsPx: number;
}

function meanPct(errors: Float32Array, iod: number): number {
  let s = 0;
  for (const e of errors) s += e;
  return (100 * s) / errors.length / iod;
}

export function fitSequence(model: FaceModel, inputs: FitInput[]): FitOutput[] {
  const out: FitOutput[] = [];
  let previousFrame = -2;
  let previous: ReturnType<typeof fitFrame>['params'] | undefined;
  for (const { frame, points } of inputs) {
    const warm = previous !== undefined && frame === previousFrame + 1;
    let result = fitFrame(model, points, warm ? previous! : initialParams(model, points, emptyParams()));
    let mean = meanPct(result.errors, result.interOcularPx);
    if (warm && mean > REJECT_ERROR_PCT / 2) {
      const retry = fitFrame(model, points, initialParams(model, points, emptyParams()), { iterations: 6 });
      const retryMean = meanPct(retry.errors, retry.interOcularPx);
      if (retryMean < mean) {
        result = retry;
        mean = retryMean;
      }
    }
    if (mean > REJECT_ERROR_PCT) {
      out.push({ frame, params: undefined, errorsPct: undefined, rmsPx: Number.NaN });
      previous = undefined;
      continue;
    }
    let sq = 0;
    for (const e of result.errors) sq += e * e;
    out.push({
      frame,
      params: packParams(result.params),
      errorsPct: result.errors.map((e) => (100 * e) / result.interOcularPx),
      rmsPx: Math.sqrt(sq / result.errors.length),
    });
    previous = result.params;
    previousFrame = frame;
  }
  return out;
}
