/**
 * A training source built from a clip's own frames with a stand-in conditioning:
 * per frame, a coarse colour image (8×8-pixel block means) and a luminance edge map —
 * a deterministic "rendering" that carries pose and expression but not the texture.
 * It exercises the whole training path (and its tests) on real footage without
 * tracking; the production source renders the face model (src-main/engine/condition).
 */
import { probeVideo } from '../media/probe.js';
import { readFrames } from '../media/frame-reader.js';
import { CHANNELS_PER_FRAME } from './config.js';
import { bytesToSigned, type TrainingExample, type TrainingSource } from './dataset.js';

const BLOCK = 8;

/** Nine stand-in conditioning channels of one RGB frame, in [−1, 1]. */
export function standInChannels(rgb: Uint8Array, size: number): Float32Array {
  const out = new Float32Array(size * size * CHANNELS_PER_FRAME);
  const luma = new Float32Array(size * size);
  for (let p = 0; p < size * size; p++) luma[p] = (0.299 * rgb[p * 3]! + 0.587 * rgb[p * 3 + 1]! + 0.114 * rgb[p * 3 + 2]!) / 255;
  // 0–2: coarse colour
  for (let by = 0; by < size; by += BLOCK) {
    for (let bx = 0; bx < size; bx += BLOCK) {
      const mean = [0, 0, 0];
      let n = 0;
      for (let y = by; y < Math.min(size, by + BLOCK); y++) {
        for (let x = bx; x < Math.min(size, bx + BLOCK); x++, n++) for (let c = 0; c < 3; c++) mean[c]! += rgb[(y * size + x) * 3 + c]!;
      }
      for (let y = by; y < Math.min(size, by + BLOCK); y++) {
        for (let x = bx; x < Math.min(size, bx + BLOCK); x++) for (let c = 0; c < 3; c++) out[(y * size + x) * CHANNELS_PER_FRAME + c] = mean[c]! / n / 127.5 - 1;
      }
    }
  }
  // 3–5: Sobel x, Sobel y, magnitude of the luminance; 6–8: luminance
  const at = (x: number, y: number): number => luma[Math.min(size - 1, Math.max(0, y)) * size + Math.min(size - 1, Math.max(0, x))]!;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const gx = at(x + 1, y - 1) + 2 * at(x + 1, y) + at(x + 1, y + 1) - at(x - 1, y - 1) - 2 * at(x - 1, y) - at(x - 1, y + 1);
      const gy = at(x - 1, y + 1) + 2 * at(x, y + 1) + at(x + 1, y + 1) - at(x - 1, y - 1) - 2 * at(x, y - 1) - at(x + 1, y - 1);
      const o = (y * size + x) * CHANNELS_PER_FRAME;
      out[o + 3] = Math.max(-1, Math.min(1, gx));
      out[o + 4] = Math.max(-1, Math.min(1, gy));
      out[o + 5] = Math.min(1, Math.hypot(gx, gy)) * 2 - 1;
      const l = luma[y * size + x]! * 2 - 1;
      out[o + 6] = l;
      out[o + 7] = l;
      out[o + 8] = l;
    }
  }
  return out;
}

export class FramesSource implements TrainingSource {
  readonly inputChannels: number;
  private readonly conditioning: Float32Array[];
  private readonly thumbnails: Float32Array[];

  private constructor(private readonly frames: Uint8Array[], readonly resolution: number, readonly windowSize: number, private readonly firstFrame: number) {
    this.inputChannels = CHANNELS_PER_FRAME * windowSize;
    this.conditioning = frames.map((f) => standInChannels(f, resolution));
    this.thumbnails = this.conditioning.map((c) => {
      const t = new Float32Array((resolution / BLOCK) ** 2 * 3);
      let k = 0;
      for (let y = 0; y < resolution; y += BLOCK) for (let x = 0; x < resolution; x += BLOCK) for (let ch = 0; ch < 3; ch++) t[k++] = c[(y * resolution + x) * CHANNELS_PER_FRAME + ch]!;
      return t;
    });
  }

  /** Reads `count` frames from `start`, scaled to `resolution`², and prepares their stand-in conditioning. */
  static async open(file: string, options: { resolution: number; windowSize: number; start?: number; count: number; signal?: AbortSignal }): Promise<FramesSource> {
    const info = await probeVideo(file);
    const frames: Uint8Array[] = [];
    const start = options.start ?? 0;
    const side = Math.min(info.width, info.height);
    const crop = { x: Math.floor((info.width - side) / 2), y: Math.floor((info.height - side) / 2), width: side, height: side };
    const readOptions = { start, count: Math.min(options.count, info.frameCount - start), crop, size: { width: options.resolution, height: options.resolution }, ...(options.signal ? { signal: options.signal } : {}) };
    for await (const frame of readFrames(file, info, readOptions)) frames.push(frame.data);
    return new FramesSource(frames, options.resolution, options.windowSize, start);
  }

  get size(): number {
    return this.frames.length;
  }

  frame(index: number): number {
    return this.firstFrame + index;
  }

  async sample(index: number): Promise<TrainingExample> {
    const r2 = this.resolution * this.resolution;
    const input = new Float32Array(r2 * this.inputChannels);
    for (let k = 0; k < this.windowSize; k++) {
      const source = this.conditioning[Math.max(0, index - (this.windowSize - 1 - k))]!;
      for (let p = 0; p < r2; p++) {
        input.set(source.subarray(p * CHANNELS_PER_FRAME, (p + 1) * CHANNELS_PER_FRAME), p * this.inputChannels + k * CHANNELS_PER_FRAME);
      }
    }
    return { input, target: bytesToSigned(this.frames[index]!) };
  }

  parameters(index: number): Float32Array {
    return this.thumbnails[index]!;
  }
}
