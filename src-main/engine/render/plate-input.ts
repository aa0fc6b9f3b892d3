/**
 * The network input of a plate-conditioned model at render time: the edited frame's
 * conditioning volume followed by the frame's own plate, warped from its tracked face to the
 * edited one. The plate at network size comes from a second decode of the same frames, cut
 * by the shot crop and scaled by ffmpeg exactly as the training frames were, read in step
 * with the full-size plates the composite uses.
 */
import type { ClipConditioning } from '../condition/clip-conditioning.js';
import { plateConditionedInput, PlateWarp } from '../condition/plate-warp.js';
import { CHANNELS_PER_FRAME } from '../condition/frame-renderer.js';
import { DvpError } from '../../shared/errors.js';
import type { FrameParams } from '../face/model.js';
import { readFrames, type RgbFrame } from '../media/frame-reader.js';
import { clipVideoInfo } from '../project/clips.js';
import { bytesToSigned } from '../translate/dataset.js';

export class PlateInput {
  private readonly warp: PlateWarp;
  private readonly small = new Map<number, Uint8Array>();

  constructor(private readonly conditioning: ClipConditioning) {
    this.warp = new PlateWarp(conditioning.conditioner);
  }

  /** Passes the full-size plates through, decoding each one's network-size plate beside it. */
  async *follow(plates: AsyncIterable<RgbFrame>, range: { first: number; count: number }, signal?: AbortSignal): AsyncGenerator<RgbFrame> {
    const { clip, crop, size } = this.conditioning;
    const small = readFrames(clip.path, clipVideoInfo(clip), {
      start: range.first,
      count: range.count,
      crop: { x: crop.x, y: crop.y, width: crop.size, height: crop.size },
      size: { width: size, height: size },
      ...(signal ? { signal } : {}),
    });
    try {
      for await (const plate of plates) {
        const next = await small.next();
        if (next.done || next.value.index !== plate.index) throw new DvpError('INTERNAL', `The network-size plates fell out of step at frame ${plate.index}.`);
        this.small.clear();
        this.small.set(plate.index, next.value.data);
        yield plate;
      }
    } finally {
      await small.return(undefined);
    }
  }

  /** The input of `frame` (the plate `follow` last passed) with the face moved to `edited`. */
  input(frame: number, volume: Float32Array, edited: FrameParams): Float32Array {
    const plate = this.small.get(frame);
    if (!plate) throw new DvpError('INTERNAL', `No network-size plate for frame ${frame}.`);
    const from = this.warp.faceInCrop(this.conditioning.params(frame));
    const to = this.warp.faceInCrop(edited);
    return plateConditionedInput(volume, CHANNELS_PER_FRAME * this.conditioning.windowSize, this.warp, bytesToSigned(plate), from, to);
  }
}
