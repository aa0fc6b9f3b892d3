/**
 * The plate warped from one face to another ("edit, don't redraw", beyond the paper): a real
 * frame of the shot, cut by the shot crop at network size, moved so its face follows the face
 * model under other parameters. Each pixel that the target face covers takes the plate at
 * the point where the same surface point of the face model lies under the plate's own
 * parameters (a backward warp through the model's correspondence); every other pixel keeps
 * the plate as it is. Inside the eye openings the iris moves with the gaze: around the
 * wanted iris the plate's iris is sampled instead of the socket, scaled by the two radii.
 * A plate-conditioned network gets this as extra input channels and corrects a sharp real
 * image instead of drawing one from memory.
 */
import type { FrameParams } from '../face/model.js';
import { PLATE_CHANNELS } from '../translate/config.js';
import type { FaceConditioner } from './face-conditioner.js';
import { Region, type PupilDisc } from './frame-renderer.js';
import { rasterize, VisibilityBuffer } from './raster.js';

/** A posed face in the crop at network size, as the warp needs it (`PlateWarp.faceInCrop`). */
export interface PlateFace {
  /** The mesh's vertices: x, y, depth. */
  vertices: Float32Array;
  /** The irises: left, right. */
  irises: readonly [PupilDisc, PupilDisc];
}

/** Around the wanted iris, in iris radii: the plate's iris is taken within IRIS_INNER, the socket's warp beyond IRIS_OUTER. */
const IRIS_INNER = 1.25;
const IRIS_OUTER = 2;

export class PlateWarp {
  private readonly visibility: VisibilityBuffer;
  /** Per pixel: the displacement to the plate point (x, y) and the share of face around it. */
  private readonly dx: Float32Array;
  private readonly dy: Float32Array;
  private readonly weight: Float32Array;
  /** The exact displacement and the face's coverage, kept while the fields above are blurred. */
  private readonly exactX: Float32Array;
  private readonly exactY: Float32Array;
  private readonly inside: Float32Array;
  private readonly scratch: Float32Array;
  /** Per pixel: 0, or the Region of the eye opening that covers it. */
  private readonly eyeAt: Uint8Array;

  constructor(private readonly conditioner: FaceConditioner) {
    const { size } = conditioner;
    this.visibility = new VisibilityBuffer(size, size);
    this.dx = new Float32Array(size * size);
    this.dy = new Float32Array(size * size);
    this.weight = new Float32Array(size * size);
    this.exactX = new Float32Array(size * size);
    this.exactY = new Float32Array(size * size);
    this.inside = new Float32Array(size * size);
    this.scratch = new Float32Array(size);
    this.eyeAt = new Uint8Array(size * size);
  }

  get size(): number {
    return this.conditioner.size;
  }

  /** The face under `params` in the crop at network size, for `warp` (new arrays). */
  faceInCrop(params: FrameParams): PlateFace {
    const face = this.conditioner.faceInCrop(this.conditioner.pose(params));
    return { vertices: face.screen.slice(), irises: [{ ...face.pupils.left }, { ...face.pupils.right }] };
  }

  /**
   * `plate`: size²×3 (any value range) under the conditioner's crop, showing the face whose
   * vertices lie at `fromFace` (`faceInCrop`); returns it warped so that face lies at `toFace`, at
   * `out[p·stride + offset + c]`. Inside the face each pixel takes the plate where the same
   * surface point lies; around it the face's displacement fades out over about a tenth of
   * the crop, so hair, ears and neck follow the head instead of tearing at the jaw line.
   */
  warp(plate: Float32Array, fromFace: PlateFace, toFace: PlateFace, out = new Float32Array(this.size * this.size * PLATE_CHANNELS), stride = PLATE_CHANNELS, offset = 0): Float32Array {
    const { conditioner, visibility, size, dx, dy, weight, eyeAt } = this;
    const { triangles, frontFaceSign, regionOfTriangle } = conditioner.renderer.topology;
    const from = fromFace.vertices;
    visibility.clear();
    rasterize(visibility, toFace.vertices, triangles, { frontFaceSign });
    const { triangle: triangleAt, weight1, weight2 } = visibility;
    for (let y = 0, p = 0; y < size; y++) {
      for (let x = 0; x < size; x++, p++) {
        const t = triangleAt[p]!;
        if (t < 0) {
          dx[p] = 0;
          dy[p] = 0;
          weight[p] = 0;
          eyeAt[p] = 0;
          continue;
        }
        const region = regionOfTriangle[t]!;
        eyeAt[p] = region === Region.LeftEye || region === Region.RightEye ? region : 0;
        const w1 = weight1[p]!;
        const w2 = weight2[p]!;
        const w0 = 1 - w1 - w2;
        const a = 3 * triangles[3 * t]!;
        const b = 3 * triangles[3 * t + 1]!;
        const c = 3 * triangles[3 * t + 2]!;
        dx[p] = w0 * from[a]! + w1 * from[b]! + w2 * from[c]! - (x + 0.5);
        dy[p] = w0 * from[a + 1]! + w1 * from[b + 1]! + w2 * from[c + 1]! - (y + 0.5);
        weight[p] = 1;
      }
    }
    this.extendOutsideFace();
    this.moveIrises(fromFace, toFace);
    for (let y = 0, p = 0; y < size; y++) {
      for (let x = 0; x < size; x++, p++) sampleBilinear(plate, size, x + dx[p]!, y + dy[p]!, out, p * stride + offset);
    }
    return out;
  }

