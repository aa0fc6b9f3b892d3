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
import type { RgbFrame } from '../media/frame-reader.js';
import { bytesToSigned } from '../translate/dataset.js';
import { plateImage } from '../translate/preview.js';
import type { SynthesizedCrop } from './composite.js';

export class PlateInput {
  private readonly warp: PlateWarp;
  private readonly atCrop: ClipConditioning;
  private readonly cropWarp: PlateWarp;
  /** The frame `follow` last passed: its network-size plate, and the edited face `input` was given. */
  private current: { index: number; plate: Uint8Array; edited?: FrameParams } | undefined;

  /** `conditioning`: the shot at the network's size. */
  constructor(private readonly conditioning: ClipConditioning) {
    this.warp = new PlateWarp(conditioning.conditioner);
    this.atCrop = conditioning.atSize(conditioning.crop.size, 1);
    this.cropWarp = new PlateWarp(this.atCrop.conditioner);
  }

  /** Passes the full-size plates through, decoding each one's network-size plate beside it. */
  async *follow(plates: AsyncIterable<RgbFrame>, range: { first: number; count: number }, signal?: AbortSignal): AsyncGenerator<RgbFrame> {
    const small = this.conditioning.readTargets(range.first, range.count, signal);
    try {
      for await (const plate of plates) {
        const next = await small.next();
        if (next.done || next.value.index !== plate.index) throw new DvpError('INTERNAL', `The network-size plates fell out of step at frame ${plate.index}.`);
        this.current = { index: plate.index, plate: next.value.data };
        yield plate;
      }
    } finally {
      await small.return(undefined);
    }
  }

  /** The input of `frame` (the plate `follow` last passed) with the face moved to `edited`. */
  input(frame: number, volume: Float32Array, edited: FrameParams): Float32Array {
    const current = this.at(frame);
    current.edited = edited;
    const from = this.warp.faceInCrop(this.conditioning.params(frame));
    const to = this.warp.faceInCrop(edited);
    return plateConditionedInput(volume, CHANNELS_PER_FRAME * this.conditioning.windowSize, this.warp, bytesToSigned(current.plate), from, to);
  }

  /** The picture to composite for `plate`, whose network input and output are given. */
  atCropResolution(plate: RgbFrame, input: Float32Array, output: Float32Array): SynthesizedCrop {
    const { edited } = this.at(plate.index);
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

  private at(frame: number): NonNullable<PlateInput['current']> {
    if (this.current?.index !== frame) throw new DvpError('INTERNAL', `No network-size plate for frame ${frame}.`);
    return this.current;
  }
}

/**
 * picture (size²×3) += the network's correction (output − warped plate, n²×3; without a warped
 * plate, the output itself) upsampled bilinearly to size², clamped to [−1, 1].
 */
export function addUpsampledCorrection(picture: Float32Array, size: number, output: Float32Array, warpedSmall: Float32Array | undefined, n: number): void {
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
        const at = (i: number): number => output[i + c]! - (warpedSmall ? warpedSmall[i + c]! : 0);
        const top = at(i00) + fx * (at(i00 + 3) - at(i00));
        const bottom = at(i10) + fx * (at(i10 + 3) - at(i10));
        const o = (y * size + x) * 3 + c;
        picture[o] = Math.max(-1, Math.min(1, picture[o]! + top + fy * (bottom - top)));
      }
    }
  }
}
