import { writeFileSync } from 'node:fs';
import { PNG } from 'pngjs';
import { DvpError, fromFsError } from '../../shared/errors.js';

export interface RgbImage {
  width: number;
  height: number;
  channels: 3 | 4;
  data: Uint8Array;
}

export function encodePng(image: RgbImage): Buffer {
  const { width, height, channels, data } = image;
  if (data.length !== width * height * channels) {
    throw new DvpError('INTERNAL', `encodePng: ${data.length} bytes do not make a ${width}x${height}x${channels} image.`);
  }
  const png = new PNG({ width, height, colorType: channels === 4 ? 6 : 2, inputColorType: channels === 4 ? 6 : 2, inputHasAlpha: channels === 4 });
  png.data = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  return PNG.sync.write(png, { colorType: channels === 4 ? 6 : 2, inputColorType: channels === 4 ? 6 : 2, inputHasAlpha: channels === 4 });
}

export function writePng(file: string, image: RgbImage): void {
  try {
    writeFileSync(file, encodePng(image));
  } catch (error) {
    throw error instanceof DvpError ? error : fromFsError(error, file, 'write the PNG');
  }
}

export function decodePng(buffer: Buffer): RgbImage {
  const png = PNG.sync.read(buffer);
  return { width: png.width, height: png.height, channels: 4, data: new Uint8Array(png.data.buffer, png.data.byteOffset, png.data.byteLength) };
}
