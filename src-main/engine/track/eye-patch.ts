/**
 * One eye resampled into a patch of fixed size: x along the line from the outer to the inner
 * corner, a fixed number of patch pixels across the eye whatever the face's size in the frame,
 * intensity per pixel, and a mask of the visible eye opening (inside the lid margins, eroded so
 * that lashes and the lid line are left out).
 */

export interface EyePatch {
  width: number;
  height: number;
  /** Intensity (0–255) per patch pixel, row-major. */
  values: Float32Array;
  /** 1 where the pixel lies inside the eroded opening. */
  mask: Uint8Array;
  /** Image pixels per patch pixel. */
  scale: number;
  /** Tallest column of the opening (before erosion), in patch pixels. */
  openHeight: number;
  /** Bounds of the eroded opening, whole patch pixels. */
  openLeft: number;
  openRight: number;
  openTop: number;
  openBottom: number;
  /** Image position of a patch position (pixel centres at i + 0.5). */
  toImage(x: number, y: number): [number, number];
}

/** Patch size relative to the eye's width. */
const PATCH_WIDTH_SHARE = 1.4;
const PATCH_HEIGHT_SHARE = 0.8;
/** Erosion of the opening: this much of an image pixel, and at least this many patch pixels. */
const ERODE_IMAGE_PX = 0.75;
const ERODE_MIN_PATCH_PX = 1;

function distanceToSegment(px: number, py: number, ax: number, ay: number, bx: number, by: number): number {
  const dx = bx - ax, dy = by - ay;
  const len2 = dx * dx + dy * dy;
  const t = len2 > 0 ? Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / len2)) : 0;
  return Math.hypot(px - ax - t * dx, py - ay - t * dy);
}

/** Bilinear luma of an RGB24 image at a continuous position (pixel centres at +0.5, as the detector's points), clamped at the borders. */
function luma(rgb: Uint8Array, width: number, height: number, x: number, y: number): number {
  const cx = Math.min(width - 1.001, Math.max(0, x - 0.5)), cy = Math.min(height - 1.001, Math.max(0, y - 0.5));
  const x0 = Math.floor(cx), y0 = Math.floor(cy);
  const fx = cx - x0, fy = cy - y0;
  const at = (xx: number, yy: number): number => {
    const o = (yy * width + xx) * 3;
    return 0.299 * rgb[o]! + 0.587 * rgb[o + 1]! + 0.114 * rgb[o + 2]!;
  };
  const top = at(x0, y0) * (1 - fx) + at(x0 + 1, y0) * fx;
  const bottom = at(x0, y0 + 1) * (1 - fx) + at(x0 + 1, y0 + 1) * fx;
  return top * (1 - fy) + bottom * fy;
}

/**
 * The patch of one eye; `upper` and `lower` are the lid margins' point indices from the outer to the
 * inner corner. Undefined when the eye is degenerate (corners together) or the opening is empty.
 */
export function eyePatch(
  rgb: Uint8Array, width: number, height: number, points: ArrayLike<number>,
  upper: readonly number[], lower: readonly number[], eyeWidth: number,
): EyePatch | undefined {
  const outer = upper[0]!, inner = upper[upper.length - 1]!;
  const ax = points[3 * outer]!, ay = points[3 * outer + 1]!;
  const bx = points[3 * inner]!, by = points[3 * inner + 1]!;
  const span = Math.hypot(bx - ax, by - ay);
  if (!(span > 2)) return undefined;
  const scale = span / eyeWidth;
  const ux = (bx - ax) / span, uy = (by - ay) / span;
  const vx = -uy, vy = ux;
  const ring = [...upper, ...[...lower].reverse().slice(1, -1)];
  let mx = 0, my = 0;
  for (const p of ring) {
    mx += points[3 * p]! / ring.length;
    my += points[3 * p + 1]! / ring.length;
  }
  const pw = Math.round(PATCH_WIDTH_SHARE * eyeWidth), ph = Math.round(PATCH_HEIGHT_SHARE * eyeWidth);
  const toImage = (x: number, y: number): [number, number] => {
    const s = (x - pw / 2) * scale, t = (y - ph / 2) * scale;
    return [mx + s * ux + t * vx, my + s * uy + t * vy];
  };
  // The lid polygon in patch coordinates.
  const poly = ring.map((p) => {
    const dx = points[3 * p]! - mx, dy = points[3 * p + 1]! - my;
    return [(dx * ux + dy * uy) / scale + pw / 2, (dx * vx + dy * vy) / scale + ph / 2] as const;
  });
  const erode = Math.max(ERODE_MIN_PATCH_PX, ERODE_IMAGE_PX / scale);
  const values = new Float32Array(pw * ph);
  const mask = new Uint8Array(pw * ph);
  // Supersample when a patch pixel covers more than one image pixel.
  const sub = Math.max(1, Math.ceil(scale));
  let openHeight = 0, openLeft = pw, openRight = -1, openTop = ph, openBottom = -1;
  for (let x = 0; x < pw; x++) {
    let column = 0;
    for (let y = 0; y < ph; y++) {
      const cx = x + 0.5, cy = y + 0.5;
      let inside = false;
      for (let i = 0, j = poly.length - 1; i < poly.length; j = i++) {
        const [xi, yi] = poly[i]!, [xj, yj] = poly[j]!;
        if (yi > cy !== yj > cy && cx < ((xj - xi) * (cy - yi)) / (yj - yi) + xi) inside = !inside;
      }
      let sum = 0;
      for (let sy = 0; sy < sub; sy++) {
        for (let sx = 0; sx < sub; sx++) {
          const [ix, iy] = toImage(x + (sx + 0.5) / sub, y + (sy + 0.5) / sub);
          sum += luma(rgb, width, height, ix, iy);
        }
      }
      values[y * pw + x] = sum / (sub * sub);
      if (!inside) continue;
      column++;
      let edge = Infinity;
      for (let i = 0, j = poly.length - 1; i < poly.length; j = i++) edge = Math.min(edge, distanceToSegment(cx, cy, poly[i]![0], poly[i]![1], poly[j]![0], poly[j]![1]));
      if (edge < erode) continue;
      mask[y * pw + x] = 1;
      openLeft = Math.min(openLeft, x); openRight = Math.max(openRight, x);
      openTop = Math.min(openTop, y); openBottom = Math.max(openBottom, y);
    }
    openHeight = Math.max(openHeight, column);
  }
  if (openRight < 0) return undefined;
  return { width: pw, height: ph, values, mask, scale, openHeight, openLeft, openRight, openTop, openBottom, toImage };
}
