/** Similarity alignment of 3D point sets (Horn's quaternion method) and frame-building helpers. */
import { symmetricEigen } from './linalg.js';

export interface Similarity {
  scale: number;
  /** Row-major 3×3 rotation. */
  rotation: Float64Array;
  translation: [number, number, number];
}

function centroid(points: ArrayLike<number>, indices: readonly number[]): [number, number, number] {
  let x = 0, y = 0, z = 0;
  for (const i of indices) {
    x += points[3 * i]!;
    y += points[3 * i + 1]!;
    z += points[3 * i + 2]!;
  }
  const n = indices.length;
  return [x / n, y / n, z / n];
}

/** The similarity T minimising Σ‖T(source_i) − target_i‖² over `indices`. */
export function alignSimilarity(source: ArrayLike<number>, target: ArrayLike<number>, indices: readonly number[]): Similarity {
  const cs = centroid(source, indices);
  const ct = centroid(target, indices);
  const M = new Float64Array(9);
  let ss = 0;
  for (const i of indices) {
    const sx = source[3 * i]! - cs[0], sy = source[3 * i + 1]! - cs[1], sz = source[3 * i + 2]! - cs[2];
    const tx = target[3 * i]! - ct[0], ty = target[3 * i + 1]! - ct[1], tz = target[3 * i + 2]! - ct[2];
    M[0] = M[0]! + sx * tx; M[1] = M[1]! + sx * ty; M[2] = M[2]! + sx * tz;
    M[3] = M[3]! + sy * tx; M[4] = M[4]! + sy * ty; M[5] = M[5]! + sy * tz;
    M[6] = M[6]! + sz * tx; M[7] = M[7]! + sz * ty; M[8] = M[8]! + sz * tz;
    ss += sx * sx + sy * sy + sz * sz;
  }
  const [Sxx, Sxy, Sxz, Syx, Syy, Syz, Szx, Szy, Szz] = M as unknown as number[];
  const N = Float64Array.from([
    Sxx! + Syy! + Szz!, Syz! - Szy!, Szx! - Sxz!, Sxy! - Syx!,
    Syz! - Szy!, Sxx! - Syy! - Szz!, Sxy! + Syx!, Szx! + Sxz!,
    Szx! - Sxz!, Sxy! + Syx!, -Sxx! + Syy! - Szz!, Syz! + Szy!,
    Sxy! - Syx!, Szx! + Sxz!, Syz! + Szy!, -Sxx! - Syy! + Szz!,
  ]);
  const { vectors } = symmetricEigen(N, 4);
  const [w, x, y, z] = [vectors[0]!, vectors[1]!, vectors[2]!, vectors[3]!];
  const rotation = Float64Array.from([
    w * w + x * x - y * y - z * z, 2 * (x * y - w * z), 2 * (x * z + w * y),
    2 * (x * y + w * z), w * w - x * x + y * y - z * z, 2 * (y * z - w * x),
    2 * (x * z - w * y), 2 * (y * z + w * x), w * w - x * x - y * y + z * z,
  ]);
  let dot = 0;
  for (const i of indices) {
    const sx = source[3 * i]! - cs[0], sy = source[3 * i + 1]! - cs[1], sz = source[3 * i + 2]! - cs[2];
    const tx = target[3 * i]! - ct[0], ty = target[3 * i + 1]! - ct[1], tz = target[3 * i + 2]! - ct[2];
    dot += tx * (rotation[0]! * sx + rotation[1]! * sy + rotation[2]! * sz)
      + ty * (rotation[3]! * sx + rotation[4]! * sy + rotation[5]! * sz)
      + tz * (rotation[6]! * sx + rotation[7]! * sy + rotation[8]! * sz);
  }
  const scale = ss > 0 ? dot / ss : 1;
  const translation: [number, number, number] = [
    ct[0] - scale * (rotation[0]! * cs[0] + rotation[1]! * cs[1] + rotation[2]! * cs[2]),
    ct[1] - scale * (rotation[3]! * cs[0] + rotation[4]! * cs[1] + rotation[5]! * cs[2]),
    ct[2] - scale * (rotation[6]! * cs[0] + rotation[7]! * cs[1] + rotation[8]! * cs[2]),
  ];
  return { scale, rotation, translation };
}

/** Applies a similarity to every point of a flat xyz array. */
export function applySimilarity(T: Similarity, points: ArrayLike<number>, out = new Float32Array(points.length)): Float32Array {
  const R = T.rotation, s = T.scale, [tx, ty, tz] = T.translation;
  for (let i = 0; i < points.length; i += 3) {
    const x = points[i]!, y = points[i + 1]!, z = points[i + 2]!;
    out[i] = s * (R[0]! * x + R[1]! * y + R[2]! * z) + tx;
    out[i + 1] = s * (R[3]! * x + R[4]! * y + R[5]! * z) + ty;
    out[i + 2] = s * (R[6]! * x + R[7]! * y + R[8]! * z) + tz;
  }
  return out;
}
