/**
 * Area-weighted unit vertex normals of a triangle mesh, written into `out` (N×3).
 * The face normal of (p0, p1, p2) is (p1 − p0) × (p2 − p0): with the MediaPipe winding
 * and camera axes x right, y down, z forward it points out of the face, towards the camera.
 * A vertex used by no triangle, or only by degenerate ones, gets (0, 0, −1) (facing the camera).
 */
export function vertexNormals(positions: Float32Array, triangles: Uint16Array | Uint32Array, out: Float32Array): void {
  out.fill(0);
  for (let t = 0; t < triangles.length; t += 3) {
    const a = 3 * triangles[t]!;
    const b = 3 * triangles[t + 1]!;
    const c = 3 * triangles[t + 2]!;
    const ax = positions[a]!;
    const ay = positions[a + 1]!;
    const az = positions[a + 2]!;
    const ux = positions[b]! - ax;
    const uy = positions[b + 1]! - ay;
    const uz = positions[b + 2]! - az;
    const vx = positions[c]! - ax;
    const vy = positions[c + 1]! - ay;
    const vz = positions[c + 2]! - az;
    const nx = uy * vz - uz * vy;
    const ny = uz * vx - ux * vz;
    const nz = ux * vy - uy * vx;
    out[a] = out[a]! + nx;
    out[a + 1] = out[a + 1]! + ny;
    out[a + 2] = out[a + 2]! + nz;
    out[b] = out[b]! + nx;
    out[b + 1] = out[b + 1]! + ny;
    out[b + 2] = out[b + 2]! + nz;
    out[c] = out[c]! + nx;
    out[c + 1] = out[c + 1]! + ny;
    out[c + 2] = out[c + 2]! + nz;
  }
  for (let o = 0; o < out.length; o += 3) {
    const x = out[o]!;
    const y = out[o + 1]!;
    const z = out[o + 2]!;
    const length = Math.hypot(x, y, z);
    if (length > 0) {
      out[o] = x / length;
      out[o + 1] = y / length;
      out[o + 2] = z / length;
    } else {
      out[o] = 0;
      out[o + 1] = 0;
      out[o + 2] = -1;
    }
  }
}
