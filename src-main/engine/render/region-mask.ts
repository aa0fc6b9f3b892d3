/**
 * Region-aware compositing: per frame, a soft mask in the shot crop (plate resolution) over
 * the part of the face the edit changes, so the network's output replaces only that part and
 * every other pixel stays the plate's.
 *
 * The region is the convex hull of a set of face-model points (one hull per part: the lower
 * face, each eye), posed and rasterised into the crop under BOTH the tracked and the edited
 * parameters of the frame (their union: a head that moves uncovers pixels the plate's head
 * covered and covers new ones), then dilated by a margin and feathered (smoothstep), both
 * scaled to the face's inter-ocular distance (IOD) in pixels at its depth. Regions
 * (`edit-regions.ts`):
 *  - mouth: the mesh vertices below the nose tip — lips, mouth opening, lower cheeks, jaw and
 *    chin (the same "lower face" as the mouth subspace that dubbing transfers);
 *  - eyes: per eye, the vertices inside a box around the lid opening, the ring above it and the
 *    brow (eyes, lids, brows), 0.1 IOD wider, 0.12 IOD above the brow, 0.22 IOD below the lid;
 *  - face: the whole face mesh;
 *  - head: the face mesh and an approximate head outline. The face model has no hair, ears or
 *    neck, so they are approximated by growing the face oval outwards in model space — from
 *    0.3 IOD at the sides to 0.85 IOD at the top of the forehead for the hair, and a band 1 IOD
 *    below the jaw (set back 0.3 IOD) for the neck — and posing those points with the head.
 * The weights also never exceed the shot crop's own square feather, so the mask fades out before
 * the crop's edge, where the network's picture ends.
 */
import { rasterize, VisibilityBuffer } from '../condition/raster.js';
import type { ShotCrop } from '../condition/shot-crop.js';
import { interOcular } from '../face/controls.js';
import type { FaceModel, FrameParams } from '../face/model.js';
import { deformedShape, toCamera } from '../face/pose-mesh.js';
import {
  LANDMARK,
  LEFT_BROW,
  LEFT_EYE_RING,
  LEFT_EYE_UPPER1,
  RIGHT_BROW,
  RIGHT_EYE_RING,
  RIGHT_EYE_UPPER1,
  VERTEX_COUNT,
} from '../face/topology.js';
import { featherMask } from './composite.js';
import { emptyMask, type CropMask } from './crop-mask.js';
import { EditRegion } from './edit-regions.js';
import { headOutline, type HeadPoint } from './head-outline.js';
import { convexHull, FAR, squaredDistanceTransform } from './mask-geometry.js';

export interface RegionMaskOptions {
  /** Dilation beyond the rasterised region, as a fraction of the inter-ocular distance (default 0.12). */
  margin?: number;
  /** Width of the smooth falloff after the margin, as a fraction of the inter-ocular distance (default 0.25). */
  feather?: number;
}

export const DEFAULT_REGION_MARGIN = 0.12;
export const DEFAULT_REGION_FEATHER = 0.25;

/**
 * Builds the per-frame region masks of one clip's shot crop. `mask` allocates the returned
 * weights; the rasteriser and distance buffers are reused.
 */
export class RegionMasker {
  readonly marginScale: number;
  readonly featherScale: number;
  private readonly size: number;
  private readonly buffer: VisibilityBuffer;
  private readonly cropFeather: Float32Array;
  private readonly iodMm: number;
  /** Vertex sets whose convex hulls make each region (indices into the posed points). */
  private readonly mouthPart: number[];
  private readonly eyeParts: number[][];
  private readonly facePart: number[];
  private readonly headPart: number[];
  private readonly head: HeadPoint[];
  private readonly shape = new Float32Array(VERTEX_COUNT * 3);
  private readonly points: Float32Array;
  private readonly camera: Float32Array<ArrayBuffer>;
  private readonly screen: Float32Array;
  private readonly hullXY: Float64Array;

