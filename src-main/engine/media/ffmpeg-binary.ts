import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

export interface FfmpegBinaries {
  ffmpeg: string;
  ffprobe: string;
  /** Where the binaries came from, for logs and `dvp info`. */
  source: 'env' | 'ffmpeg-static' | 'system';
}

let cached: FfmpegBinaries | undefined;

/**
 * The one place that decides which ffmpeg runs: DVP_FFMPEG/DVP_FFPROBE override →
 * the ffmpeg-static package's binary (packaged builds) → `ffmpeg` on PATH.
 */
export function ffmpegBinaries(): FfmpegBinaries {
  if (cached) return cached;
  const envFfmpeg = process.env.DVP_FFMPEG;
  if (envFfmpeg) {
    cached = { ffmpeg: envFfmpeg, ffprobe: process.env.DVP_FFPROBE ?? siblingProbe(envFfmpeg), source: 'env' };
    return cached;
  }
  const bundled = ffmpegStaticPath();
  if (bundled && existsSync(bundled)) {
    // Packaged builds unpack the binary next to app.asar; the probe ships beside it.
    const unpacked = bundled.replace(`app.asar${path.sep}`, `app.asar.unpacked${path.sep}`);
    cached = { ffmpeg: unpacked, ffprobe: siblingProbe(unpacked), source: 'ffmpeg-static' };
    return cached;
  }
  cached = { ffmpeg: 'ffmpeg', ffprobe: 'ffprobe', source: 'system' };
  return cached;
}

function siblingProbe(ffmpeg: string): string {
  const candidate = path.join(path.dirname(ffmpeg), path.basename(ffmpeg).replace(/ffmpeg/, 'ffprobe'));
  return existsSync(candidate) ? candidate : 'ffprobe';
}

function ffmpegStaticPath(): string | undefined {
  try {
    const require = createRequire(import.meta.url);
    const resolved = require('ffmpeg-static') as unknown;
    return typeof resolved === 'string' ? resolved : undefined;
  } catch {
    return undefined;
  }
}
