/**
 * Spherical-harmonics lighting, 3 bands (paper eq. 3): shading(n) = Σ_k γ_k·Y_k(n) per channel.
 * Real SH in camera space, order k: Y00, Y1−1 (y), Y10 (z), Y11 (x), Y2−2 (xy), Y2−1 (yz),
 * Y20 (3z²−1), Y21 (xz), Y22 (x²−y²). Coefficients are stored as 3·k + channel.
 */

export const SH_BANDS = 9;

/** Writes the 9 basis values at unit normal (x, y, z) into out[offset…]. */
export function shBasis(x: number, y: number, z: number, out: Float64Array | Float32Array, offset = 0): void {
  out[offset] = 0.282095;
  out[offset + 1] = 0.488603 * y;
  out[offset + 2] = 0.488603 * z;
  out[offset + 3] = 0.488603 * x;
  out[offset + 4] = 1.092548 * x * y;
  out[offset + 5] = 1.092548 * y * z;
  out[offset + 6] = 0.315392 * (3 * z * z - 1);
  out[offset + 7] = 1.092548 * x * z;
  out[offset + 8] = 0.546274 * (x * x - y * y);
}

const scratch = new Float64Array(SH_BANDS);

/** RGB shading at unit normal n under coefficients sh (27 values), written to out[offset…offset+2]. */
export function shade(sh: ArrayLike<number>, x: number, y: number, z: number, out: Float32Array | Float64Array, offset = 0): void {
  shBasis(x, y, z, scratch);
  let r = 0, g = 0, b = 0;
  for (let k = 0; k < SH_BANDS; k++) {
    const y_k = scratch[k]!;
    r += sh[3 * k]! * y_k;
    g += sh[3 * k + 1]! * y_k;
    b += sh[3 * k + 2]! * y_k;
  }
  out[offset] = r;
  out[offset + 1] = g;
  out[offset + 2] = b;
}
