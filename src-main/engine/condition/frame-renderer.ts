import { DvpError } from '../../shared/errors.js';
import { rasterize, VisibilityBuffer } from './raster.js';

/** Channels per frame: colour RGB, correspondence RGB, eyes RGB. */
export const CHANNELS_PER_FRAME = 9;
export const COLOUR_CHANNEL = 0;
export const CORRESPONDENCE_CHANNEL = 3;
export const EYES_CHANNEL = 6;

/** What each triangle of the conditioning mesh covers. */
export const Region = { Skin: 0, LeftEye: 1, RightEye: 2, Mouth: 3 } as const;

/** What the renderer needs to know about the mesh, fixed for a topology. */
export interface ConditionTopology {
  vertexCount: number;
  /** T×3 vertex indices. */
  triangles: Uint16Array | Uint32Array;
  /** N×2 texture coordinates in [0, 1]: the correspondence colour of a skin point is (u, v, 1). */
  uv: Float32Array;
  /** Per triangle, a `Region`: the eye and mouth openings are drawn into the depth test like skin, but coloured differently. */
  regionOfTriangle: Uint8Array;
  /** See `RasterOptions.frontFaceSign`. */
  frontFaceSign: 1 | -1 | 0;
}

/** A pupil disc in output-image pixels (continuous coordinates, pixel centres at +0.5). */
export interface PupilDisc {
  x: number;
  y: number;
  radius: number;
}

/** One frame's posed face, already mapped into the output image (the shot crop at network size). */
export interface ConditionFace {
  /** N×3: x, y in output-image pixels, z the camera-space depth (> 0). */
  screen: Float32Array;
  /** N×3 diffuse colour (albedo × SH irradiance), clamped to [0, 1] here. */
  colour: Float32Array;
  /** The subject's own left and right pupils. */
  pupils: { left: PupilDisc; right: PupilDisc };
}

/**
 * Renders the paper's three conditioning images (§5, Fig. 3) for one frame:
 *  1. diffuse colour: the per-vertex colour (albedo × SH irradiance under the target's
 *     lighting, from `face/pose-mesh.ts`), interpolated perspective-correctly (Gouraud);
 *  2. correspondence: each skin point coloured (u, v, 1) from the topology's UV map, so a
 *     colour names the surface point; the blue channel marks skin against the black
 *     background and against the eye and mouth openings, which get (u, v, 0);
 *  3. eyes: white where an eye opening (the triangles spanning the lid margin) is visible,
 *     pupils as blue discs clipped to it (anti-aliased edge), black elsewhere. A closed
 *     eyelid collapses the opening, so the white and the pupil vanish.
 * The openings are black in the colour image. Values are written in [−1, 1] (black −1,
 * white +1); pixel p, channel c lands at out[offset + p·stride + c], so a frame can be
 * written straight into a volume slot. Buffers are allocated once; `render` allocates nothing.
 */
export class ConditionRenderer {
  readonly visibility: VisibilityBuffer;
  /**
   * Per triangle, channels 0–4 (colour RGB, correspondence u v) as plane equations in the
   * perspective-correct weights, already in [−1, 1]: value = base + w1·d1 + w2·d2 at
   * [16t + 3k …+2], and the correspondence blue channel at 16t + 15. The u, v part is fixed
   * by the topology; the colour part is refreshed per frame. This keeps the per-pixel work
   * to one contiguous record per pixel.
   */
  private readonly records: Float64Array;
  /** One frame, contiguous: where a strided `render` draws before copying out. */
  private frame: Float32Array | undefined;

