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
  private readonly vertexColours: Float32Array;

  constructor(readonly topology: ConditionTopology, readonly width: number, readonly height: number) {
    if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
      throw new DvpError('INVALID_ARGUMENT', `The conditioning image size ${width}×${height} is not a positive whole number of pixels.`);
    }
    if (topology.uv.length !== 2 * topology.vertexCount || topology.regionOfTriangle.length !== topology.triangles.length / 3) {
      throw new DvpError('INTERNAL', 'The conditioning topology is inconsistent: UV map or region labels do not match the mesh.');
    }
    this.visibility = new VisibilityBuffer(width, height);
    this.vertexColours = new Float32Array(3 * topology.vertexCount);
  }

  render(face: ConditionFace, out: Float32Array, stride = CHANNELS_PER_FRAME, offset = 0): void {
    const { topology, visibility, vertexColours, width, height } = this;
    const n = topology.vertexCount;
    if (face.screen.length !== 3 * n || face.colour.length !== 3 * n) {
      throw new DvpError('INTERNAL', `A conditioning face must have ${n} vertex positions and colours.`);
    }
    const pixelCount = width * height;
    if (stride < CHANNELS_PER_FRAME || offset < 0 || offset + (pixelCount - 1) * stride + CHANNELS_PER_FRAME > out.length) {
      throw new DvpError('INTERNAL', `The conditioning output buffer (${out.length} floats) cannot hold ${width}×${height} pixels at stride ${stride}, offset ${offset}.`);
    }

    for (let i = 0; i < vertexColours.length; i++) {
      const c = face.colour[i]!;
      vertexColours[i] = c > 0 ? (c < 1 ? c : 1) : 0;
    }
    visibility.clear();
    rasterize(visibility, face.screen, topology.triangles, { frontFaceSign: topology.frontFaceSign });

    const { triangles, uv, regionOfTriangle } = topology;
    const { triangle: triangleAt, weight1, weight2 } = visibility;
    const { left, right } = face.pupils;
    for (let y = 0, p = 0; y < height; y++) {
      const cy = y + 0.5;
      for (let x = 0; x < width; x++, p++) {
        const o = offset + p * stride;
        const t = triangleAt[p]!;
        if (t < 0) {
          for (let c = 0; c < CHANNELS_PER_FRAME; c++) out[o + c] = -1;
          continue;
        }
        const w1 = weight1[p]!;
        const w2 = weight2[p]!;
        const w0 = 1 - w1 - w2;
        const i0 = triangles[3 * t]!;
        const i1 = triangles[3 * t + 1]!;
        const i2 = triangles[3 * t + 2]!;
        const region = regionOfTriangle[t]!;

        let a = 2 * i0;
        let b = 2 * i1;
        let d = 2 * i2;
        out[o + 3] = 2 * (w0 * uv[a]! + w1 * uv[b]! + w2 * uv[d]!) - 1;
        out[o + 4] = 2 * (w0 * uv[a + 1]! + w1 * uv[b + 1]! + w2 * uv[d + 1]!) - 1;

        if (region === Region.Skin) {
          a = 3 * i0;
          b = 3 * i1;
          d = 3 * i2;
          out[o] = 2 * (w0 * vertexColours[a]! + w1 * vertexColours[b]! + w2 * vertexColours[d]!) - 1;
          out[o + 1] = 2 * (w0 * vertexColours[a + 1]! + w1 * vertexColours[b + 1]! + w2 * vertexColours[d + 1]!) - 1;
          out[o + 2] = 2 * (w0 * vertexColours[a + 2]! + w1 * vertexColours[b + 2]! + w2 * vertexColours[d + 2]!) - 1;
          out[o + 5] = 1;
        } else {
          out[o] = -1;
          out[o + 1] = -1;
          out[o + 2] = -1;
          out[o + 5] = -1;
        }

        if (region === Region.LeftEye || region === Region.RightEye) {
          const coverage = discCoverage(region === Region.LeftEye ? left : right, x + 0.5, cy);
          out[o + 6] = 1 - 2 * coverage;
          out[o + 7] = 1 - 2 * coverage;
          out[o + 8] = 1;
        } else {
          out[o + 6] = -1;
          out[o + 7] = -1;
          out[o + 8] = -1;
        }
      }
    }
  }
}

/** Share of a pixel (centre cx, cy) covered by the disc: 1 inside, 0 outside, linear over a one-pixel edge. */
function discCoverage(disc: PupilDisc, cx: number, cy: number): number {
  const dx = cx - disc.x;
  const dy = cy - disc.y;
  const distance = Math.sqrt(dx * dx + dy * dy);
  const coverage = disc.radius + 0.5 - distance;
  return coverage <= 0 ? 0 : coverage >= 1 ? 1 : coverage;
}
