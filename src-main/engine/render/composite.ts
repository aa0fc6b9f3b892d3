import type { ShotCrop } from '../condition/shot-crop.js';

/** A square RGB image from the network: floats in [−1, 1], channels last. */
export interface SynthesizedCrop {
  size: number;
  data: Float32Array;
}

/** Default feather: 6 % of the crop side, at least 2 plate pixels. */
export function defaultFeather(cropSize: number): number {
  return Math.max(2, Math.round(cropSize * 0.06));
}

/**
 * Blend weights over the crop (cropSize², row-major): 1 inside, falling smoothly
 * (smoothstep) to 0 at the crop border over `feather` pixels, so the synthesized
 * square meets the untouched plate without a seam.
 */
export function featherMask(cropSize: number, feather = defaultFeather(cropSize)): Float32Array {
  const ramp = new Float32Array(cropSize);
  for (let i = 0; i < cropSize; i++) {
    const distance = Math.min(i, cropSize - 1 - i) + 0.5;
    const t = Math.min(1, distance / feather);
    ramp[i] = t * t * (3 - 2 * t);
  }
  const mask = new Float32Array(cropSize * cropSize);
  for (let y = 0; y < cropSize; y++) {
    const ry = ramp[y]!;
    for (let x = 0; x < cropSize; x++) mask[y * cropSize + x] = Math.min(ry, ramp[x]!);
  }
  return mask;
}

