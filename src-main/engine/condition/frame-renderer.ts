import { DvpError } from '../../shared/errors.js';
import { rasterize, VisibilityBuffer } from './raster.js';
import { SH_COEFFICIENT_COUNT, shadeVertices } from './sh.js';

/** Channels per frame: colour RGB, correspondence RGB, eyes RGB. */
export const CHANNELS_PER_FRAME = 9;
export const COLOUR_CHANNEL = 0;
export const CORRESPONDENCE_CHANNEL = 3;
export const EYES_CHANNEL = 6;

/** What the renderer needs to know about the mesh, fixed for a topology. */
export interface ConditionTopology {
  vertexCount: number;
  /** T×3 vertex indices. */
  triangles: Uint16Array | Uint32Array;
  /** N×2 texture coordinates in [0, 1]: the correspondence colour of each vertex is (u, v, 1). */
  uv: Float32Array;
  /** Per triangle: 0 skin, 1 the opening of the subject's right eye, 2 of the left eye. */
  eyeOfTriangle: Uint8Array;
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
  /** N×3 unit normals in camera space (x right, y down, z forward). */
  normals: Float32Array;
  /** N×3 diffuse albedo in [0, 1]. */
  albedo: Float32Array;
  /** 27 SH irradiance coefficients, see `sh.ts`. */
  sh: ArrayLike<number>;
  /** Subject's right eye, then left eye. */
  pupils: readonly [PupilDisc, PupilDisc];
}

/**
 * Renders the paper's three conditioning images (§5, Fig. 3) for one frame:
 *  1. diffuse colour: per-vertex albedo × SH irradiance, interpolated (Gouraud);
 *  2. correspondence: each surface point coloured (u, v, 1) from the topology's UV map,
 *     so a colour names the surface point; the constant blue marks the face against the
 *     black background;
 *  3. eyes: white where an eye opening (the triangles spanning the eyelid contour) is
 *     visible, pupils as blue discs clipped to it (anti-aliased edge), black elsewhere.
 *     A closed eyelid collapses the opening, so the white and the pupil vanish.
 * Values are written in [−1, 1] (black −1, white +1); pixel p, channel c lands at
 * out[offset + p·stride + c], so a frame can be written straight into a volume slot.
 * Buffers are allocated once; `render` allocates nothing.
 */
export class ConditionRenderer {
  readonly visibility: VisibilityBuffer;
  private readonly vertexColours: Float32Array;

  constructor(readonly topology: ConditionTopology, readonly width: number, readonly height: number) {
    if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
      throw new DvpError('INVALID_ARGUMENT', `The conditioning image size ${width}×${height} is not a positive whole number of pixels.`);
    }
    if (topology.uv.length !== 2 * topology.vertexCount || topology.eyeOfTriangle.length !== topology.triangles.length / 3) {
      throw new DvpError('INTERNAL', 'The conditioning topology is inconsistent: UV map or eye labels do not match the mesh.');
    }
    this.visibility = new VisibilityBuffer(width, height);
    this.vertexColours = new Float32Array(3 * topology.vertexCount);
  }

  render(face: ConditionFace, out: Float32Array, stride = CHANNELS_PER_FRAME, offset = 0): void {
    const { topology, visibility, vertexColours, width, height } = this;
    const n = topology.vertexCount;
    if (face.screen.length !== 3 * n || face.normals.length !== 3 * n || face.albedo.length !== 3 * n || face.sh.length !== SH_COEFFICIENT_COUNT) {
      throw new DvpError('INTERNAL', `A conditioning face must have ${n} vertices (positions, normals, albedo) and ${SH_COEFFICIENT_COUNT} SH coefficients.`);
    }
    const pixelCount = width * height;
    if (stride < CHANNELS_PER_FRAME || offset < 0 || offset + (pixelCount - 1) * stride + CHANNELS_PER_FRAME > out.length) {
      throw new DvpError('INTERNAL', `The conditioning output buffer (${out.length} floats) cannot hold ${width}×${height} pixels at stride ${stride}, offset ${offset}.`);
    }

    shadeVertices(face.albedo, face.normals, face.sh, vertexColours);
    visibility.clear();
    rasterize(visibility, face.screen, topology.triangles, { frontFaceSign: topology.frontFaceSign });

    const { triangles, uv, eyeOfTriangle } = topology;
    const { triangle: triangleAt, weight1, weight2 } = visibility;
    const [right, left] = face.pupils;
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

        let a = 3 * i0;
        let b = 3 * i1;
        let d = 3 * i2;
        out[o] = 2 * (w0 * vertexColours[a]! + w1 * vertexColours[b]! + w2 * vertexColours[d]!) - 1;
        out[o + 1] = 2 * (w0 * vertexColours[a + 1]! + w1 * vertexColours[b + 1]! + w2 * vertexColours[d + 1]!) - 1;
        out[o + 2] = 2 * (w0 * vertexColours[a + 2]! + w1 * vertexColours[b + 2]! + w2 * vertexColours[d + 2]!) - 1;

        a = 2 * i0;
        b = 2 * i1;
        d = 2 * i2;
        out[o + 3] = 2 * (w0 * uv[a]! + w1 * uv[b]! + w2 * uv[d]!) - 1;
        out[o + 4] = 2 * (w0 * uv[a + 1]! + w1 * uv[b + 1]! + w2 * uv[d + 1]!) - 1;
        out[o + 5] = 1;

        const eye = eyeOfTriangle[t]!;
        if (eye === 0) {
          out[o + 6] = -1;
          out[o + 7] = -1;
          out[o + 8] = -1;
        } else {
          const pupil = eye === 1 ? right : left;
          const coverage = discCoverage(pupil, x + 0.5, cy);
          out[o + 6] = 1 - 2 * coverage;
          out[o + 7] = 1 - 2 * coverage;
          out[o + 8] = 1;
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
