import { DvpError } from '../../shared/errors.js';
import { CHANNELS_PER_FRAME } from './frame-renderer.js';

/** The paper's temporal window (§5): Nw = 11 frames, the current frame last. */
export const DEFAULT_WINDOW_SIZE = 11;

/**
 * Draws one frame's nine channels: pixel p, channel c at out[offset + p·stride + c]
 * (`ConditionRenderer.render` has this shape).
 */
export type FrameDrawer = (out: Float32Array, stride: number, offset: number) => void;

/**
 * The frames of the window that ends at `frame`, oldest first, current last. At the start
 * of a clip (frame − o < firstFrame) the first frame is repeated, so every frame of a clip
 * has a full window and the volume for frame 0 is frame 0 eleven times.
 */
export function windowFrames(frame: number, windowSize = DEFAULT_WINDOW_SIZE, firstFrame = 0): number[] {
  checkWindowSize(windowSize);
  const frames: number[] = [];
  for (let o = windowSize - 1; o >= 0; o--) frames.push(Math.max(firstFrame, frame - o));
  return frames;
}

/** Floats in one H×W×(9·Nw) volume. */
export function volumeLength(width: number, height: number, windowSize = DEFAULT_WINDOW_SIZE): number {
  return width * height * CHANNELS_PER_FRAME * windowSize;
}

/**
 * Fills `out` (H×W×(9·Nw), channels-last) for a window of frames given oldest first:
 * slot k holds channels 9k…9k+8. Each distinct frame is drawn once, straight into its slot;
 * repeated frames (the clip start) are copied. For random access (training batches);
 * sequential playback should use `SlidingVolume`.
 */
export function renderVolume(out: Float32Array, pixelCount: number, frames: readonly number[], draw: (frame: number, out: Float32Array, stride: number, offset: number) => void): void {
  const windowSize = frames.length;
  checkWindowSize(windowSize);
  const stride = CHANNELS_PER_FRAME * windowSize;
  if (out.length !== pixelCount * stride) {
    throw new DvpError('INTERNAL', `A conditioning volume of ${pixelCount} pixels × ${stride} channels needs ${pixelCount * stride} floats, not ${out.length}.`);
  }
  for (let k = 0; k < windowSize; k++) {
    const previous = k > 0 ? frames.lastIndexOf(frames[k]!, k - 1) : -1;
    if (previous >= 0) copySlot(out, pixelCount, stride, previous, k);
    else draw(frames[k]!, out, stride, CHANNELS_PER_FRAME * k);
  }
}

/** Pixels per tile of the shift: a tile's part of the volume (about 0.8 MB at Nw = 11) stays in cache while its newest slot is written. */
const SHIFT_TILE_PIXELS = 2048;

/**
 * The space-time volume of a sliding window over consecutive frames. Each frame is
 * rendered once, into a one-frame buffer; pushing it shifts the volume by nine floats
 * (every pixel's slots move one step older, the oldest drops out) and copies the new
 * frame into the newest slot, tile by tile so each tile is moved and completed while it
 * is in cache. The first push after construction or `reset` fills every slot with that
 * frame, as `windowFrames` defines for the start of a clip.
 */
export class SlidingVolume {
  readonly data: Float32Array;
  readonly stride: number;
  private readonly frame: Float32Array;
  private pushed = 0;

  constructor(readonly width: number, readonly height: number, readonly windowSize = DEFAULT_WINDOW_SIZE) {
    checkWindowSize(windowSize);
    this.stride = CHANNELS_PER_FRAME * windowSize;
    this.data = new Float32Array(volumeLength(width, height, windowSize));
    this.frame = new Float32Array(width * height * CHANNELS_PER_FRAME);
  }

  /** Frames pushed since the last reset. */
  get length(): number {
    return this.pushed;
  }

  /** Forget the history: the next push starts a new window (after a seek or at a new clip). */
  reset(): void {
    this.pushed = 0;
  }

  /** Starts the window over with these frames (oldest first; see `renderVolume`), e.g. after a seek. */
  start(frames: readonly number[], draw: (frame: number, out: Float32Array, stride: number, offset: number) => void): void {
    if (frames.length !== this.windowSize) {
      throw new DvpError('INTERNAL', `A window of ${this.windowSize} frames cannot start from ${frames.length}.`);
    }
    renderVolume(this.data, this.width * this.height, frames, draw);
    this.pushed = frames.length;
  }

  push(draw: FrameDrawer): void {
    const { data, frame, stride } = this;
    const pixelCount = this.width * this.height;
    draw(frame, CHANNELS_PER_FRAME, 0);
    const first = this.pushed === 0;
    for (let p0 = 0; p0 < pixelCount; p0 += SHIFT_TILE_PIXELS) {
      const p1 = Math.min(pixelCount, p0 + SHIFT_TILE_PIXELS);
      if (!first) {
        // Reads up to 9 floats past the tile: the next tile's oldest slot, not yet moved.
        data.copyWithin(p0 * stride, p0 * stride + CHANNELS_PER_FRAME, Math.min(data.length, p1 * stride + CHANNELS_PER_FRAME));
      }
      for (let slot = first ? 0 : this.windowSize - 1; slot < this.windowSize; slot++) {
        for (let p = p0, o = p0 * stride + slot * CHANNELS_PER_FRAME, i = p0 * CHANNELS_PER_FRAME; p < p1; p++, o += stride, i += CHANNELS_PER_FRAME) {
          data[o] = frame[i]!;
          data[o + 1] = frame[i + 1]!;
          data[o + 2] = frame[i + 2]!;
          data[o + 3] = frame[i + 3]!;
          data[o + 4] = frame[i + 4]!;
          data[o + 5] = frame[i + 5]!;
          data[o + 6] = frame[i + 6]!;
          data[o + 7] = frame[i + 7]!;
          data[o + 8] = frame[i + 8]!;
        }
      }
    }
    this.pushed++;
  }
}

function copySlot(data: Float32Array, pixelCount: number, stride: number, from: number, to: number): void {
  let source = CHANNELS_PER_FRAME * from;
  let target = CHANNELS_PER_FRAME * to;
  for (let p = 0; p < pixelCount; p++, source += stride, target += stride) {
    for (let c = 0; c < CHANNELS_PER_FRAME; c++) data[target + c] = data[source + c]!;
  }
}

function checkWindowSize(windowSize: number): void {
  if (!Number.isInteger(windowSize) || windowSize < 1) {
    throw new DvpError('INVALID_ARGUMENT', `The conditioning window must be a whole number of frames ≥ 1, not ${windowSize}.`);
  }
}
