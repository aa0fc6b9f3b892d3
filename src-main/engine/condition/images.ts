import { DvpError } from '../../shared/errors.js';
import type { RgbImage } from '../media/png.js';
import { CHANNELS_PER_FRAME, COLOUR_CHANNEL, CORRESPONDENCE_CHANNEL, EYES_CHANNEL } from './frame-renderer.js';

export interface ConditionImages {
  colour: RgbImage;
  correspondence: RgbImage;
  eyes: RgbImage;
}

/** Byte value of a [−1, 1] value: −1 → 0, +1 → 255, rounded. */
export function toByte(value: number): number {
  const v = Math.round((value + 1) * 127.5);
  return v < 0 ? 0 : v > 255 ? 255 : v;
}

/** Three channels starting at `channel` of a frame (pixel p at data[offset + p·stride]) as an 8-bit RGB image. */
export function channelsToImage(data: Float32Array, width: number, height: number, channel: number, stride = CHANNELS_PER_FRAME, offset = 0): RgbImage {
  const pixels = width * height;
  const bytes = new Uint8Array(3 * pixels);
  for (let p = 0, o = offset + channel; p < pixels; p++, o += stride) {
    bytes[3 * p] = toByte(data[o]!);
    bytes[3 * p + 1] = toByte(data[o + 1]!);
    bytes[3 * p + 2] = toByte(data[o + 2]!);
  }
  return { width, height, channels: 3, data: bytes };
}

/** The three conditioning images of one rendered frame. */
export function frameImages(data: Float32Array, width: number, height: number, stride = CHANNELS_PER_FRAME, offset = 0): ConditionImages {
  return {
    colour: channelsToImage(data, width, height, COLOUR_CHANNEL, stride, offset),
    correspondence: channelsToImage(data, width, height, CORRESPONDENCE_CHANNEL, stride, offset),
    eyes: channelsToImage(data, width, height, EYES_CHANNEL, stride, offset),
  };
}

/** Images of equal height side by side, separated by `gap` black columns. */
export function sideBySide(images: readonly RgbImage[], gap = 4): RgbImage {
  const height = images[0]?.height ?? 0;
  const width = images.reduce((w, image) => w + image.width, 0) + gap * Math.max(0, images.length - 1);
  const data = new Uint8Array(3 * width * height);
  let left = 0;
  for (const image of images) {
    if (image.height !== height) throw new DvpError('INTERNAL', `Images side by side must have one height (${image.height} vs ${height}).`);
    const channels = image.channels;
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < image.width; x++) {
        const s = (y * image.width + x) * channels;
        const d = 3 * (y * width + left + x);
        data[d] = image.data[s]!;
        data[d + 1] = image.data[s + 1]!;
        data[d + 2] = image.data[s + 2]!;
      }
    }
    left += image.width + gap;
  }
  return { width, height, channels: 3, data };
}
