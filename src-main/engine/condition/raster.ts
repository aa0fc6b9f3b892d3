/**
 * A deterministic software rasteriser for small triangle meshes (the 880-triangle face
 * mesh). It fills a visibility buffer — per pixel the nearest triangle and the
 * perspective-correct barycentric weights of its vertices — from which any per-vertex
 * attribute can be interpolated afterwards (see `frame-renderer.ts`).
 *
 * Conventions: pixel (i, j) covers [i, i+1) × [j, j+1), its sample point is its centre
 * (i + 0.5, j + 0.5); x right, y down. Vertex positions are snapped to 1/256 pixel, so
 * edge functions are exact integers (held in doubles, exact up to 2^53) and coverage
 * follows the top-left fill rule exactly: two triangles sharing an edge never both
 * cover, and never both miss, a pixel centre on that edge. Depth: z is the camera-space
 * depth (> 0); 1/z is interpolated linearly in screen space and the larger wins, ties
 * keep the earlier triangle. Everything is plain double arithmetic in a fixed order,
 * so a re-run is bit-identical.
 */
export const SUBPIXEL_BITS = 8;
const SUB = 1 << SUBPIXEL_BITS;
const HALF = SUB >> 1;
/** Vertices further than this from the origin (in pixels) are treated as invalid. */
const MAX_COORDINATE = 1 << 20;

export class VisibilityBuffer {
  /** Index of the visible triangle (position in the triangle list / 3), −1 where empty. */
  readonly triangle: Int32Array;
  /** 1/z of the visible surface, 0 where empty. */
  readonly inverseDepth: Float64Array;
  /** Perspective-correct weights of the triangle's second and third vertex (the first is 1 − w1 − w2). */
  readonly weight1: Float32Array;
  readonly weight2: Float32Array;
  /** Per row y: the first and last pixel any triangle covered, at [2y] and [2y + 1] (first > last: none). */
  readonly rowSpans: Int32Array;

  constructor(readonly width: number, readonly height: number) {
    const size = width * height;
    this.triangle = new Int32Array(size);
    this.inverseDepth = new Float64Array(size);
    this.weight1 = new Float32Array(size);
    this.weight2 = new Float32Array(size);
    this.rowSpans = new Int32Array(2 * height);
    this.clear();
  }

  clear(): void {
    this.triangle.fill(-1);
    this.inverseDepth.fill(0);
    for (let y = 0; y < this.height; y++) {
      this.rowSpans[2 * y] = this.width;
      this.rowSpans[2 * y + 1] = -1;
    }
  }
}

export interface RasterOptions {
  /**
   * Sign of the screen-space signed area (x right, y down) of a triangle that faces the
   * camera; triangles of the other sign are culled. 0 draws both. The MediaPipe face
   * topology faces the camera with sign −1.
   */
  frontFaceSign?: 1 | -1 | 0;
  /** Triangles with a vertex at depth ≤ near are skipped (no clipping is done). */
  near?: number;
}

/**
 * Draws `triangles` (vertex index triples) of `positions` (N×3: x, y in pixels of the
 * buffer, z camera depth) into `target`, keeping what is already there where it is nearer.
 */
