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

/**
 * Writes the synthesized crop into `plate` (RGB24, plateWidth × plateHeight, modified in
 * place): bilinear resampling from network size to crop size, blended by `mask`. Pixels
 * outside the crop are never touched. When `alpha` (plateWidth × plateHeight) is given,
 * the blend weights go there too — the matte of a ProRes 4444 render.
 */
export function compositeIntoPlate(
  plate: Uint8Array,
  plateWidth: number,
  synth: SynthesizedCrop,
  crop: ShotCrop,
  mask: Float32Array,
  alpha?: Uint8Array,
): void {
  const { size: n, data } = synth;
  const scale = n / crop.size;
  for (let y = 0; y < crop.size; y++) {
    // Sample at pixel centres: plate pixel centre (y + ½) maps to network coordinate (y + ½)·scale − ½.
    const sy = Math.min(n - 1, Math.max(0, (y + 0.5) * scale - 0.5));
    const y0 = Math.floor(sy);
    const y1 = Math.min(n - 1, y0 + 1);
    const fy = sy - y0;
    const plateRow = (crop.y + y) * plateWidth + crop.x;
    for (let x = 0; x < crop.size; x++) {
      const w = mask[y * crop.size + x]!;
      const p = plateRow + x;
      if (alpha) alpha[p] = Math.round(w * 255);
      if (w === 0) continue;
      const sx = Math.min(n - 1, Math.max(0, (x + 0.5) * scale - 0.5));
      const x0 = Math.floor(sx);
      const x1 = Math.min(n - 1, x0 + 1);
      const fx = sx - x0;
      const i00 = (y0 * n + x0) * 3;
      const i01 = (y0 * n + x1) * 3;
      const i10 = (y1 * n + x0) * 3;
      const i11 = (y1 * n + x1) * 3;
      for (let c = 0; c < 3; c++) {
        const top = data[i00 + c]! + (data[i01 + c]! - data[i00 + c]!) * fx;
        const bottom = data[i10 + c]! + (data[i11 + c]! - data[i10 + c]!) * fx;
        const value = ((top + (bottom - top) * fy + 1) * 255) / 2;
        const q = p * 3 + c;
        plate[q] = Math.round(plate[q]! + (Math.min(255, Math.max(0, value)) - plate[q]!) * w);
      }
    }
  }
}
