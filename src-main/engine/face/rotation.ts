/**
 * Head rotation: Euler angles (yaw, pitch, roll) ↔ row-major 3×3 matrices,
 * R = Ry(yaw)·Rx(−pitch)·Rz(roll) in the y-down camera frame, so that pitch > 0 tilts the face up.
 */

export type Mat3 = Float64Array;

export function rotationMatrix(yaw: number, pitch: number, roll: number, out: Mat3 = new Float64Array(9)): Mat3 {
  // Pitch > 0 tilts the face up: with y pointing down that is a negative rotation about x.
  const cy = Math.cos(yaw), sy = Math.sin(yaw);
  const cp = Math.cos(-pitch), sp = Math.sin(-pitch);
  const cr = Math.cos(roll), sr = Math.sin(roll);
  // Ry · Rx
  const a00 = cy, a01 = sy * sp, a02 = sy * cp;
  const a10 = 0, a11 = cp, a12 = -sp;
  const a20 = -sy, a21 = cy * sp, a22 = cy * cp;
  // (Ry·Rx) · Rz
  out[0] = a00 * cr + a01 * sr; out[1] = -a00 * sr + a01 * cr; out[2] = a02;
  out[3] = a10 * cr + a11 * sr; out[4] = -a10 * sr + a11 * cr; out[5] = a12;
  out[6] = a20 * cr + a21 * sr; out[7] = -a20 * sr + a21 * cr; out[8] = a22;
  return out;
}

/** Inverse of rotationMatrix for a proper rotation (pitch in (−90°, 90°)). */
export function eulerFromMatrix(m: ArrayLike<number>): [yaw: number, pitch: number, roll: number] {
  // m = Ry(yaw)·Rx(−pitch)·Rz(roll): m[5] = −sin(−pitch) = sin(pitch).
  const sp = Math.max(-1, Math.min(1, m[5]!));
  const pitch = Math.asin(sp);
  const yaw = Math.atan2(m[2]!, m[8]!);
  const roll = Math.atan2(m[3]!, m[4]!);
  return [yaw, pitch, roll];
}

export function multiply(a: ArrayLike<number>, b: ArrayLike<number>, out: Mat3 = new Float64Array(9)): Mat3 {
  for (let r = 0; r < 3; r++) {
    for (let c = 0; c < 3; c++) out[3 * r + c] = a[3 * r]! * b[c]! + a[3 * r + 1]! * b[3 + c]! + a[3 * r + 2]! * b[6 + c]!;
  }
  return out;
}

/** Rotation by the axis-angle vector w (Rodrigues). */
export function axisAngleMatrix(wx: number, wy: number, wz: number, out: Mat3 = new Float64Array(9)): Mat3 {
  const theta = Math.hypot(wx, wy, wz);
  if (theta < 1e-12) {
    out.set([1, -wz, wy, wz, 1, -wx, -wy, wx, 1]);
    return out;
  }
  const x = wx / theta, y = wy / theta, z = wz / theta;
  const c = Math.cos(theta), s = Math.sin(theta), t = 1 - c;
  out[0] = t * x * x + c; out[1] = t * x * y - s * z; out[2] = t * x * z + s * y;
  out[3] = t * x * y + s * z; out[4] = t * y * y + c; out[5] = t * y * z - s * x;
  out[6] = t * x * z - s * y; out[7] = t * y * z + s * x; out[8] = t * z * z + c;
  return out;
}
