import { DvpError } from '../../shared/errors.js';
import { CHANNELS_PER_FRAME } from './frame-renderer.js';

/** The paper's temporal window (§5): Nw = 11 frames, the current frame last. */
export const DEFAULT_WINDOW_SIZE = 11;

/**
 * Draws one frame's nine channels: pixel p, channel c at out[offset + p·stride + c]
 * (`ConditionRenderer.render` has this shape). It may return, per row y, the first and last
 * pixel that is not pure background (−1 in all nine channels) at [2y], [2y + 1] — a superset
 * is fine — which saves `SlidingVolume` from searching the frame for them.
 */
export type FrameDrawer = (out: Float32Array, stride: number, offset: number) => Int32Array | void;

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

/**
 * The space-time volume of a sliding window over consecutive frames. Each frame is
 * rendered once, into a one-frame buffer; pushing it shifts the volume by nine floats
 * (every pixel's slots move one step older, the oldest drops out) and copies the new
 * frame into the newest slot. The first push after construction or `reset` fills every
 * slot with that frame, as `windowFrames` defines for the start of a clip.
 *
 * The volume is large (24.75 MiB at 256², Nw = 11) and the shift is bound by memory
 * bandwidth, so it only touches what changes: per image row, the span of pixels that are
 * not pure background (−1 in all nine channels) in any frame of the window before or after
 * the push. Outside it every slot is −1 before and after, so skipping it is exact.
 */
export class SlidingVolume {
  readonly data: Float32Array;
  readonly stride: number;
  private readonly frame: Float32Array;
  /** Per window frame (a ring, `ring` points at the oldest), per row: first and last non-background pixel (first > last: none). */
  private readonly spans: Int32Array;
  private readonly oldestSpans: Int32Array;
  private ring = 0;
  private pushed = 0;

  constructor(readonly width: number, readonly height: number, readonly windowSize = DEFAULT_WINDOW_SIZE) {
    checkWindowSize(windowSize);
    this.stride = CHANNELS_PER_FRAME * windowSize;
    this.data = new Float32Array(volumeLength(width, height, windowSize));
    this.frame = new Float32Array(width * height * CHANNELS_PER_FRAME);
    this.spans = new Int32Array(windowSize * height * 2);
    this.oldestSpans = new Int32Array(height * 2);
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
    // Nothing is known about where the window's frames are background: shift everything next time.
    for (let i = 0; i < this.spans.length; i += 2) {
      this.spans[i] = 0;
      this.spans[i + 1] = this.width - 1;
    }
    this.pushed = frames.length;
  }

  push(draw: FrameDrawer): void {
    const { data, frame, stride, width, height, windowSize, spans } = this;
    const drawnSpans = draw(frame, CHANNELS_PER_FRAME, 0);
    const newest = this.ring * height * 2;
    const recordSpans = (): void => {
      if (drawnSpans && drawnSpans.length === 2 * height) spans.set(drawnSpans, newest);
      else this.measureSpans(newest);
    };
    if (this.pushed === 0) {
      for (let slot = 0; slot < windowSize; slot++) this.writeSlot(slot, 0, width * height);
      recordSpans();
      for (let k = 0; k < windowSize; k++) if (k !== this.ring) spans.copyWithin(k * height * 2, newest, newest + height * 2);
    } else {
      // `ring` holds the oldest frame, about to drop out: its spans count (its values move out of slot 0).
      const oldest = this.oldestSpans;
      oldest.set(spans.subarray(newest, newest + height * 2));
      recordSpans();
      for (let y = 0; y < height; y++) {
        let first = Math.min(oldest[2 * y]!, width);
        let last = Math.max(oldest[2 * y + 1]!, -1);
        for (let k = 0; k < windowSize; k++) {
          const o = (k * height + y) * 2;
          if (spans[o]! < first) first = spans[o]!;
          if (spans[o + 1]! > last) last = spans[o + 1]!;
        }
        if (first > last) continue;
        const p0 = y * width + first;
        const p1 = y * width + last + 1;
        // Reads 9 floats past the span: the next pixel's oldest slot, −1 or not yet moved.
        data.copyWithin(p0 * stride, p0 * stride + CHANNELS_PER_FRAME, Math.min(data.length, p1 * stride + CHANNELS_PER_FRAME));
        this.writeSlot(windowSize - 1, p0, p1);
      }
    }
    this.ring = (this.ring + 1) % windowSize;
    this.pushed++;
  }

  /** Copies the one-frame buffer's pixels [p0, p1) into `slot`. */
  private writeSlot(slot: number, p0: number, p1: number): void {
    const { data, frame, stride } = this;
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

  /** Per row of the one-frame buffer, the first and last pixel that is not −1 in every channel, into spans[at…]. */
  private measureSpans(at: number): void {
    const { frame, width, height, spans } = this;
    const isBackground = (p: number): boolean => {
      const i = p * CHANNELS_PER_FRAME;
      return frame[i] === -1 && frame[i + 1] === -1 && frame[i + 2] === -1 && frame[i + 3] === -1 && frame[i + 4] === -1 &&
        frame[i + 5] === -1 && frame[i + 6] === -1 && frame[i + 7] === -1 && frame[i + 8] === -1;
    };
    for (let y = 0; y < height; y++) {
      const row = y * width;
      let first = 0;
      while (first < width && isBackground(row + first)) first++;
      let last = width - 1;
      while (last >= first && isBackground(row + last)) last--;
      spans[at + 2 * y] = first;
      spans[at + 2 * y + 1] = last;
    }
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