  constructor(readonly model: FaceModel, readonly crop: ShotCrop, options: RegionMaskOptions = {}) {
    this.marginScale = options.margin ?? DEFAULT_REGION_MARGIN;
    this.featherScale = options.feather ?? DEFAULT_REGION_FEATHER;
    this.size = crop.size;
    this.buffer = new VisibilityBuffer(crop.size, crop.size);
    this.cropFeather = featherMask(crop.size);
    const neutral = model.identity.neutralShape;
    this.iodMm = interOcular(neutral);
    const iod = this.iodMm;
    const at = (v: number, axis: number): number => neutral[3 * v + axis]!;

    // Mouth: the lower face, below the nose tip (as `edit/mouth-subspace.ts` defines it for dubbing).
    const noseY = at(LANDMARK.noseTip, 1);
    const all = Array.from({ length: VERTEX_COUNT }, (_, v) => v);
    this.mouthPart = all.filter((v) => at(v, 1) >= noseY);
    // Eyes: per eye a box around the lid opening, the ring above it and the brow.
    const eyeBox = (ring: readonly number[]): [number, number, number, number] => {
      const xs = ring.map((v) => at(v, 0));
      const ys = ring.map((v) => at(v, 1));
      return [Math.min(...xs) - 0.1 * iod, Math.max(...xs) + 0.1 * iod, Math.min(...ys) - 0.12 * iod, Math.max(...ys) + 0.22 * iod];
    };
    this.eyeParts = [eyeBox([...LEFT_EYE_RING, ...LEFT_EYE_UPPER1, ...LEFT_BROW]), eyeBox([...RIGHT_EYE_RING, ...RIGHT_EYE_UPPER1, ...RIGHT_BROW])].map(
      ([x0, x1, y0, y1]) => all.filter((v) => at(v, 0) >= x0 && at(v, 0) <= x1 && at(v, 1) >= y0 && at(v, 1) <= y1),
    );
    this.facePart = all;
    this.head = headOutline(neutral, iod);
    this.headPart = Array.from({ length: VERTEX_COUNT + this.head.length }, (_, v) => v);

    const pointCount = VERTEX_COUNT + this.head.length;
    this.points = new Float32Array(pointCount * 3);
    this.camera = new Float32Array(pointCount * 3);
    this.screen = new Float32Array(pointCount * 3);
    this.hullXY = new Float64Array(pointCount * 2);
  }

  /** The vertex sets whose hulls make up a region set. */
  private partsFor(regions: number): number[][] {
    if (regions & EditRegion.Head) return [this.headPart];
    if (regions & EditRegion.Face) return [this.facePart];
    const out: number[][] = [];
    if (regions & EditRegion.Mouth) out.push(this.mouthPart);
    if (regions & EditRegion.Eyes) out.push(...this.eyeParts);
    return out;
  }

  /**
   * Poses the mesh and the head outline under `params` into crop pixels (x, y, camera depth);
   * returns the inter-ocular distance in pixels at the face's depth.
   */
  private project(params: FrameParams): number {
    const { points, camera, screen, head } = this;
    deformedShape(this.model, params, this.shape);
    points.set(this.shape);
    head.forEach((p, i) => {
      const o = 3 * (VERTEX_COUNT + i);
      points[o] = this.shape[3 * p.vertex]! + p.dx;
      points[o + 1] = this.shape[3 * p.vertex + 1]! + p.dy;
      points[o + 2] = this.shape[3 * p.vertex + 2]! + p.dz;
    });
    toCamera(points, params, camera);
    const { fx, fy, cx, cy } = this.model.identity.intrinsics;
    for (let i = 0; i < camera.length; i += 3) {
      const z = camera[i + 2]!;
      screen[i] = (fx * camera[i]!) / z + cx - this.crop.x;
      screen[i + 1] = (fy * camera[i + 1]!) / z + cy - this.crop.y;
      screen[i + 2] = z;
    }
    const eyes = [LANDMARK.leftEyeOuter, LANDMARK.leftEyeInner, LANDMARK.rightEyeOuter, LANDMARK.rightEyeInner];
    const depth = eyes.reduce((sum, v) => sum + camera[3 * v + 2]!, 0) / eyes.length;
    return depth > 0 ? (fx * this.iodMm) / depth : 0;
  }

