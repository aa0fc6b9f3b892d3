/**
 * A plate-conditioned model at render time. Its input: the edited frame's conditioning volume
 * followed by the frame's own plate, warped from its tracked face to the edited one; the plate
 * at network size comes from a second decode of the same frames, cut by the shot crop and
 * scaled by ffmpeg exactly as the training frames were, read in step with the full-size plates.
 * Its picture: the network's correction (output − warped plate, at network size), upsampled
 * onto the plate warped the same way at the crop's own resolution — the real frame's detail
 * stays sharp, the network changes what the warp cannot (an opening mouth, a closing lid).
 */
import type { ClipConditioning } from '../condition/clip-conditioning.js';
import { plateConditionedInput, PlateWarp } from '../condition/plate-warp.js';
import { CHANNELS_PER_FRAME } from '../condition/frame-renderer.js';
import { DvpError } from '../../shared/errors.js';
import type { FrameParams } from '../face/model.js';
import { readFrames, type RgbFrame } from '../media/frame-reader.js';
import { clipVideoInfo } from '../project/clips.js';
import { bytesToSigned } from '../translate/dataset.js';
import { plateImage } from '../translate/preview.js';
import type { SynthesizedCrop } from './composite.js';

export class PlateInput {
  private readonly warp: PlateWarp;
  private readonly small = new Map<number, Uint8Array>();
  private readonly edited = new Map<number, FrameParams>();
  private readonly cropWarp: PlateWarp;

  /** `conditioning`: at the network's size; `atCrop`: the same clip and crop at the crop's own size. */
  constructor(private readonly conditioning: ClipConditioning, private readonly atCrop: ClipConditioning) {
    this.warp = new PlateWarp(conditioning.conditioner);
    this.cropWarp = new PlateWarp(atCrop.conditioner);
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
        this.edited.clear();
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
    this.edited.set(frame, edited);
    const from = this.warp.faceInCrop(this.conditioning.params(frame));
    const to = this.warp.faceInCrop(edited);
    return plateConditionedInput(volume, CHANNELS_PER_FRAME * this.conditioning.windowSize, this.warp, bytesToSigned(plate), from, to);
  }

  /** The picture to composite for `plate`, whose network input and output are given. */
  atCropResolution(plate: RgbFrame, input: Float32Array, output: Float32Array): SynthesizedCrop {
    const edited = this.edited.get(plate.index);
    if (!edited) throw new DvpError('INTERNAL', `No edited face for frame ${plate.index}.`);
    const { crop } = this.atCrop;
    const n = this.conditioning.size;
    const { size } = crop;
    const cut = new Float32Array(size * size * 3);
    for (let y = 0; y < size; y++) {
      for (let x = 0, i = ((crop.y + y) * plate.width + crop.x) * 3, o = y * size * 3; x < 3 * size; x++) cut[o + x] = plate.data[i + x]! / 127.5 - 1;
    }
    const picture = this.cropWarp.warp(cut, this.cropWarp.faceInCrop(this.atCrop.params(plate.index)), this.cropWarp.faceInCrop(edited));
    addUpsampledCorrection(picture, size, output, plateImage(input, n), n);
    return { size, data: picture };
  }
}

/**
 * picture (size²×3) += the network's correction (output − warped plate, n²×3) upsampled
 * bilinearly to size², clamped to [−1, 1].
 */
export function addUpsampledCorrection(picture: Float32Array, size: number, output: Float32Array, warpedSmall: Float32Array, n: number): void {
  const scale = n / size;
  for (let y = 0; y < size; y++) {
    const sy = Math.min(n - 1, Math.max(0, (y + 0.5) * scale - 0.5));
    const y0 = Math.min(n - 2, Math.floor(sy));
    const fy = sy - y0;
    for (let x = 0; x < size; x++) {
      const sx = Math.min(n - 1, Math.max(0, (x + 0.5) * scale - 0.5));
      const x0 = Math.min(n - 2, Math.floor(sx));
      const fx = sx - x0;
      const i00 = (y0 * n + x0) * 3;
      const i10 = i00 + n * 3;
      for (let c = 0; c < 3; c++) {
        const at = (i: number): number => output[i + c]! - warpedSmall[i + c]!;
        const top = at(i00) + fx * (at(i00 + 3) - at(i00));
        const bottom = at(i10) + fx * (at(i10 + 3) - at(i10));
        const o = (y * size + x) * 3 + c;
        picture[o] = Math.max(-1, Math.min(1, picture[o]! + top + fy * (bottom - top)));
      }
    }
  }
}
