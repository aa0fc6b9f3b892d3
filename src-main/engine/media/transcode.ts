import { DvpError } from '../../shared/errors.js';
import type { ProgressListener } from '../../shared/cancel.js';
import { ProgressMeter } from '../../shared/cancel.js';
import { audioInputArgs, audioMapArgs, type AudioSource } from './audio-source.js';
import { startFfmpeg } from './ffmpeg-process.js';
import { OUTPUT_FORMATS, rec709TagArgs, type OutputFormatId } from './output-formats.js';
import { OutputFile } from './output-file.js';
import type { OutputPolicy } from './output-guard.js';
import type { VideoInfo } from './probe.js';
import { offsetTimecode } from './timecode.js';

/** `overwrite` and `protect`: what the output may replace (`output-guard.ts`); the source and the audio file are protected too. */
export interface TranscodeOptions extends OutputPolicy {
  format: OutputFormatId;
  /** Inclusive frame range; the whole clip by default. */
  range?: { first: number; last: number };
  /** 'keep' = the source's first audio stream; or another file's audio; or none. */
  audio: 'keep' | 'none' | { file: string };
  signal?: AbortSignal;
  onProgress?: ProgressListener;
}

export interface TranscodeResult {
  file: string;
  frames: number;
  timecode: string;
}

/**
 * Re-encodes a clip (or a frame range of it) straight from its decoded frames,
 * carrying the timecode through (offset by the range start).
 */
export async function transcode(source: VideoInfo, out: string, options: TranscodeOptions): Promise<TranscodeResult> {
  const first = options.range?.first ?? 0;
  const last = options.range?.last ?? source.frameCount - 1;
  if (!Number.isInteger(first) || !Number.isInteger(last) || first < 0 || last < first || last >= source.frameCount) {
    throw new DvpError('INVALID_ARGUMENT', `${source.path}: range ${first}-${last} is outside the clip (frames 0–${source.frameCount - 1}).`, { file: source.path });
  }
  const format = OUTPUT_FORMATS[options.format];
  const output = new OutputFile(out, {
    ...options,
    protect: [
      ...(options.protect ?? []),
      { file: source.path, what: "the transcode's input" },
      ...(typeof options.audio === 'object' ? [{ file: options.audio.file, what: 'the audio input' }] : []),
    ],
  });
  const frames = last - first + 1;
  const frameSec = source.fps.den / source.fps.num;
  const windowStart = first > 0 ? (first - 0.5) * frameSec : 0;
  const windowLength = (last + 0.5) * frameSec - windowStart;
  const durationSec = frames * frameSec;
  // 'keep' on a silent clip gives a silent output, like the source.
  const audio: AudioSource =
    options.audio === 'none' || (options.audio === 'keep' && source.audio.length === 0)
      ? { kind: 'none' }
      : options.audio === 'keep'
        ? { kind: 'file', path: source.path, startSec: first * frameSec }
        : { kind: 'file', path: options.audio.file };
  const timecode = offsetTimecode(source.startTimecode, first, source.fps);
  const args = [
    // Input-side -ss/-t select exactly the frames of the range (pts in [first−½, last+½] frames):
    // an output-side -frames:v would close the file early and clip the audio tail.
    ...(windowStart > 0 ? ['-ss', windowStart.toFixed(6)] : []),
    '-t', windowLength.toFixed(6),
    '-i', source.path,
    ...audioInputArgs(audio, durationSec),
    '-map', '0:v:0', ...audioMapArgs(audio, 1),
    '-fps_mode', 'passthrough',
    ...format.videoArgs,
    // Other sources' tags pass through ffmpeg as they are.
    ...(source.colorSpace === 'bt709' ? rec709TagArgs(options.format) : []),
    ...(audio.kind === 'none' ? [] : format.audioArgs),
    '-timecode', timecode,
    '-y', output.partial,
  ];
  const meter = new ProgressMeter(frames);
  const run = startFfmpeg(args, {
    subject: source.path,
    ...(options.signal ? { signal: options.signal } : {}),
    onFrames: (done) => options.onProgress?.(meter.update(Math.min(done, frames))),
  });
  try {
    await run.done;
  } catch (error) {
    output.discard();
    throw error;
  }
  output.commit();
  options.onProgress?.(meter.update(frames));
  return { file: out, frames, timecode };
}
