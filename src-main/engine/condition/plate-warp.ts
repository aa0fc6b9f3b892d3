/**
 * The plate warped from one face to another ("edit, don't redraw", beyond the paper): a real
 * frame of the shot, cut by the shot crop at network size, moved so its face follows the face
 * model under other parameters. Each pixel that the target face covers takes the plate at
 * the point where the same surface point of the face model lies under the plate's own
 * parameters (a backward warp through the model's correspondence); every other pixel keeps
 * the plate as it is. A plate-conditioned network gets this as extra input channels and
 * corrects a sharp real image instead of drawing one from memory.
 */
import type { FrameParams } from '../face/model.js';
import { PLATE_CHANNELS } from '../translate/config.js';
import type { FaceConditioner } from './face-conditioner.js';
import { rasterize, VisibilityBuffer } from './raster.js';

export class PlateWarp {
  private readonly visibility: VisibilityBuffer;
  private readonly from: Float32Array;
  private readonly to: Float32Array;

  constructor(private readonly conditioner: FaceConditioner) {
    const { size } = conditioner;
    this.visibility = new VisibilityBuffer(size, size);
    const n = conditioner.renderer.topology.vertexCount;
    this.from = new Float32Array(3 * n);
    this.to = new Float32Array(3 * n);
  }

  get size(): number {
    return this.conditioner.size;
  }

  /**
   * `plate`: size²×3 (any value range) under the conditioner's crop, whose face has parameters
   * `from`; returns it warped to the face under `to`, at `out[p·stride + offset + c]`.
   */
  warp(plate: Float32Array, from: FrameParams, to: FrameParams, out = new Float32Array(this.size * this.size * PLATE_CHANNELS), stride = PLATE_CHANNELS, offset = 0): Float32Array {
    const { conditioner, visibility, size } = this;
    this.from.set(conditioner.faceInCrop(conditioner.pose(from)).screen);
    this.to.set(conditioner.faceInCrop(conditioner.pose(to)).screen);
    const { triangles, frontFaceSign } = conditioner.renderer.topology;
    visibility.clear();
    rasterize(visibility, this.to, triangles, { frontFaceSign });
    const { triangle: triangleAt, weight1, weight2 } = visibility;
    const source = this.from;
    for (let y = 0, p = 0; y < size; y++) {
      for (let x = 0; x < size; x++, p++) {
        const o = p * stride + offset;
        const t = triangleAt[p]!;
        if (t < 0) {
          const i = p * PLATE_CHANNELS;
          out[o] = plate[i]!;
          out[o + 1] = plate[i + 1]!;
          out[o + 2] = plate[i + 2]!;
          continue;
        }
        const w1 = weight1[p]!;
        const w2 = weight2[p]!;
        const w0 = 1 - w1 - w2;
        const a = 3 * triangles[3 * t]!;
        const b = 3 * triangles[3 * t + 1]!;
        const c = 3 * triangles[3 * t + 2]!;
        const sx = w0 * source[a]! + w1 * source[b]! + w2 * source[c]!;
        const sy = w0 * source[a + 1]! + w1 * source[b + 1]! + w2 * source[c + 1]!;
        sampleBilinear(plate, size, sx - 0.5, sy - 0.5, out, o);
      }
    }
    return out;
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