/** The crop pixels a masked composite reads: [x0, x1) × [y0, y1). */
export interface CompositeBox {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

export interface MaskedCompositeOptions {
  /** Crop pixels to visit (default: the whole crop); weights outside it must be 0. */
  box?: CompositeBox;
  /** 1 on a ring of weight-0 crop pixels around the mask: where the colour match compares the network's picture with the plate. */
  ring?: Uint8Array;
  /** Match the synthesized picture's per-channel mean and spread to the plate's on the ring before blending. */
  colourMatch?: boolean;
  /** The ProRes 4444 matte (plateWidth × plate height): the weights, ×255, inside the box. */
  alpha?: Uint8Array;
  /** Reused between frames. */
  scratch?: { resampled?: Float64Array };
}

/** What one masked composite measured at the seam. */
export interface SeamSample {
  /** Crop pixels on the mask's feathered edge (0 < weight < 1). */
  bandPixels: number;
  /** Σ over the band's pixels and channels of |synthesized − plate| (8-bit levels), as synthesized. */
  sumRaw: number;
  /** The same after the colour match (equal to sumRaw when no match could be fitted). */
  sumMatched: number;
  /** Whether the colour match was fitted (a ring with enough pixels) and, with `colourMatch`, applied. */
  matched: boolean;
}

/** A ring smaller than this many pixels gives no colour match. */
const MIN_RING_PIXELS = 64;

/**
 * Blends the synthesized crop into `plate` with per-pixel `weights` over the crop (the same
 * bilinear resampling from network size to crop size; with `featherMask` it is the paper's whole-crop
 * blend), and measures the seam: the mean absolute difference between the network's picture
 * and the plate on the mask's feathered edge (0 < weight < 1), before and after a per-frame
 * colour match (per channel, gain and offset that carry the synthesized picture's mean and
 * standard deviation on `ring` onto the plate's there; gain clamped to [0.5, 2]). Pixels of
 * weight 0 are never written.
 */
export function compositeMasked(
  plate: Uint8Array,
  plateWidth: number,
  synth: SynthesizedCrop,
  crop: ShotCrop,
  weights: Float32Array,
  options: MaskedCompositeOptions = {},
): SeamSample {
  const { size: n, data } = synth;
  const box = options.box ?? { x0: 0, y0: 0, x1: crop.size, y1: crop.size };
  const bw = box.x1 - box.x0;
  const bh = box.y1 - box.y0;
  const sample: SeamSample = { bandPixels: 0, sumRaw: 0, sumMatched: 0, matched: false };
  if (bw <= 0 || bh <= 0) return sample;
  const scratch = options.scratch ?? {};
  if (!scratch.resampled || scratch.resampled.length < bw * bh * 3) scratch.resampled = new Float64Array(bw * bh * 3);
  const resampled = scratch.resampled;
  const ring = options.ring;
  const scale = n / crop.size;

  // 1. The network's picture at plate resolution where it is needed (weight > 0 or ring), in [0, 255].
  for (let y = box.y0; y < box.y1; y++) {
    const sy = Math.min(n - 1, Math.max(0, (y + 0.5) * scale - 0.5));
    const y0 = Math.floor(sy);
    const y1 = Math.min(n - 1, y0 + 1);
    const fy = sy - y0;
    for (let x = box.x0; x < box.x1; x++) {
      const m = y * crop.size + x;
      if (weights[m] === 0 && !(ring && ring[m] === 1)) continue;
      const sx = Math.min(n - 1, Math.max(0, (x + 0.5) * scale - 0.5));
      const x0 = Math.floor(sx);
      const x1 = Math.min(n - 1, x0 + 1);
      const fx = sx - x0;
      const i00 = (y0 * n + x0) * 3;
      const i01 = (y0 * n + x1) * 3;
      const i10 = (y1 * n + x0) * 3;
      const i11 = (y1 * n + x1) * 3;
      const r = ((y - box.y0) * bw + (x - box.x0)) * 3;
      for (let c = 0; c < 3; c++) {
        const top = data[i00 + c]! + (data[i01 + c]! - data[i00 + c]!) * fx;
        const bottom = data[i10 + c]! + (data[i11 + c]! - data[i10 + c]!) * fx;
        const value = ((top + (bottom - top) * fy + 1) * 255) / 2;
        resampled[r + c] = Math.min(255, Math.max(0, value));
      }
    }
  }

  // 2. Colour match fitted on the ring (weight-0 pixels: the plate there is what the viewer sees).
  const gain = [1, 1, 1];
  const offset = [0, 0, 0];
  if (ring) {
    const sums = new Float64Array(12); // per channel: Σs, Σs², Σp, Σp²
    let count = 0;
    for (let y = box.y0; y < box.y1; y++) {
      for (let x = box.x0; x < box.x1; x++) {
        const m = y * crop.size + x;
        if (ring[m] !== 1) continue;
        count++;
        const r = ((y - box.y0) * bw + (x - box.x0)) * 3;
        const q = ((crop.y + y) * plateWidth + crop.x + x) * 3;
        for (let c = 0; c < 3; c++) {
          const s = resampled[r + c]!;
          const p = plate[q + c]!;
          sums[4 * c] = sums[4 * c]! + s;
          sums[4 * c + 1] = sums[4 * c + 1]! + s * s;
          sums[4 * c + 2] = sums[4 * c + 2]! + p;
          sums[4 * c + 3] = sums[4 * c + 3]! + p * p;
        }
      }
    }
    if (count >= MIN_RING_PIXELS) {
      sample.matched = true;
      for (let c = 0; c < 3; c++) {
        const ms = sums[4 * c]! / count;
        const mp = sums[4 * c + 2]! / count;
        const ss = Math.sqrt(Math.max(0, sums[4 * c + 1]! / count - ms * ms));
        const sp = Math.sqrt(Math.max(0, sums[4 * c + 3]! / count - mp * mp));
        const g = ss > 1 ? Math.min(2, Math.max(0.5, sp / ss)) : 1;
        gain[c] = g;
        offset[c] = mp - g * ms;
      }
    }
  }
  const apply = options.colourMatch === true && sample.matched;

  // 3. Seam measure on the feathered edge, and the blend.
  const alpha = options.alpha;
  for (let y = box.y0; y < box.y1; y++) {
    for (let x = box.x0; x < box.x1; x++) {
      const m = y * crop.size + x;
      const w = weights[m]!;
      if (w === 0) continue;
      const p = (crop.y + y) * plateWidth + crop.x + x;
      if (alpha) alpha[p] = Math.round(w * 255);
      const r = ((y - box.y0) * bw + (x - box.x0)) * 3;
      const band = w < 1;
      if (band) sample.bandPixels++;
      for (let c = 0; c < 3; c++) {
        const q = p * 3 + c;
        const raw = resampled[r + c]!;
        const matched = sample.matched ? Math.min(255, Math.max(0, gain[c]! * raw + offset[c]!)) : raw;
        if (band) {
          sample.sumRaw += Math.abs(raw - plate[q]!);
          sample.sumMatched += Math.abs(matched - plate[q]!);
        }
        const value = apply ? matched : raw;
        plate[q] = Math.round(plate[q]! + (value - plate[q]!) * w);
      }
    }
  }
  return sample;
}
