import type { Writable } from 'node:stream';
import { DvpError } from '../../shared/errors.js';
import { audioInputArgs, audioMapArgs, type AudioSource } from './audio-source.js';
import { startFfmpeg, type FfmpegRun } from './ffmpeg-process.js';
import { OUTPUT_FORMATS, rec709TagArgs, type OutputFormatId } from './output-formats.js';
import { OutputFile } from './output-file.js';
import type { OutputPolicy } from './output-guard.js';
import { formatRational, type Rational } from './rational.js';

/** `overwrite` and `protect`: what the output may replace (`output-guard.ts`); the audio input is protected too. */
export interface FrameWriterOptions extends OutputPolicy {
  file: string;
  format: OutputFormatId;
  width: number;
  height: number;
  fps: Rational;
  /** Start timecode written into the file (HH:MM:SS:FF). */
  timecode?: string;
  audio?: AudioSource;
  signal?: AbortSignal;
}

/**
 * Encodes RGB (or RGBA for ProRes 4444) frames we produce into a video file, with
 * optional audio from another file, cut to the video's length.
 */
export class FrameWriter {
  private framesWritten = 0;
  private closed = false;

  private constructor(
    private readonly options: FrameWriterOptions,
    private readonly run: FfmpegRun,
    private readonly output: OutputFile,
    private readonly exit: Promise<unknown>,
    readonly frameBytes: number,
  ) {}

  static open(options: FrameWriterOptions): FrameWriter {
    const format = OUTPUT_FORMATS[options.format];
    const audio = options.audio ?? { kind: 'none' };
    const output = new OutputFile(options.file, {
      ...options,
      protect: [...(options.protect ?? []), ...(audio.kind === 'file' ? [{ file: audio.path, what: 'the audio input' }] : [])],
    });
    const channels = format.inputPixFmt === 'rgba' ? 4 : 3;
    const args = [
      '-f', 'rawvideo', '-pix_fmt', format.inputPixFmt, '-s', `${options.width}x${options.height}`,
      '-framerate', formatRational(options.fps), '-i', 'pipe:0',
      ...audioInputArgs(audio),
      '-map', '0:v:0', ...audioMapArgs(audio, 1),
      '-vf', `scale=out_color_matrix=bt709:out_range=tv:flags=bicubic+accurate_rnd+full_chroma_int,format=${format.pixFmt}`,
      ...format.videoArgs, ...rec709TagArgs(options.format),
      ...(audio.kind === 'none' ? [] : [...format.audioArgs, '-shortest']),
      ...(options.timecode ? ['-timecode', options.timecode] : []),
      '-y', output.partial,
    ];
    const run = startFfmpeg(args, options.signal ? { subject: options.file, stdin: 'pipe', signal: options.signal } : { subject: options.file, stdin: 'pipe' });
    const exit = run.done.then(
      () => undefined,
      (error: unknown) => error,
    );
    // A broken pipe surfaces through `exit` with ffmpeg's own message.
    run.child.stdin?.on('error', () => undefined);
    return new FrameWriter(options, run, output, exit, options.width * options.height * channels);
  }

  get frames(): number {
    return this.framesWritten;
  }

  async write(frame: Uint8Array): Promise<void> {
    if (this.closed) throw new DvpError('INTERNAL', `${this.options.file}: write after finish.`);
    if (frame.length !== this.frameBytes) {
      throw new DvpError('INTERNAL', `${this.options.file}: a frame has ${frame.length} bytes, expected ${this.frameBytes}.`);
    }
    const stdin = this.run.child.stdin as Writable;
    const ok = stdin.write(frame);
    this.framesWritten++;
    if (!ok) {
      const failure = await Promise.race([new Promise<undefined>((resolve) => stdin.once('drain', () => resolve(undefined))), this.exit]);
      if (failure) throw failure;
    }
  }

  /** Flushes, waits for ffmpeg, and moves the file into place. */
  async finish(): Promise<void> {
    this.closed = true;
    this.run.child.stdin?.end();
    const failure = await this.exit;
    if (failure) {
      this.output.discard();
      throw failure;
    }
    this.output.commit();
  }

  /** Stops encoding and removes the partial file. */
  async abort(): Promise<void> {
    this.closed = true;
    this.run.child.kill('SIGKILL');
    await this.exit;
    this.output.discard();
  }
}
