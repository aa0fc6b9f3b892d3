/** Synthetic meshes whose projections can be computed exactly, for the renderer tests. */

export interface Camera {
  fx: number;
  fy: number;
  cx: number;
  cy: number;
}

export interface Mesh {
  /** Camera space, N×3 (x right, y down, z forward). */
  positions: Float32Array;
  triangles: Uint32Array;
  uv: Float32Array;
}

/** Pinhole projection into pixels (continuous coordinates), depth kept as z. */
export function project(camera: Camera, positions: Float32Array): Float32Array {
  const out = new Float32Array(positions.length);
  for (let o = 0; o < positions.length; o += 3) {
    const z = positions[o + 2]!;
    out[o] = camera.fx * (positions[o]! / z) + camera.cx;
    out[o + 1] = camera.fy * (positions[o + 1]! / z) + camera.cy;
    out[o + 2] = z;
  }
  return out;
}

/**
 * A UV sphere of `radius` centred at `centre`, wound so that (p1 − p0) × (p2 − p0) points
 * outwards (as the face topology is). uv = (longitude, latitude) / (2π, π).
 */
export function sphere(centre: [number, number, number], radius: number, rings = 24, segments = 32): Mesh {
  const positions: number[] = [];
  const uv: number[] = [];
  for (let r = 0; r <= rings; r++) {
    const theta = (Math.PI * r) / rings;
    for (let s = 0; s <= segments; s++) {
      const phi = (2 * Math.PI * s) / segments;
      positions.push(
        centre[0] + radius * Math.sin(theta) * Math.cos(phi),
        centre[1] - radius * Math.cos(theta),
        centre[2] + radius * Math.sin(theta) * Math.sin(phi),
      );
      uv.push(s / segments, r / rings);
    }
  }
  const triangles: number[] = [];
  const row = segments + 1;
  for (let r = 0; r < rings; r++) {
    for (let s = 0; s < segments; s++) {
      const a = r * row + s;
      const b = a + 1;
      const c = a + row;
      const d = c + 1;
      if (r > 0) triangles.push(a, c, b);
      if (r < rings - 1) triangles.push(b, c, d);
    }
  }
  return { positions: Float32Array.from(positions), triangles: Uint32Array.from(triangles), uv: Float32Array.from(uv) };
}

/** A flat quad (two triangles) from its four corners in order. */
export function quad(corners: [number, number, number][]): Mesh {
  return {
    positions: Float32Array.from(corners.flat()),
    triangles: Uint32Array.from([0, 1, 2, 0, 2, 3]),
    uv: Float32Array.from([0, 0, 1, 0, 1, 1, 0, 1]),
  };
}
