/** The blend weights of one frame over the shot crop, as the composite takes them (region masks, the paper's square feather, or none). */
import { featherMask } from './composite.js';
import { EditRegion } from './edit-regions.js';

/** A box of crop pixels: [x0, x1) × [y0, y1). */
export interface CropBox {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

/** One frame's blend weights over the shot crop. */
export interface CropMask {
  /** crop.size² weights in [0, 1], row-major over the crop at plate resolution; multiples of 1/255, so the 8-bit matte is exact. */
  weights: Float32Array;
  /** The crop pixels the composite must look at (non-zero weights, and the colour-match ring), or null when the mask is empty. */
  box: CropBox | null;
  /** 1 on a ring just outside the mask (weight 0) where the plate and the network's picture are compared for the colour match. */
  ring?: Uint8Array;
  /** `EditRegion` bits the mask covers (0: empty). */
  regions: number;
  /** Margin and feather in plate pixels (0 for an empty mask). */
  marginPx: number;
  featherPx: number;
}

/** An empty mask: the plate passes through. */
export function emptyMask(cropSize: number): CropMask {
  return { weights: new Float32Array(cropSize * cropSize), box: null, regions: 0, marginPx: 0, featherPx: 0 };
}

/** The paper's whole-crop composite as a `CropMask` (the square feather of `featherMask`). */
export function cropFeatherMask(cropSize: number, weights = featherMask(cropSize)): CropMask {
  return { weights, box: { x0: 0, y0: 0, x1: cropSize, y1: cropSize }, regions: EditRegion.Head, marginPx: 0, featherPx: 0 };
}

/** Number of non-zero weights. */
export function maskArea(mask: CropMask): number {
  let n = 0;
  for (let i = 0; i < mask.weights.length; i++) if (mask.weights[i]! > 0) n++;
  return n;
}
