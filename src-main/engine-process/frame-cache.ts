import { readFrames, type RgbFrame } from '../engine/media/frame-reader.js';
import type { VideoInfo } from '../engine/media/probe.js';

interface Decode {
  key: string;
  first: number;
  last: number;
  done: Promise<void>;
}

/**
 * Decoded frames for the viewer, least recently used dropped first. A miss decodes a short
 * run forward from the wanted frame in one ffmpeg process (a seek costs about as much as a
 * dozen frames), so playback and stepping mostly hit the cache.
 */
export class FrameCache {
  private readonly frames = new Map<string, RgbFrame>();
  private bytes = 0;
  private readonly decodes = new Set<Decode>();
  private generation = 0;
  /** Per media: where the last decode ended and how long it was, to spot playback. */
  private readonly lastRun = new Map<string, { end: number; length: number }>();

  constructor(
    private readonly budgetBytes = 256 * 1024 * 1024,
    private readonly minRun = 12,
    private readonly maxRun = 96,
  ) {}

  /** `key` names the media (clip id and path), so a relinked clip is decoded afresh. */
  async get(key: string, info: VideoInfo, index: number): Promise<RgbFrame> {
    // A clear() during a decode drops its frames; a second round decodes them again.
    for (let attempt = 0; attempt < 3; attempt++) {
      const hit = this.take(key, index);
      if (hit) return hit;
      const pending = [...this.decodes].find((d) => d.key === key && index >= d.first && index <= d.last);
      if (pending) {
        await pending.done;
        const after = this.take(key, index);
        if (after) return after;
      }
      await this.decode(key, info, index);
      const decoded = this.take(key, index);
      if (decoded) return decoded;
    }
    throw new Error(`${info.path}: frame ${index} could not be kept in the frame cache.`);
  }

  clear(): void {
    this.frames.clear();
    this.lastRun.clear();
    this.bytes = 0;
    this.generation++;
  }

  private take(key: string, index: number): RgbFrame | undefined {
    const id = `${key}#${index}`;
    const frame = this.frames.get(id);
    if (frame) {
      this.frames.delete(id);
      this.frames.set(id, frame);
    }
    return frame;
  }

  /**
   * A miss just after the previous run means playback outran the decoder: decode twice as far
   * ahead this time (up to `maxRun`). A jump elsewhere (scrubbing) goes back to a short run.
   */
  private runLength(key: string, first: number): number {
    const last = this.lastRun.get(key);
    const sequential = last !== undefined && first >= last.end && first <= last.end + last.length;
    const length = sequential ? Math.min(this.maxRun, last.length * 2) : this.minRun;
    this.lastRun.set(key, { end: first + length, length });
    return length;
  }

  private decode(key: string, info: VideoInfo, first: number): Promise<void> {
    const count = Math.min(this.runLength(key, first), info.frameCount - first);
    const generation = this.generation;
    const decode: Decode = { key, first, last: first + count - 1, done: Promise.resolve() };
    decode.done = (async () => {
      try {
        for await (const frame of readFrames(info.path, info, { start: first, count })) {
          if (generation === this.generation) this.put(`${key}#${frame.index}`, frame);
        }
      } finally {
        this.decodes.delete(decode);
      }
    })();
    this.decodes.add(decode);
    return decode.done;
  }

  private put(id: string, frame: RgbFrame): void {
    const existing = this.frames.get(id);
    if (existing) this.bytes -= existing.data.byteLength;
    this.frames.set(id, frame);
    this.bytes += frame.data.byteLength;
    for (const [oldId, old] of this.frames) {
      if (this.bytes <= this.budgetBytes) break;
      this.frames.delete(oldId);
      this.bytes -= old.data.byteLength;
    }
  }
}
