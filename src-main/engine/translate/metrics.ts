/**
 * Image quality against ground truth, on RGB images in [−1, 1] mapped to [0, 1]:
 * PSNR (peak 1), SSIM (Wang et al. 2004: 11×11 Gaussian window, σ = 1.5, K1 = 0.01,
 * K2 = 0.03, mean over pixels and channels) and mean absolute error.
 */

export interface ImageScores {
  psnr: number;
  ssim: number;
  l1: number;
}

function gaussianKernel(radius: number, sigma: number): Float32Array {
  const k = new Float32Array(2 * radius + 1);
  let sum = 0;
  for (let i = -radius; i <= radius; i++) sum += k[i + radius] = Math.exp(-(i * i) / (2 * sigma * sigma));
  for (let i = 0; i < k.length; i++) k[i]! /= sum;
  return k;
}

const KERNEL = gaussianKernel(5, 1.5);

/** Separable Gaussian blur of one channel (edges clamped). */
function blur(src: Float32Array, width: number, height: number): Float32Array {
  const r = (KERNEL.length - 1) / 2;
  const tmp = new Float32Array(src.length);
  const out = new Float32Array(src.length);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let s = 0;
      for (let i = -r; i <= r; i++) s += KERNEL[i + r]! * src[y * width + Math.min(width - 1, Math.max(0, x + i))]!;
      tmp[y * width + x] = s;
    }
  }
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let s = 0;
      for (let i = -r; i <= r; i++) s += KERNEL[i + r]! * tmp[Math.min(height - 1, Math.max(0, y + i)) * width + x]!;
      out[y * width + x] = s;
    }
  }
  return out;
}

/**
 * `mask` (one weight in [0, 1] per pixel): scores inside it only — weighted squared and
 * absolute errors, and the SSIM map averaged under the same weights (its windows still see
 * the pixels around the mask).
 */
export function scoreImage(output: Float32Array, truth: Float32Array, width: number, height: number, mask?: Float32Array): ImageScores {
  const n = width * height;
  let squared = 0;
  let absolute = 0;
  let weightSum = 0;
  for (let p = 0; p < n; p++) {
    const w = mask ? mask[p]! : 1;
    weightSum += w;
    for (let c = 0; c < 3; c++) {
      const d = (output[3 * p + c]! - truth[3 * p + c]!) / 2;
      squared += w * d * d;
      absolute += w * Math.abs(d);
    }
  }
  const mse = squared / (3 * weightSum);
  const c1 = 0.01 ** 2;
  const c2 = 0.03 ** 2;
  let ssim = 0;
  for (let c = 0; c < 3; c++) {
    const a = new Float32Array(n);
    const b = new Float32Array(n);
    for (let p = 0; p < n; p++) {
      a[p] = (output[p * 3 + c]! + 1) / 2;
      b[p] = (truth[p * 3 + c]! + 1) / 2;
    }
    const aa = new Float32Array(n);
    const bb = new Float32Array(n);
    const ab = new Float32Array(n);
    for (let p = 0; p < n; p++) {
      aa[p] = a[p]! * a[p]!;
      bb[p] = b[p]! * b[p]!;
      ab[p] = a[p]! * b[p]!;
    }
    const [ma, mb, saa, sbb, sab] = [a, b, aa, bb, ab].map((x) => blur(x, width, height)) as [Float32Array, Float32Array, Float32Array, Float32Array, Float32Array];
    for (let p = 0; p < n; p++) {
      const va = saa[p]! - ma[p]! * ma[p]!;
      const vb = sbb[p]! - mb[p]! * mb[p]!;
      const cov = sab[p]! - ma[p]! * mb[p]!;
      ssim += (mask ? mask[p]! : 1) * (((2 * ma[p]! * mb[p]! + c1) * (2 * cov + c2)) / ((ma[p]! ** 2 + mb[p]! ** 2 + c1) * (va + vb + c2)));
    }
  }
  return { psnr: mse === 0 ? Infinity : 10 * Math.log10(1 / mse), ssim: ssim / (3 * weightSum), l1: absolute / (3 * weightSum) };
}

export function meanScores(scores: ImageScores[]): ImageScores {
  const sum = { psnr: 0, ssim: 0, l1: 0 };
  for (const s of scores) {
    sum.psnr += s.psnr;
    sum.ssim += s.ssim;
    sum.l1 += s.l1;
  }
  const k = Math.max(1, scores.length);
  return { psnr: sum.psnr / k, ssim: sum.ssim / k, l1: sum.l1 / k };
}
