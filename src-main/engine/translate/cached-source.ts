/**
 * Training draws examples in random order, and a random example costs its whole window
 * (Nw = 11 renders) in the conditioning source, against one render when examples come in
 * sequence. This source makes one sequential pass up front, keeps each frame's nine
 * channels (the newest slot of its volume) and its target, and assembles any window from
 * those. A window that reaches a frame it has not seen (the clip start, a frame without a
 * face) is asked of the underlying source, so every example is exactly what it would give.
 */
import { throwIfCancelled } from '../../shared/cancel.js';
import { CHANNELS_PER_FRAME } from './config.js';
import type { TrainingExample, TrainingSource } from './dataset.js';

/** Cache only when the frames fit in this many bytes (a few hundred MB at 128², 64²: ~200 MB for 1000 frames). */
export const MAX_CACHE_BYTES = 1024 ** 3;

export function cacheBytes(source: TrainingSource): number {
  return source.size * source.resolution ** 2 * (CHANNELS_PER_FRAME + 3) * 4;
}

export class CachedSource implements TrainingSource {
  private readonly channels = new Map<number, Float32Array>();
  private readonly targets: Float32Array[] = [];
  private readonly windowSize: number;

  private constructor(private readonly source: TrainingSource) {
    this.windowSize = source.inputChannels / CHANNELS_PER_FRAME;
  }

  static async build(source: TrainingSource, signal?: AbortSignal): Promise<CachedSource> {
    const cached = new CachedSource(source);
    const pixels = source.resolution ** 2;
    const stride = source.inputChannels;
    const newest = stride - CHANNELS_PER_FRAME;
    for (let i = 0; i < source.size; i++) {
      if (i % 64 === 0) throwIfCancelled(signal, 'Preparing the training frames');
      const { input, target } = await source.sample(i);
      const frame = new Float32Array(pixels * CHANNELS_PER_FRAME);
      for (let p = 0; p < pixels; p++) frame.set(input.subarray(p * stride + newest, (p + 1) * stride), p * CHANNELS_PER_FRAME);
      cached.channels.set(source.frame(i), frame);
      cached.targets.push(target);
    }
    return cached;
  }

  get size(): number {
    return this.source.size;
  }

  get resolution(): number {
    return this.source.resolution;
  }

  get inputChannels(): number {
    return this.source.inputChannels;
  }

  frame(index: number): number {
    return this.source.frame(index);
  }

  parameters(index: number): Float32Array {
    return this.source.parameters(index);
  }

  target(index: number): Float32Array {
    return this.targets[index]!;
  }

  async sample(index: number): Promise<TrainingExample> {
    const frame = this.source.frame(index);
    const slots: Float32Array[] = [];
    for (let k = this.windowSize - 1; k >= 0; k--) {
      const channels = this.channels.get(frame - k);
      if (!channels) return this.source.sample(index);
      slots.push(channels);
    }
    const pixels = this.resolution ** 2;
    const stride = this.inputChannels;
    const input = new Float32Array(pixels * stride);
    slots.forEach((channels, slot) => {
      for (let p = 0, o = slot * CHANNELS_PER_FRAME, i = 0; p < pixels; p++, o += stride, i += CHANNELS_PER_FRAME) {
        for (let c = 0; c < CHANNELS_PER_FRAME; c++) input[o + c] = channels[i + c]!;
      }
    });
    return { input, target: this.targets[index]! };
  }

  close(): void {
    this.source.close?.();
  }
}
