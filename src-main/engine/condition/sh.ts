/**
 * Diffuse shading with 3-band spherical harmonics (paper §4, eq. 3):
 *   colour_c = albedo_c · Σ_{b=0..8} γ[3·b + c] · Y_b(n)
 *
 * Basis: the standard real SH basis with the usual orthonormal normalisation
 * (Ramamoorthi & Hanrahan 2001), evaluated on the unit normal n = (x, y, z):
 *   Y0 = 0.282095
 *   Y1 = 0.488603·y   Y2 = 0.488603·z   Y3 = 0.488603·x
 *   Y4 = 1.092548·x·y Y5 = 1.092548·y·z Y6 = 0.315392·(3z² − 1)
 *   Y7 = 1.092548·x·z Y8 = 0.546274·(x² − y²)
 * The 27 coefficients are band-major with RGB inner (γ_b ∈ R³ as in the paper):
 * index 3·b + c. They are irradiance coefficients (the clamped-cosine convolution is
 * folded in), so the sum is the irradiance directly. Normals are in camera space:
 * x right, y down, z away from the camera, so a surface facing the camera has n_z < 0.
 */
export const SH_BANDS = 3;
export const SH_BASIS_COUNT = SH_BANDS * SH_BANDS;
export const SH_COEFFICIENT_COUNT = 3 * SH_BASIS_COUNT;

const C0 = 0.282095;
const C1 = 0.488603;
const C2 = 1.092548;
const C3 = 0.315392;
const C4 = 0.546274;

/** The nine basis values at unit normal (x, y, z), written into `out` from `offset`. */
export function shBasis(x: number, y: number, z: number, out: Float64Array | Float32Array, offset = 0): void {
  out[offset] = C0;
  out[offset + 1] = C1 * y;
  out[offset + 2] = C1 * z;
  out[offset + 3] = C1 * x;
  out[offset + 4] = C2 * x * y;
  out[offset + 5] = C2 * y * z;
  out[offset + 6] = C3 * (3 * z * z - 1);
  out[offset + 7] = C2 * x * z;
  out[offset + 8] = C4 * (x * x - y * y);
}

/** SH lighting with only the constant band set so that the irradiance is `level` in every channel. */
export function ambientLighting(level: number): Float32Array {
  const sh = new Float32Array(SH_COEFFICIENT_COUNT);
  sh[0] = sh[1] = sh[2] = level / C0;
  return sh;
}

/**
 * Per-vertex diffuse colour: albedo (N×3) × irradiance at the unit normals (N×3)
 * under `sh` (27), clamped to [0, 1], into `out` (N×3).
 */
export function shadeVertices(
  albedo: Float32Array,
  normals: Float32Array,
  sh: ArrayLike<number>,
  out: Float32Array,
): void {
  const count = normals.length / 3;
  const g = new Float64Array(SH_COEFFICIENT_COUNT);
  for (let i = 0; i < SH_COEFFICIENT_COUNT; i++) g[i] = sh[i] ?? 0;
  for (let v = 0; v < count; v++) {
    const o = 3 * v;
    const x = normals[o]!;
    const y = normals[o + 1]!;
    const z = normals[o + 2]!;
    const b1 = C1 * y;
    const b2 = C1 * z;
    const b3 = C1 * x;
    const b4 = C2 * x * y;
    const b5 = C2 * y * z;
    const b6 = C3 * (3 * z * z - 1);
    const b7 = C2 * x * z;
    const b8 = C4 * (x * x - y * y);
    for (let c = 0; c < 3; c++) {
      const irradiance =
        g[c]! * C0 + g[3 + c]! * b1 + g[6 + c]! * b2 + g[9 + c]! * b3 + g[12 + c]! * b4 +
        g[15 + c]! * b5 + g[18 + c]! * b6 + g[21 + c]! * b7 + g[24 + c]! * b8;
      const value = albedo[o + c]! * irradiance;
      out[o + c] = value < 0 ? 0 : value > 1 ? 1 : value;
    }
  }
}