  /** Fills the convex hull of the posed points `part` (crop pixels) into the visibility buffer. */
  private fillHull(part: readonly number[]): void {
    const { screen, hullXY } = this;
    let valid = 0;
    for (const i of part) {
      if (!(screen[3 * i + 2]! > 0)) continue;
      hullXY[2 * valid] = screen[3 * i]!;
      hullXY[2 * valid + 1] = screen[3 * i + 1]!;
      valid++;
    }
    const hull = convexHull(hullXY, valid);
    if (hull.length < 3) return;
    const positions = new Float32Array(hull.length * 3);
    hull.forEach((h, i) => {
      positions[3 * i] = hullXY[2 * h]!;
      positions[3 * i + 1] = hullXY[2 * h + 1]!;
      positions[3 * i + 2] = 1;
    });
    const fan = new Uint32Array(3 * (hull.length - 2));
    for (let i = 1; i + 1 < hull.length; i++) fan.set([0, i, i + 1], 3 * (i - 1));
    rasterize(this.buffer, positions, fan, { frontFaceSign: 0 });
  }

  /**
   * The mask of one frame: `regions` (EditRegion bits) rasterised under the tracked and the
   * edited parameters, dilated by the margin and feathered. Regions 0 gives an empty mask.
   */
  mask(regions: number, tracked: FrameParams, edited: FrameParams): CropMask {
    const size = this.size;
    if (regions === 0) return emptyMask(size);
    const buffer = this.buffer;
    buffer.clear();
    let iodPx = 0;
    for (const params of tracked === edited ? [tracked] : [tracked, edited]) {
      iodPx = Math.max(iodPx, this.project(params));
      for (const part of this.partsFor(regions)) this.fillHull(part);
    }
    const marginPx = this.marginScale * iodPx;
    const featherPx = Math.max(2, this.featherScale * iodPx);
    const ringPx = featherPx;

    // The covered rows' extent, widened by everything the weights and the ring can reach.
    let x0 = size;
    let x1 = -1;
    let y0 = size;
    let y1 = -1;
    for (let y = 0; y < size; y++) {
      const first = buffer.rowSpans[2 * y]!;
      const last = buffer.rowSpans[2 * y + 1]!;
      if (first > last) continue;
      if (y < y0) y0 = y;
      y1 = y;
      if (first < x0) x0 = first;
      if (last > x1) x1 = last;
    }
    if (x1 < 0) return emptyMask(size);
    const reach = Math.ceil(marginPx + featherPx + ringPx) + 1;
    const wx0 = Math.max(0, x0 - reach);
    const wx1 = Math.min(size, x1 + reach + 1);
    const wy0 = Math.max(0, y0 - reach);
    const wy1 = Math.min(size, y1 + reach + 1);
    const width = wx1 - wx0;
    const height = wy1 - wy0;

    // Squared distance (pixels) to the nearest covered pixel, over the window.
    const grid = new Float64Array(width * height);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) grid[y * width + x] = buffer.triangle[(wy0 + y) * size + wx0 + x]! >= 0 ? 0 : FAR;
    }
    squaredDistanceTransform(grid, width, height);

    const weights = new Float32Array(size * size);
    const ring = new Uint8Array(size * size);
    let bx0 = size;
    let bx1 = -1;
    let by0 = size;
    let by1 = -1;
    let weighted = 0;
    const outer = marginPx + featherPx;
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const d = Math.sqrt(grid[y * width + x]!);
        const p = (wy0 + y) * size + wx0 + x;
        let w = 0;
        if (d <= marginPx) w = 1;
        else if (d < outer) {
          const t = (d - marginPx) / featherPx;
          w = 1 - t * t * (3 - 2 * t);
        }
        const q = Math.round(Math.min(w, this.cropFeather[p]!) * 255);
        if (q > 0) {
          weights[p] = q / 255;
          weighted++;
        } else if (d < outer + ringPx && this.cropFeather[p]! > 0) ring[p] = 1;
        else continue;
        const px = wx0 + x;
        const py = wy0 + y;
        if (px < bx0) bx0 = px;
        if (px > bx1) bx1 = px;
        if (py < by0) by0 = py;
        if (py > by1) by1 = py;
      }
    }
    if (weighted === 0) return emptyMask(size);
    return { weights, box: { x0: bx0, y0: by0, x1: bx1 + 1, y1: by1 + 1 }, ring, regions, marginPx, featherPx };
  }
}
