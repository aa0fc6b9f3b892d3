import { DvpError } from '../../shared/errors.js';

/** An axis-aligned box in plate pixels: [x0, x1) × [y0, y1). */
export interface Box {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

/** The shot's fixed square window in plate pixels (whole pixels, inside the plate). */
export interface ShotCrop {
  x: number;
  y: number;
  size: number;
}

export interface ShotCropOptions {
  /** Side of the square as a multiple of the larger side of the union face box. */
  margin?: number;
  /** Where the union face box's centre sits, as a fraction of the square's height from its top (below 0.5 leaves room for the shoulders). */
  faceCentreHeight?: number;
}

export const DEFAULT_CROP_MARGIN = 2;
export const DEFAULT_FACE_CENTRE_HEIGHT = 0.45;

/**
 * Chooses one fixed square window for a whole shot from the per-frame face boxes (null
 * where no face was tracked): the union of the boxes — after dropping boxes whose size or
 * position is far from the shot's median, so one bad detection cannot blow up the crop —
 * widened by `margin` around head and shoulders, then moved (and if need be shrunk) to lie
 * inside the plate. Because it is fixed, the background does not move in the crop; the
 * training targets are cut with the same window and the generated frames go back into it.
 */
export function chooseShotCrop(boxes: readonly (Box | null)[], plate: { width: number; height: number }, options: ShotCropOptions = {}): ShotCrop {
  const margin = options.margin ?? DEFAULT_CROP_MARGIN;
  const faceCentreHeight = options.faceCentreHeight ?? DEFAULT_FACE_CENTRE_HEIGHT;
  if (!(margin >= 1) || !(faceCentreHeight > 0 && faceCentreHeight < 1)) {
    throw new DvpError('INVALID_ARGUMENT', `The crop margin must be at least 1 and the face centre height between 0 and 1 (got ${margin} and ${faceCentreHeight}).`);
  }
  const valid = boxes.filter((b): b is Box => b !== null && b.x1 > b.x0 && b.y1 > b.y0 && [b.x0, b.y0, b.x1, b.y1].every(Number.isFinite));
  if (valid.length === 0) throw new DvpError('NO_FACE', 'No tracked frame of the shot has a face, so no crop can be chosen around it.');

  const kept = withoutOutliers(valid);
  const union = kept.reduce((u, b) => ({ x0: Math.min(u.x0, b.x0), y0: Math.min(u.y0, b.y0), x1: Math.max(u.x1, b.x1), y1: Math.max(u.y1, b.y1) }));
  const limit = Math.min(plate.width, plate.height);
  const size = Math.max(1, Math.min(limit, Math.round(margin * Math.max(union.x1 - union.x0, union.y1 - union.y0))));
  const centreX = (union.x0 + union.x1) / 2;
  const centreY = (union.y0 + union.y1) / 2;
  const x = clamp(Math.round(centreX - size / 2), 0, plate.width - size);
  const y = clamp(Math.round(centreY - faceCentreHeight * size), 0, plate.height - size);
  return { x, y, size };
}

/** Keeps the boxes whose size is within ±50 % of the median size and whose centre is within one median size of the median centre. */
function withoutOutliers(boxes: Box[]): Box[] {
  const sizes = boxes.map((b) => Math.max(b.x1 - b.x0, b.y1 - b.y0));
  const size = median(sizes);
  const cx = median(boxes.map((b) => (b.x0 + b.x1) / 2));
  const cy = median(boxes.map((b) => (b.y0 + b.y1) / 2));
  const kept = boxes.filter((b, i) => {
    const s = sizes[i]!;
    return s >= 0.5 * size && s <= 1.5 * size && Math.hypot((b.x0 + b.x1) / 2 - cx, (b.y0 + b.y1) / 2 - cy) <= size;
  });
  return kept.length > 0 ? kept : boxes;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function clamp(value: number, low: number, high: number): number {
  return value < low ? low : value > high ? high : value;
}

/**
 * Maps plate-pixel positions (N×3, x y in plate pixels, z depth) into the crop resampled
 * to `outputSize` pixels: x' = (x − crop.x)·outputSize/crop.size; depth is unchanged.
 */
export function plateToCrop(plate: Float32Array, crop: ShotCrop, outputSize: number, out: Float32Array): void {
  const scale = outputSize / crop.size;
  for (let o = 0; o < plate.length; o += 3) {
    out[o] = (plate[o]! - crop.x) * scale;
    out[o + 1] = (plate[o + 1]! - crop.y) * scale;
    out[o + 2] = plate[o + 2]!;
  }
}