export function rasterize(
  target: VisibilityBuffer,
  positions: Float32Array,
  triangles: Uint16Array | Uint32Array,
  options: RasterOptions = {},
): void {
  const frontFaceSign = options.frontFaceSign ?? 0;
  const near = options.near ?? 1e-6;
  const { width, height, triangle: triangleBuffer, inverseDepth, weight1, weight2, rowSpans } = target;

  for (let t = 0, id = 0; t + 2 < triangles.length; t += 3, id++) {
    const i0 = 3 * triangles[t]!;
    const i1 = 3 * triangles[t + 1]!;
    const i2 = 3 * triangles[t + 2]!;
    const z0 = positions[i0 + 2]!;
    let z1 = positions[i1 + 2]!;
    let z2 = positions[i2 + 2]!;
    if (!(z0 > near && z1 > near && z2 > near)) continue;
    const fx0 = positions[i0]!;
    const fy0 = positions[i0 + 1]!;
    const fx1 = positions[i1]!;
    const fy1 = positions[i1 + 1]!;
    const fx2 = positions[i2]!;
    const fy2 = positions[i2 + 1]!;
    if (
      !(Math.abs(fx0) < MAX_COORDINATE && Math.abs(fy0) < MAX_COORDINATE &&
        Math.abs(fx1) < MAX_COORDINATE && Math.abs(fy1) < MAX_COORDINATE &&
        Math.abs(fx2) < MAX_COORDINATE && Math.abs(fy2) < MAX_COORDINATE)
    ) continue;

    const x0 = Math.round(fx0 * SUB);
    const y0 = Math.round(fy0 * SUB);
    let x1 = Math.round(fx1 * SUB);
    let y1 = Math.round(fy1 * SUB);
    let x2 = Math.round(fx2 * SUB);
    let y2 = Math.round(fy2 * SUB);
    let area = (x1 - x0) * (y2 - y0) - (y1 - y0) * (x2 - x0);
    if (area === 0) continue;
    if (frontFaceSign !== 0 && (area > 0 ? 1 : -1) !== frontFaceSign) continue;
    // Work on a positively oriented triangle; remember the swap to report weights in the caller's vertex order.
    const swapped = area < 0;
    if (swapped) {
      let s = x1; x1 = x2; x2 = s;
      s = y1; y1 = y2; y2 = s;
      s = z1; z1 = z2; z2 = s;
      area = -area;
    }

    const minX = Math.max(0, Math.ceil((Math.min(x0, x1, x2) - HALF) / SUB));
    const maxX = Math.min(width - 1, Math.floor((Math.max(x0, x1, x2) - HALF) / SUB));
    const minY = Math.max(0, Math.ceil((Math.min(y0, y1, y2) - HALF) / SUB));
    const maxY = Math.min(height - 1, Math.floor((Math.max(y0, y1, y2) - HALF) / SUB));
    if (minX > maxX || minY > maxY) continue;

    // Edge k is opposite vertex k: E_ab(P) = (xb − xa)(Py − ya) − (yb − ya)(Px − xa), ≥ 0 inside.
    // Top-left rule: an edge that is neither top (horizontal, going right) nor left (going up)
    // excludes centres exactly on it, by testing E − 1 ≥ 0 (E is an integer).
    const bias0 = (y1 === y2 && x2 > x1) || y2 < y1 ? 0 : 1;
    const bias1 = (y2 === y0 && x0 > x2) || y0 < y2 ? 0 : 1;
    const bias2 = (y0 === y1 && x1 > x0) || y1 < y0 ? 0 : 1;
    const px = minX * SUB + HALF;
    const py = minY * SUB + HALF;
    let row0 = (x2 - x1) * (py - y1) - (y2 - y1) * (px - x1) - bias0;
    let row1 = (x0 - x2) * (py - y2) - (y0 - y2) * (px - x2) - bias1;
    let row2 = (x1 - x0) * (py - y0) - (y1 - y0) * (px - x0) - bias2;
    const stepX0 = (y1 - y2) * SUB;
    const stepX1 = (y2 - y0) * SUB;
    const stepX2 = (y0 - y1) * SUB;
    const stepY0 = (x2 - x1) * SUB;
    const stepY1 = (x0 - x2) * SUB;
    const stepY2 = (x1 - x0) * SUB;
    const iz0 = 1 / z0;
    const iz1 = 1 / z1;
    const iz2 = 1 / z2;
    const inverseArea = 1 / area;

    for (let y = minY; y <= maxY; y++, row0 += stepY0, row1 += stepY1, row2 += stepY2) {
      // The covered span of this row: where every (biased) edge function is ≥ 0.
      let first = 0;
      let last = maxX - minX;
      if (stepX0 > 0) { if (row0 < 0) first = Math.max(first, Math.ceil(-row0 / stepX0)); }
      else if (stepX0 < 0) { if (row0 < 0) continue; last = Math.min(last, Math.floor(row0 / -stepX0)); }
      else if (row0 < 0) continue;
      if (stepX1 > 0) { if (row1 < 0) first = Math.max(first, Math.ceil(-row1 / stepX1)); }
      else if (stepX1 < 0) { if (row1 < 0) continue; last = Math.min(last, Math.floor(row1 / -stepX1)); }
      else if (row1 < 0) continue;
      if (stepX2 > 0) { if (row2 < 0) first = Math.max(first, Math.ceil(-row2 / stepX2)); }
      else if (stepX2 < 0) { if (row2 < 0) continue; last = Math.min(last, Math.floor(row2 / -stepX2)); }
      else if (row2 < 0) continue;
      // Floating division can only widen the span (by rounding a quotient onto an integer);
      // narrow it back with the exact integer edge values.
      while (first <= last && (row0 + first * stepX0 < 0 || row1 + first * stepX1 < 0 || row2 + first * stepX2 < 0)) first++;
      while (last >= first && (row0 + last * stepX0 < 0 || row1 + last * stepX1 < 0 || row2 + last * stepX2 < 0)) last--;
      if (first > last) continue;
      if (minX + first < rowSpans[2 * y]!) rowSpans[2 * y] = minX + first;
      if (minX + last > rowSpans[2 * y + 1]!) rowSpans[2 * y + 1] = minX + last;

      let w0 = row0 + first * stepX0 + bias0;
      let w1 = row1 + first * stepX1 + bias1;
      let w2 = row2 + first * stepX2 + bias2;
      const end = y * width + minX + last;
      for (let p = y * width + minX + first; p <= end; p++) {
        const q0 = w0 * iz0;
        const q1 = w1 * iz1;
        const q2 = w2 * iz2;
        const sum = q0 + q1 + q2;
        const depth = sum * inverseArea;
        if (depth > inverseDepth[p]!) {
          const normalise = 1 / sum;
          inverseDepth[p] = depth;
          triangleBuffer[p] = id;
          weight1[p] = (swapped ? q2 : q1) * normalise;
          weight2[p] = (swapped ? q1 : q2) * normalise;
        }
        w0 += stepX0;
        w1 += stepX1;
        w2 += stepX2;
      }
    }
  }
}
