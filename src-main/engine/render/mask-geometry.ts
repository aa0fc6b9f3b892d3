/** Plane geometry of the region masks: the hull of a part's points, and the distance transform that dilates and feathers it. */

/** The convex hull (counter-clockwise, no collinear points) of 2D points given as x, y pairs. */
export function convexHull(xy: Float64Array, count: number): number[] {
  const order = Array.from({ length: count }, (_, i) => i).sort((a, b) => xy[2 * a]! - xy[2 * b]! || xy[2 * a + 1]! - xy[2 * b + 1]!);
  const cross = (o: number, a: number, b: number): number =>
    (xy[2 * a]! - xy[2 * o]!) * (xy[2 * b + 1]! - xy[2 * o + 1]!) - (xy[2 * a + 1]! - xy[2 * o + 1]!) * (xy[2 * b]! - xy[2 * o]!);
  const lower: number[] = [];
  for (const p of order) {
    while (lower.length >= 2 && cross(lower[lower.length - 2]!, lower[lower.length - 1]!, p) <= 0) lower.pop();
    lower.push(p);
  }
  const upper: number[] = [];
  for (let i = order.length - 1; i >= 0; i--) {
    const p = order[i]!;
    while (upper.length >= 2 && cross(upper[upper.length - 2]!, upper[upper.length - 1]!, p) <= 0) upper.pop();
    upper.push(p);
  }
  return lower.slice(0, -1).concat(upper.slice(0, -1));
}

/** The value of a pixel that is not a seed of the distance transform. */
export const FAR = 1e20;

/** Felzenszwalb–Huttenlocher 1D squared distance transform of f[0..n) (in place via `out`). */
function distance1d(f: Float64Array, n: number, out: Float64Array, v: Int32Array, z: Float64Array): void {
  let k = 0;
  v[0] = 0;
  z[0] = -Infinity;
  z[1] = Infinity;
  for (let q = 1; q < n; q++) {
    const fq = f[q]! + q * q;
    let s = (fq - (f[v[k]!]! + v[k]! * v[k]!)) / (2 * q - 2 * v[k]!);
    while (s <= z[k]!) {
      k--;
      s = (fq - (f[v[k]!]! + v[k]! * v[k]!)) / (2 * q - 2 * v[k]!);
    }
    k++;
    v[k] = q;
    z[k] = s;
    z[k + 1] = Infinity;
  }
  k = 0;
  for (let q = 0; q < n; q++) {
    while (z[k + 1]! < q) k++;
    const d = q - v[k]!;
    out[q] = d * d + f[v[k]!]!;
  }
}

/**
 * In place: each cell of the width×height grid (0 at the seeds, FAR elsewhere) becomes its
 * squared Euclidean distance in cells to the nearest seed (columns, then rows).
 */
export function squaredDistanceTransform(grid: Float64Array, width: number, height: number): void {
  const longest = Math.max(width, height);
  const line = new Float64Array(longest);
  const result = new Float64Array(longest);
  const v = new Int32Array(longest);
  const z = new Float64Array(longest + 1);
  for (let x = 0; x < width; x++) {
    for (let y = 0; y < height; y++) line[y] = grid[y * width + x]!;
    distance1d(line, height, result, v, z);
    for (let y = 0; y < height; y++) grid[y * width + x] = result[y]!;
  }
  for (let y = 0; y < height; y++) {
    const row = grid.subarray(y * width, (y + 1) * width);
    distance1d(row, width, result, v, z);
    row.set(result.subarray(0, width));
  }
}
