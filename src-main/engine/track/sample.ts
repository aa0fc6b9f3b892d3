import { VERTEX_COUNT } from '../face/topology.js';

/** Bilinear RGB samples of an RGB24 image at the first 468 points (x, y, z triples); clamped at the borders. */
export function sampleColours(rgb: Uint8Array, width: number, height: number, points: Float32Array): Uint8Array {
  const out = new Uint8Array(VERTEX_COUNT * 3);
  for (let i = 0; i < VERTEX_COUNT; i++) {
    const x = Math.min(width - 1.001, Math.max(0, points[3 * i]!));
    const y = Math.min(height - 1.001, Math.max(0, points[3 * i + 1]!));
    const x0 = Math.floor(x), y0 = Math.floor(y);
    const fx = x - x0, fy = y - y0;
    const a = (y0 * width + x0) * 3, b = a + 3, c = a + width * 3, d = c + 3;
    for (let ch = 0; ch < 3; ch++) {
      const top = rgb[a + ch]! * (1 - fx) + rgb[b + ch]! * fx;
      const bottom = rgb[c + ch]! * (1 - fx) + rgb[d + ch]! * fx;
      out[3 * i + ch] = Math.round(top * (1 - fy) + bottom * fy);
    }
  }
  return out;
}