  constructor(readonly topology: ConditionTopology, readonly width: number, readonly height: number) {
    if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
      throw new DvpError('INVALID_ARGUMENT', `The conditioning image size ${width}×${height} is not a positive whole number of pixels.`);
    }
    const triangleCount = topology.triangles.length / 3;
    if (topology.uv.length !== 2 * topology.vertexCount || topology.regionOfTriangle.length !== triangleCount) {
      throw new DvpError('INTERNAL', 'The conditioning topology is inconsistent: UV map or region labels do not match the mesh.');
    }
    this.visibility = new VisibilityBuffer(width, height);
    this.records = new Float64Array(RECORD * triangleCount);
    const { triangles, uv, regionOfTriangle } = topology;
    for (let t = 0; t < triangleCount; t++) {
      const r = RECORD * t;
      for (let k = 0; k < 2; k++) {
        const a = uv[2 * triangles[3 * t]! + k]!;
        const b = uv[2 * triangles[3 * t + 1]! + k]!;
        const c = uv[2 * triangles[3 * t + 2]! + k]!;
        this.records[r + 9 + 3 * k] = 2 * a - 1;
        this.records[r + 10 + 3 * k] = 2 * (b - a);
        this.records[r + 11 + 3 * k] = 2 * (c - a);
      }
      this.records[r + 15] = regionOfTriangle[t] === Region.Skin ? 1 : -1;
    }
  }

  /** Returns the rows' covered spans (`VisibilityBuffer.rowSpans`): outside them every channel is −1. */
  render(face: ConditionFace, out: Float32Array, stride = CHANNELS_PER_FRAME, offset = 0): Int32Array {
    const { topology, visibility, records, width, height } = this;
    const n = topology.vertexCount;
    if (face.screen.length !== 3 * n || face.colour.length !== 3 * n) {
      throw new DvpError('INTERNAL', `A conditioning face must have ${n} vertex positions and colours.`);
    }
    const pixelCount = width * height;
    if (stride < CHANNELS_PER_FRAME || offset < 0 || offset + (pixelCount - 1) * stride + CHANNELS_PER_FRAME > out.length) {
      throw new DvpError('INTERNAL', `The conditioning output buffer (${out.length} floats) cannot hold ${width}×${height} pixels at stride ${stride}, offset ${offset}.`);
    }

    const { triangles, regionOfTriangle } = topology;
    const colour = face.colour;
    const triangleCount = regionOfTriangle.length;
    for (let t = 0; t < triangleCount; t++) {
      const r = RECORD * t;
      if (regionOfTriangle[t] !== Region.Skin) {
        for (let k = 0; k < 9; k += 3) {
          records[r + k] = -1;
          records[r + k + 1] = 0;
          records[r + k + 2] = 0;
        }
        continue;
      }
      const a = 3 * triangles[3 * t]!;
      const b = 3 * triangles[3 * t + 1]!;
      const c = 3 * triangles[3 * t + 2]!;
      for (let k = 0; k < 3; k++) {
        const ca = clamp01(colour[a + k]!);
        records[r + 3 * k] = 2 * ca - 1;
        records[r + 3 * k + 1] = 2 * (clamp01(colour[b + k]!) - ca);
        records[r + 3 * k + 2] = 2 * (clamp01(colour[c + k]!) - ca);
      }
    }

    visibility.clear();
    rasterize(visibility, face.screen, triangles, { frontFaceSign: topology.frontFaceSign });

    // Background first (a native fill), then the face pixels.
    const target = stride === CHANNELS_PER_FRAME && offset === 0 ? out : (this.frame ??= new Float32Array(pixelCount * CHANNELS_PER_FRAME));
    target.fill(-1, 0, pixelCount * CHANNELS_PER_FRAME);
    const { triangle: triangleAt, weight1, weight2, rowSpans } = visibility;
    const { left, right } = face.pupils;
    for (let y = 0; y < height; y++) {
      const end = rowSpans[2 * y + 1]!;
      for (let x = rowSpans[2 * y]!, p = y * width + x; x <= end; x++, p++) {
        const t = triangleAt[p]!;
        if (t < 0) continue;
        const o = p * CHANNELS_PER_FRAME;
        const w1 = weight1[p]!;
        const w2 = weight2[p]!;
        const r = RECORD * t;
        target[o] = records[r]! + w1 * records[r + 1]! + w2 * records[r + 2]!;
        target[o + 1] = records[r + 3]! + w1 * records[r + 4]! + w2 * records[r + 5]!;
        target[o + 2] = records[r + 6]! + w1 * records[r + 7]! + w2 * records[r + 8]!;
        target[o + 3] = records[r + 9]! + w1 * records[r + 10]! + w2 * records[r + 11]!;
        target[o + 4] = records[r + 12]! + w1 * records[r + 13]! + w2 * records[r + 14]!;
        target[o + 5] = records[r + 15]!;
        const region = regionOfTriangle[t]!;
        if (region === Region.LeftEye || region === Region.RightEye) {
          const coverage = discCoverage(region === Region.LeftEye ? left : right, x + 0.5, y + 0.5);
          target[o + 6] = 1 - 2 * coverage;
          target[o + 7] = 1 - 2 * coverage;
          target[o + 8] = 1;
        }
      }
    }
    if (target !== out) {
      for (let p = 0, i = 0, o = offset; p < pixelCount; p++, i += CHANNELS_PER_FRAME, o += stride) {
        for (let c = 0; c < CHANNELS_PER_FRAME; c++) out[o + c] = target[i + c]!;
      }
    }
    return visibility.rowSpans;
  }
}

const RECORD = 16;

function clamp01(value: number): number {
  return value > 0 ? (value < 1 ? value : 1) : 0;
}

/** Share of a pixel (centre cx, cy) covered by the disc: 1 inside, 0 outside, linear over a one-pixel edge. */
function discCoverage(disc: PupilDisc, cx: number, cy: number): number {
  const dx = cx - disc.x;
  const dy = cy - disc.y;
  const distance = Math.sqrt(dx * dx + dy * dy);
  const coverage = disc.radius + 0.5 - distance;
  return coverage <= 0 ? 0 : coverage >= 1 ? 1 : coverage;
}
