import type { Readable } from 'node:stream';
import { DvpError } from '../../shared/errors.js';
import { startFfmpeg } from './ffmpeg-process.js';
import type { VideoInfo } from './probe.js';

export interface CropRect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface FrameReadOptions {
  /** First frame index (0-based). */
  start?: number;
  /** Number of frames; defaults to the rest of the clip. */
  count?: number;
  /** Applied before `size`, in source pixels; must lie inside the frame. */
  crop?: CropRect;
  /** Output size after the crop. */
  size?: { width: number; height: number };
  signal?: AbortSignal;
}

/** One decoded frame: RGB24, row-major, `width * height * 3` bytes. */
export interface RgbFrame {
  index: number;
  width: number;
  height: number;
  data: Uint8Array;
}

interface ReadPlan {
  start: number;
  count: number;
  width: number;
  height: number;
  args: string[];
}

function plan(file: string, info: VideoInfo, options: FrameReadOptions): ReadPlan {
  const start = options.start ?? 0;
  if (!Number.isInteger(start) || start < 0 || start >= info.frameCount) {
    throw new DvpError('INVALID_ARGUMENT', `${file}: frame ${start} is outside the clip (0–${info.frameCount - 1}).`, { file });
  }
  const count = Math.min(options.count ?? info.frameCount - start, info.frameCount - start);
  if (!Number.isInteger(count) || count <= 0) throw new DvpError('INVALID_ARGUMENT', `${file}: the frame count must be a positive integer.`, { file });

  const filters: string[] = [];
  let width = info.width;
  let height = info.height;
  const crop = options.crop;
  if (crop) {
    const inside = crop.x >= 0 && crop.y >= 0 && crop.width > 0 && crop.height > 0 && crop.x + crop.width <= info.width && crop.y + crop.height <= info.height;
    if (!inside || ![crop.x, crop.y, crop.width, crop.height].every(Number.isInteger)) {
      throw new DvpError('INVALID_ARGUMENT', `${file}: crop ${crop.width}x${crop.height}+${crop.x}+${crop.y} does not fit the ${info.width}x${info.height} frame.`, { file });
    }
    filters.push(`crop=${crop.width}:${crop.height}:${crop.x}:${crop.y}:exact=1`);
    width = crop.width;
    height = crop.height;
  }
  let resize = 'iw:ih:flags=bicubic';
  if (options.size && (options.size.width !== width || options.size.height !== height)) {
    const shrinking = options.size.width < width && options.size.height < height;
    resize = `${options.size.width}:${options.size.height}:flags=${shrinking ? 'area' : 'bicubic'}`;
    width = options.size.width;
    height = options.size.height;
  }
  filters.push(`scale=${resize}+accurate_rnd+full_chroma_int:${colourConversion(info)}`, 'format=rgb24');

  const args: string[] = [];
  if (start > 0) {
    // Seek to half a frame before the wanted one: ffmpeg's accurate seek then drops every
    // earlier frame, so the first frame out is exactly `start`.
    const seconds = ((start - 0.5) * info.fps.den) / info.fps.num;
    args.push('-ss', seconds.toFixed(6));
  }
  args.push('-i', file, '-map', '0:v:0', '-an', '-sn', '-dn', '-fps_mode', 'passthrough', '-vf', filters.join(','));
  args.push('-frames:v', String(count), '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1');
  return { start, count, width, height, args };
}

/**
 * ffmpeg 5.1's scaler ignores the stream's colour tags and assumes Rec. 601 limited
 * range; name the source's matrix and range so RGB comes out right for HD material.
 */
function colourConversion(info: VideoInfo): string {
  const matrix = info.colorSpace === 'bt709' ? 'bt709' : info.colorSpace?.startsWith('bt2020') ? 'bt2020' : 'bt601';
  const full = info.colorRange === 'pc' || info.pixFmt.startsWith('yuvj');
  return `in_color_matrix=${matrix}:in_range=${full ? 'full' : 'limited'}`;
}

/**
 * Decodes frames in order through one ffmpeg process. Ends early only with an error:
 * a clip that stops decoding before the requested range is reported as damaged,
 * naming the first frame that could not be read.
 */
export async function* readFrames(file: string, info: VideoInfo, options: FrameReadOptions = {}): AsyncGenerator<RgbFrame> {
  const { start, count, width, height, args } = plan(file, info, options);
  const frameBytes = width * height * 3;
  const controller = new AbortController();
  const onOuterAbort = (): void => controller.abort();
  options.signal?.addEventListener('abort', onOuterAbort, { once: true });
  const run = startFfmpeg(args, { subject: file, stdout: 'pipe', signal: controller.signal });
  // Attach a handler now so an early exit is never an unhandled rejection.
  const exit = run.done.then(
    () => undefined,
    (error: unknown) => error,
  );
  let produced = 0;
  let finished = false;
  try {
    let buffer = Buffer.alloc(frameBytes);
    let filled = 0;
    for await (const chunk of run.child.stdout as Readable) {
      let offset = 0;
      const bytes = chunk as Buffer;
      while (offset < bytes.length) {
        const take = Math.min(frameBytes - filled, bytes.length - offset);
        bytes.copy(buffer, filled, offset, offset + take);
        filled += take;
        offset += take;
        if (filled === frameBytes) {
          yield { index: start + produced, width, height, data: new Uint8Array(buffer.buffer, buffer.byteOffset, frameBytes) };
          produced++;
          buffer = Buffer.alloc(frameBytes);
          filled = 0;
        }
      }
    }
    const error = await exit;
    if (options.signal?.aborted) throw new DvpError('CANCELLED', `Reading ${file} was cancelled.`, { file });
    if (error) throw error;
    if (produced < count) {
      throw new DvpError('CORRUPT_VIDEO', `${file}: decoding stopped at frame ${start + produced}; frames ${start + produced}–${start + count - 1} could not be read.`, { file });
    }
    finished = true;
  } finally {
    options.signal?.removeEventListener('abort', onOuterAbort);
    if (!finished) {
      controller.abort();
      await exit;
    }
  }
}

/** Reads one frame by index (a seek plus a short decode). */
export async function readFrame(file: string, info: VideoInfo, index: number, options: Omit<FrameReadOptions, 'start' | 'count'> = {}): Promise<RgbFrame> {
  for await (const frame of readFrames(file, info, { ...options, start: index, count: 1 })) return frame;
  throw new DvpError('CORRUPT_VIDEO', `${file}: frame ${index} could not be decoded.`, { file });
}
