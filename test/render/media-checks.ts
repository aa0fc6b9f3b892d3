import { spawnSync } from 'node:child_process';

/** The first audio stream of `file`, decoded by ffmpeg to mono float samples at `rate`. */
export function decodeAudio(file: string, rate = 16000): Float32Array {
  const result = spawnSync('ffmpeg', ['-v', 'error', '-i', file, '-map', '0:a:0', '-ac', '1', '-ar', String(rate), '-f', 'f32le', 'pipe:1'], { maxBuffer: 1 << 28 });
  if (result.status !== 0) throw new Error(`ffmpeg could not decode the audio of ${file}: ${result.stderr.toString()}`);
  const bytes = new Uint8Array(result.stdout);
  return new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
}

export function rms(samples: Float32Array, from = 0, to = samples.length): number {
  let sum = 0;
  for (let i = from; i < to; i++) sum += samples[i]! * samples[i]!;
  return Math.sqrt(sum / Math.max(1, to - from));
}

/** Dominant frequency from upward zero crossings (for a pure tone). */
export function toneFrequency(samples: Float32Array, rate: number, from = 0, to = samples.length): number {
  let crossings = 0;
  for (let i = from + 1; i < to; i++) if (samples[i - 1]! < 0 && samples[i]! >= 0) crossings++;
  return (crossings * rate) / (to - from);
}

/** The alpha plane of one frame of a video with alpha, as 8-bit grey. */
export function decodeAlpha(file: string, frame: number, width: number, height: number): Uint8Array {
  const result = spawnSync(
    'ffmpeg',
    ['-v', 'error', '-i', file, '-vf', `select=eq(n\\,${frame}),alphaextract,format=gray`, '-frames:v', '1', '-f', 'rawvideo', 'pipe:1'],
    { maxBuffer: 1 << 26 },
  );
  if (result.status !== 0) throw new Error(`ffmpeg could not extract the alpha of ${file}: ${result.stderr.toString()}`);
  const bytes = new Uint8Array(result.stdout);
  if (bytes.length !== width * height) throw new Error(`alpha of ${file}: ${bytes.length} bytes, expected ${width * height}.`);
  return bytes;
}