  /**
   * In the eye openings, near the wanted iris: the plate's iris (its centre + the offset
   * from the wanted centre, scaled by the radii), blended into the socket's warp between
   * IRIS_INNER and IRIS_OUTER radii, so a gaze change moves the real iris.
   */
  private moveIrises(fromFace: PlateFace, toFace: PlateFace): void {
    const { size, dx, dy, eyeAt } = this;
    for (let y = 0, p = 0; y < size; y++) {
      for (let x = 0; x < size; x++, p++) {
        const region = eyeAt[p]!;
        if (region === 0) continue;
        const eye = region === Region.LeftEye ? 0 : 1;
        const to = toFace.irises[eye];
        const from = fromFace.irises[eye];
        if (to.radius <= 0 || from.radius <= 0) continue;
        const ox = x + 0.5 - to.x;
        const oy = y + 0.5 - to.y;
        const distance = Math.hypot(ox, oy) / to.radius;
        if (distance >= IRIS_OUTER) continue;
        const share = distance <= IRIS_INNER ? 1 : smoothStep((IRIS_OUTER - distance) / (IRIS_OUTER - IRIS_INNER));
        const scale = from.radius / to.radius;
        const irisX = from.x + ox * scale - (x + 0.5);
        const irisY = from.y + oy * scale - (y + 0.5);
        dx[p] = dx[p]! + share * (irisX - dx[p]!);
        dy[p] = dy[p]! + share * (irisY - dy[p]!);
      }
    }
  }

  /** Outside the face: the mean displacement of the face pixels around, times min(1, 2 × their share). */
  private extendOutsideFace(): void {
    const { size, dx, dy, weight, inside, exactX, exactY } = this;
    inside.set(weight);
    exactX.set(dx);
    exactY.set(dy);
    const radius = Math.max(1, Math.round(size / 20));
    for (const field of [dx, dy, weight]) {
      for (let pass = 0; pass < 2; pass++) {
        boxBlur(field, size, radius, 1, size, this.scratch);
        boxBlur(field, size, radius, size, 1, this.scratch);
      }
    }
    for (let p = 0; p < dx.length; p++) {
      const share = weight[p]!;
      if (inside[p]! > 0) {
        dx[p] = exactX[p]!;
        dy[p] = exactY[p]!;
      } else if (share > 1e-4) {
        const fade = Math.min(1, 2 * share) / share;
        dx[p] = dx[p]! * fade;
        dy[p] = dy[p]! * fade;
      } else {
        dx[p] = 0;
        dy[p] = 0;
      }
    }
  }
}

/**
 * The input of a plate-conditioned network: the conditioning volume (`volumeChannels` per
 * pixel) followed by the plate, showing the face at `from`, warped to the face at `to`.
 */
export function plateConditionedInput(volume: Float32Array, volumeChannels: number, warp: PlateWarp, plate: Float32Array, from: PlateFace, to: PlateFace): Float32Array {
  const pixels = warp.size * warp.size;
  const channels = volumeChannels + PLATE_CHANNELS;
  const input = new Float32Array(pixels * channels);
  for (let p = 0; p < pixels; p++) input.set(volume.subarray(p * volumeChannels, (p + 1) * volumeChannels), p * channels);
  warp.warp(plate, from, to, input, channels, volumeChannels);
  return input;
}

function smoothStep(t: number): number {
  return t * t * (3 - 2 * t);
}

/**
 * In-place running-mean blur of a size×size field along one axis (`step` 1: rows, `size`:
 * columns; `lineStep` moves between lines), window 2·radius + 1, edges clamped.
 */
function boxBlur(field: Float32Array, size: number, radius: number, step: number, lineStep: number, line: Float32Array): void {
  const span = 2 * radius + 1;
  for (let l = 0; l < size; l++) {
    const base = l * lineStep;
    for (let i = 0; i < size; i++) line[i] = field[base + i * step]!;
    let sum = 0;
    for (let i = -radius; i <= radius; i++) sum += line[Math.min(size - 1, Math.max(0, i))]!;
    for (let i = 0; i < size; i++) {
      field[base + i * step] = sum / span;
      sum += line[Math.min(size - 1, i + radius + 1)]! - line[Math.max(0, i - radius)]!;
    }
  }
}

/** Bilinear sample of an RGB image at continuous pixel coordinates (pixel centres at integers), clamped to the edge. */
function sampleBilinear(image: Float32Array, size: number, x: number, y: number, out: Float32Array, o: number): void {
  const max = size - 1;
  const cx = x < 0 ? 0 : x > max ? max : x;
  const cy = y < 0 ? 0 : y > max ? max : y;
  const x0 = Math.min(max - 1, Math.floor(cx));
  const y0 = Math.min(max - 1, Math.floor(cy));
  const fx = cx - x0;
  const fy = cy - y0;
  const i00 = (y0 * size + x0) * 3;
  const i01 = i00 + 3;
  const i10 = i00 + size * 3;
  const i11 = i10 + 3;
  for (let k = 0; k < 3; k++) {
    const top = image[i00 + k]! + fx * (image[i01 + k]! - image[i00 + k]!);
    const bottom = image[i10 + k]! + fx * (image[i11 + k]! - image[i10 + k]!);
    out[o + k] = top + fy * (bottom - top);
  }
}
