/** Measurements on rendered conditioning images, shared by the tracked-frame tests. */
import { CHANNELS_PER_FRAME, Region, type ConditionRenderer } from '../../src-main/engine/condition/frame-renderer.js';

/** Convex hull (Andrew's monotone chain) of points (x, y pairs), counter-clockwise in y-up terms. */
export function convexHull(points: ArrayLike<number>, count: number): [number, number][] {
  const p: [number, number][] = [];
  for (let i = 0; i < count; i++) p.push([points[2 * i]!, points[2 * i + 1]!]);
  p.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const cross = (o: [number, number], a: [number, number], b: [number, number]): number => (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0]);
  const lower: [number, number][] = [];
  for (const q of p) {
    while (lower.length >= 2 && cross(lower[lower.length - 2]!, lower[lower.length - 1]!, q) <= 0) lower.pop();
    lower.push(q);
  }
  const upper: [number, number][] = [];
  for (const q of [...p].reverse()) {
    while (upper.length >= 2 && cross(upper[upper.length - 2]!, upper[upper.length - 1]!, q) <= 0) upper.pop();
    upper.push(q);
  }
  return [...lower.slice(0, -1), ...upper.slice(0, -1)];
}

/** Pixels (centres) inside a convex polygon, as a mask. */
export function polygonMask(polygon: [number, number][], width: number, height: number): Uint8Array {
  const mask = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const px = x + 0.5;
      const py = y + 0.5;
      let positive = 0;
      let negative = 0;
      for (let i = 0; i < polygon.length; i++) {
        const a = polygon[i]!;
        const b = polygon[(i + 1) % polygon.length]!;
        const c = (b[0] - a[0]) * (py - a[1]) - (b[1] - a[1]) * (px - a[0]);
        if (c > 0) positive++;
        else if (c < 0) negative++;
      }
      if (positive === 0 || negative === 0) mask[y * width + x] = 1;
    }
  }
  return mask;
}

export function iou(a: Uint8Array, b: Uint8Array): number {
  let both = 0;
  let either = 0;
  for (let i = 0; i < a.length; i++) {
    if (a[i] && b[i]) both++;
    if (a[i] || b[i]) either++;
  }
  return either === 0 ? 0 : both / either;
}

/** The rendered face (any visible triangle) as a mask. */
export function faceMask(renderer: ConditionRenderer): Uint8Array {
  return Uint8Array.from(renderer.visibility.triangle, (t) => (t >= 0 ? 1 : 0));
}

export interface EyeStats {
  /** Pure white pixels of each eye (left, right: the subject's). */
  white: [number, number];
  /** Pixels fully covered by a pupil disc, and their centroid, per eye. */
  blue: [number, number];
  pupil: [[number, number], [number, number]];
}

/** Counts the eye image's white and blue pixels per eye (which eye: from the visible triangle's region). */
export function eyeStats(renderer: ConditionRenderer, channels: Float32Array): EyeStats {
  const { width } = renderer;
  const stats: EyeStats = { white: [0, 0], blue: [0, 0], pupil: [[0, 0], [0, 0]] };
  const triangle = renderer.visibility.triangle;
  for (let p = 0; p < triangle.length; p++) {
    const t = triangle[p]!;
    if (t < 0) continue;
    const region = renderer.topology.regionOfTriangle[t];
    if (region !== Region.LeftEye && region !== Region.RightEye) continue;
    const eye = region === Region.LeftEye ? 0 : 1;
    const o = p * CHANNELS_PER_FRAME + 6;
    const r = channels[o]!;
    if (r === 1) stats.white[eye]++;
    if (r === -1) {
      stats.blue[eye]++;
      stats.pupil[eye][0] += (p % width) + 0.5;
      stats.pupil[eye][1] += Math.floor(p / width) + 0.5;
    }
  }
  for (const eye of [0, 1] as const) {
    const n = Math.max(1, stats.blue[eye]);
    stats.pupil[eye] = [stats.pupil[eye][0] / n, stats.pupil[eye][1] / n];
  }
  return stats;
}

export interface UvSurface {
  triangles: Uint16Array | Uint32Array;
  uv: Float32Array;
}

/**
 * Finds the surface point whose UV is (u, v): the triangle containing it in the UV map (an
 * injective layout) and its barycentric weights there. Undefined outside the map.
 */
export function locateUv(surface: UvSurface, u: number, v: number): { triangle: number; weights: [number, number, number] } | undefined {
  const { triangles, uv } = surface;
  let best: { triangle: number; weights: [number, number, number] } | undefined;
  let bestMin = -1e-3;
  for (let t = 0; t < triangles.length / 3; t++) {
    const a = 2 * triangles[3 * t]!;
    const b = 2 * triangles[3 * t + 1]!;
    const c = 2 * triangles[3 * t + 2]!;
    const x0 = uv[a]!, y0 = uv[a + 1]!, x1 = uv[b]!, y1 = uv[b + 1]!, x2 = uv[c]!, y2 = uv[c + 1]!;
    const det = (x1 - x0) * (y2 - y0) - (y1 - y0) * (x2 - x0);
    if (det === 0) continue;
    const w1 = ((u - x0) * (y2 - y0) - (v - y0) * (x2 - x0)) / det;
    const w2 = ((x1 - x0) * (v - y0) - (y1 - y0) * (u - x0)) / det;
    const w0 = 1 - w1 - w2;
    const lowest = Math.min(w0, w1, w2);
    if (lowest > bestMin) {
      bestMin = lowest;
      best = { triangle: t, weights: [w0, w1, w2] };
    }
  }
  return best;
}
