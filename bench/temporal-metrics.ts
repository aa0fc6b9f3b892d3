/**
 * The temporal-stability benchmark's measurements, pure functions of frames and parameters:
 * flicker inside a mask, how far the output's frame-to-frame change is from the real one's, and
 * the jitter (RMS of second differences) of re-tracked parameters.
 */
import type { ShotCrop } from '../src-main/engine/condition/shot-crop.js';
import type { FrameParams } from '../src-main/engine/face/model.js';

const DEG = 180 / Math.PI;

/** Issue 12's bar: the output flickers at most this many times as much as the real clip. */
export const FLICKER_RATIO_BAR = 1.2;

/** A crop-space mask (crop.size², row-major) placed into a width × height plate; 0 outside the crop. */
export function cropMaskToPlate(weights: Float32Array, crop: ShotCrop, width: number, height: number): Float32Array {
  const out = new Float32Array(width * height);
  for (let y = 0; y < crop.size; y++) {
    const py = crop.y + y;
    if (py < 0 || py >= height) continue;
    for (let x = 0; x < crop.size; x++) {
      const px = crop.x + x;
      if (px >= 0 && px < width) out[py * width + px] = weights[y * crop.size + x]!;
    }
  }
  return out;
}

/** The weights of the frame pair (t−1, t): the union (maximum) of the two frames' masks. */
function pairWeights(masks: readonly Float32Array[], t: number, out: Float32Array): Float32Array {
  const a = masks[t - 1]!;
  const b = masks[t]!;
  for (let i = 0; i < out.length; i++) out[i] = Math.max(a[i]!, b[i]!);
  return out;
}

function checkFrames(frames: readonly Uint8Array[], masks: readonly Float32Array[], channels: number): void {
  if (frames.length !== masks.length) throw new RangeError(`${frames.length} frames but ${masks.length} masks`);
  for (let t = 0; t < frames.length; t++) {
    if (frames[t]!.length !== masks[t]!.length * channels) throw new RangeError(`frame ${t}: ${frames[t]!.length} values for a ${masks[t]!.length}-pixel mask × ${channels} channels`);
  }
}

/**
 * Per consecutive pair (t−1, t), t = 1…n−1: the mean |frame_t − frame_{t−1}| over the channels,
 * weighted by the pair's mask (`pairWeights`); NaN for a pair whose mask is empty.
 * Frames are interleaved 8-bit pixels (`channels` per pixel), masks one weight per pixel.
 */
export function maskedFlicker(frames: readonly Uint8Array[], masks: readonly Float32Array[], channels = 3): number[] {
  checkFrames(frames, masks, channels);
  return perPair(masks, channels, (t, i) => Math.abs(frames[t]![i]! - frames[t - 1]![i]!));
}

/**
 * Per consecutive pair: the weighted mean |(output_t − output_{t−1}) − (real_t − real_{t−1})|
 * inside the pair's mask — 0 when the output changes from frame to frame exactly as the real
 * clip does; a frozen output scores the real clip's own flicker, a flickering one more.
 */
export function temporalDifferenceError(output: readonly Uint8Array[], real: readonly Uint8Array[], masks: readonly Float32Array[], channels = 3): number[] {
  checkFrames(output, masks, channels);
  checkFrames(real, masks, channels);
  return perPair(masks, channels, (t, i) => Math.abs(output[t]![i]! - output[t - 1]![i]! - (real[t]![i]! - real[t - 1]![i]!)));
}

/** Per consecutive pair (t−1, t): the mean of `difference(t, value index)` over the channels, weighted by the pair's mask; NaN where it is empty. */
function perPair(masks: readonly Float32Array[], channels: number, difference: (t: number, i: number) => number): number[] {
  const out: number[] = [];
  const weights = new Float32Array(masks[0]?.length ?? 0);
  for (let t = 1; t < masks.length; t++) {
    pairWeights(masks, t, weights);
    let sum = 0;
    let total = 0;
    for (let p = 0; p < weights.length; p++) {
      const w = weights[p]!;
      if (w === 0) continue;
      let d = 0;
      for (let c = 0; c < channels; c++) d += difference(t, p * channels + c);
      sum += w * d;
      total += w;
    }
    out.push(total > 0 ? sum / (total * channels) : Number.NaN);
  }
  return out;
}

/**
 * RMS of the second differences x_{t+1} − 2·x_t + x_{t−1}, pooled over every component and
 * every run of three consecutive present frames (null: no value at that frame; a triple that
 * touches one is skipped). NaN with no complete triple.
 */
export function secondDifferenceRms(series: readonly (ArrayLike<number> | null)[]): { rms: number; samples: number } {
  let sum = 0;
  let samples = 0;
  for (let t = 1; t + 1 < series.length; t++) {
    const a = series[t - 1];
    const b = series[t];
    const c = series[t + 1];
    if (!a || !b || !c) continue;
    for (let k = 0; k < b.length; k++) {
      const d = c[k]! - 2 * b[k]! + a[k]!;
      sum += d * d;
      samples++;
    }
  }
  return { rms: samples > 0 ? Math.sqrt(sum / samples) : Number.NaN, samples };
}

export interface ParameterJitter {
  /** RMS second difference of yaw, pitch, roll (degrees). */
  rotationDeg: number;
  /** RMS second difference of the camera-space translation (mm). */
  translationMm: number;
  /** RMS second difference of the expression coefficients. */
  expression: number;
  /** Frame triples that counted. */
  triples: number;
}

/** Second-difference jitter of a frame sequence's parameters (null where a frame has none). */
export function parameterJitter(frames: readonly (FrameParams | null)[]): ParameterJitter {
  const rotation = secondDifferenceRms(frames.map((p) => (p ? Array.from(p.rotation, (r) => r * DEG) : null)));
  return {
    rotationDeg: rotation.rms,
    translationMm: secondDifferenceRms(frames.map((p) => p?.translation ?? null)).rms,
    expression: secondDifferenceRms(frames.map((p) => p?.expression ?? null)).rms,
    triples: rotation.samples / 3,
  };
}
