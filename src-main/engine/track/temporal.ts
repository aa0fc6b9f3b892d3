/**
 * Along time: short gaps are interpolated, long ones held and reported as ranges; then a
 * zero-phase Gaussian smoothing per parameter group (offline, so no lag), never across a long gap.
 */
import type { FrameRange } from '../../api/frame-range.js';
import { PARAM_COUNT, PARAM_LAYOUT, EXPRESSION_DIM, SH_COEFFS } from '../face/model.js';
import { FrameFlag } from '../face/store.js';

export interface SequenceFrame {
  frame: number;
  /** Packed parameters; undefined when this frame has no fit of its own. */
  params: Float32Array | undefined;
  flags: number;
}

export interface FilledFrame {
  frame: number;
  params: Float32Array;
  flags: number;
}

/**
 * Fills frames without parameters. Gaps of at most `maxGap` frames between two fitted frames are
 * interpolated linearly; longer gaps (and any gap at the start or end) hold the nearest fitted
 * frame and are flagged NoFace. Returns undefined params everywhere if nothing was fitted.
 */
export function fillGaps(frames: SequenceFrame[], maxGap: number): { frames: FilledFrame[]; gaps: FrameRange[] } {
  const out: FilledFrame[] = [];
  const gaps: FrameRange[] = [];
  const fitted = frames.map((f, i) => (f.params ? i : -1)).filter((i) => i >= 0);
  if (fitted.length === 0) {
    if (frames.length > 0) gaps.push({ first: frames[0]!.frame, last: frames[frames.length - 1]!.frame });
    return { frames: [], gaps };
  }
  let i = 0;
  while (i < frames.length) {
    const f = frames[i]!;
    if (f.params) {
      out.push({ frame: f.frame, params: f.params, flags: f.flags });
      i++;
      continue;
    }
    let j = i;
    while (j < frames.length && !frames[j]!.params) j++;
    const before = i > 0 ? frames[i - 1]!.params : undefined;
    const after = j < frames.length ? frames[j]!.params : undefined;
    const length = j - i;
    const interpolate = before !== undefined && after !== undefined && length <= maxGap;
    if (!interpolate) gaps.push({ first: frames[i]!.frame, last: frames[j - 1]!.frame });
    for (let k = i; k < j; k++) {
      const params = new Float32Array(PARAM_COUNT);
      if (interpolate) {
        const a = (k - i + 1) / (length + 1);
        for (let p = 0; p < PARAM_COUNT; p++) params[p] = (1 - a) * before[p]! + a * after[p]!;
      } else {
        const nearest = before && (!after || k - (i - 1) <= j - k) ? before : after!;
        params.set(nearest);
      }
      out.push({ frame: frames[k]!.frame, params, flags: frames[k]!.flags | (interpolate ? FrameFlag.Interpolated : FrameFlag.NoFace) });
    }
    i = j;
  }
  return { frames: out, gaps };
}

/** Gaussian σ in frames per parameter group at smoothing strength 1. */
const GROUP_SIGMA: [start: number, length: number, sigma: number][] = [
  [PARAM_LAYOUT.rotation, 3, 1.2],
  [PARAM_LAYOUT.translation, 3, 1.5],
  [PARAM_LAYOUT.expression, EXPRESSION_DIM, 0.8],
  [PARAM_LAYOUT.gaze, 4, 1.0],
  // Blinks last a few frames: smooth them least.
  [PARAM_LAYOUT.eyelids, 2, 0.5],
  [PARAM_LAYOUT.sh, SH_COEFFS, 3],
];

/**
 * Smoothed copies of the parameters. `strength` scales every group's σ (0 = no smoothing).
 * Frames flagged NoFace are left as they are and split the sequence into independent runs.
 */
export function smoothSequence(frames: FilledFrame[], strength: number): Float32Array[] {
  const out = frames.map((f) => Float32Array.from(f.params));
  if (strength <= 0) return out;
  let runStart = 0;
  while (runStart < frames.length) {
    if (frames[runStart]!.flags & FrameFlag.NoFace) {
      runStart++;
      continue;
    }
    let runEnd = runStart;
    while (runEnd + 1 < frames.length && !(frames[runEnd + 1]!.flags & FrameFlag.NoFace) && frames[runEnd + 1]!.frame === frames[runEnd]!.frame + 1) runEnd++;
    for (const [start, length, baseSigma] of GROUP_SIGMA) {
      const sigma = baseSigma * strength;
      const radius = Math.ceil(3 * sigma);
      const weights = Array.from({ length: 2 * radius + 1 }, (_, k) => Math.exp(-((k - radius) ** 2) / (2 * sigma * sigma)));
      for (let f = runStart; f <= runEnd; f++) {
        for (let p = start; p < start + length; p++) {
          let sum = 0;
          let wsum = 0;
          for (let k = -radius; k <= radius; k++) {
            const g = f + k;
            if (g < runStart || g > runEnd) continue;
            const w = weights[k + radius]!;
            sum += w * frames[g]!.params[p]!;
            wsum += w;
          }
          out[f]![p] = sum / wsum;
        }
      }
    }
    runStart = runEnd + 1;
  }
  return out;
}

/** Mean absolute frame-to-frame change per parameter group over consecutive frames (jitter). */
export function jitter(sequence: Float32Array[], start: number, length: number): number {
  let sum = 0;
  let n = 0;
  for (let f = 1; f < sequence.length; f++) {
    for (let p = start; p < start + length; p++) {
      sum += Math.abs(sequence[f]![p]! - sequence[f - 1]![p]!);
      n++;
    }
  }
  return n > 0 ? sum / n : 0;
}
