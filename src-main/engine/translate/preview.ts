import { writePng, type RgbImage } from '../media/png.js';
import { currentFrameOffset, PLATE_CHANNELS } from './config.js';
import { signedToBytes } from './dataset.js';

/** The current frame's diffuse-colour conditioning image (the first three of its channels). */
export function conditioningImage(input: Float32Array, resolution: number): Float32Array {
  return threeChannels(input, resolution, currentFrameOffset(input.length / (resolution * resolution)));
}

/** The warped plate of a plate-conditioned input (its last three channels). */
export function plateImage(input: Float32Array, resolution: number): Float32Array {
  const channels = input.length / (resolution * resolution);
  return threeChannels(input, resolution, channels - PLATE_CHANNELS);
}

function threeChannels(input: Float32Array, resolution: number, offset: number): Float32Array {
  const channels = input.length / (resolution * resolution);
  const out = new Float32Array(resolution * resolution * 3);
  for (let p = 0; p < resolution * resolution; p++) {
    for (let c = 0; c < 3; c++) out[p * 3 + c] = input[p * channels + offset + c]!;
  }
  return out;
}

/** Side-by-side strip of square [−1, 1] RGB images with a 2-pixel black gap. */
export function strip(images: Float32Array[], resolution: number): RgbImage {
  const gap = 2;
  const width = images.length * resolution + (images.length - 1) * gap;
  const data = new Uint8Array(width * resolution * 3);
  images.forEach((image, i) => {
    const bytes = signedToBytes(image);
    for (let y = 0; y < resolution; y++) {
      data.set(bytes.subarray(y * resolution * 3, (y + 1) * resolution * 3), (y * width + i * (resolution + gap)) * 3);
    }
  });
  return { width, height: resolution, channels: 3, data };
}

/** Writes conditioning | output | ground truth as one PNG. */
export function writePreview(file: string, input: Float32Array, output: Float32Array, target: Float32Array, resolution: number): void {
  writePng(file, strip([conditioningImage(input, resolution), output, target], resolution));
}
