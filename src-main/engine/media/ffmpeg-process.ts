import { spawn, type ChildProcess } from 'node:child_process';
import { DvpError } from '../../shared/errors.js';
import { ffmpegBinaries } from './ffmpeg-binary.js';
import { stderrTail } from './run-process.js';

export interface FfmpegRun {
  child: ChildProcess;
  /** Resolves when ffmpeg exits 0; rejects with a DvpError naming `subject` otherwise. */
  done: Promise<void>;
}

export interface FfmpegOptions {
  /** The file the user thinks of (named in error messages). */
  subject: string;
  signal?: AbortSignal;
  /** Called with the number of frames ffmpeg has output so far (parsed from -progress). */
  onFrames?: (frames: number) => void;
  stdin?: 'pipe' | 'ignore';
  stdout?: 'pipe' | 'ignore';
}

/**
 * Spawns ffmpeg with `args` (an array, never a shell string). Progress comes on fd 3
 * via `-progress pipe:3` so it never mixes with the error text collected from stderr.
 */
export function startFfmpeg(args: readonly string[], options: FfmpegOptions): FfmpegRun {
  const { ffmpeg } = ffmpegBinaries();
  const fullArgs = ['-hide_banner', '-nostdin', '-v', 'error', '-progress', 'pipe:3', '-nostats', ...args];
  if (options.stdin === 'pipe') fullArgs.splice(fullArgs.indexOf('-nostdin'), 1);
  const child = spawn(ffmpeg, fullArgs, { stdio: [options.stdin ?? 'ignore', options.stdout ?? 'ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => {
    stderr += chunk;
    if (stderr.length > 1 << 20) stderr = stderr.slice(-(1 << 19));
  });
  const progressStream = child.stdio[3] as NodeJS.ReadableStream | null;
  if (progressStream) {
    let pending = '';
    progressStream.setEncoding('utf8');
    progressStream.on('data', (chunk: string) => {
      pending += chunk;
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        if (line.startsWith('frame=')) options.onFrames?.(Number(line.slice(6)));
      }
    });
  }
  const onAbort = (): void => {
    child.kill('SIGKILL');
  };
  options.signal?.addEventListener('abort', onAbort, { once: true });

  const done = new Promise<void>((resolve, reject) => {
    child.on('error', (error) => {
      const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
      reject(
        new DvpError('FFMPEG_FAILED', missing ? `${ffmpeg} was not found. Install ffmpeg or set DVP_FFMPEG.` : `${ffmpeg} could not start: ${error.message}`, {
          cause: error,
        }),
      );
    });
    child.on('close', (code) => {
      options.signal?.removeEventListener('abort', onAbort);
      if (options.signal?.aborted) {
        reject(new DvpError('CANCELLED', `Processing ${options.subject} was cancelled.`, { file: options.subject }));
      } else if (code === 0) {
        resolve();
      } else {
        reject(ffmpegError(options.subject, stderr, code));
      }
    });
  });
  return { child, done };
}

export function ffmpegError(subject: string, stderr: string, code: number | null): DvpError {
  const tail = stderrTail(stderr);
  if (/No space left on device/i.test(stderr)) return new DvpError('DISK_FULL', `${subject}: the disk is full (${tail}).`, { file: subject });
  if (/Permission denied|Read-only file system/i.test(stderr)) {
    return new DvpError('OUTPUT_UNWRITABLE', `${subject}: permission denied (${tail}).`, { file: subject });
  }
  if (/Invalid data found|moov atom not found|Truncat|corrupt|error while decoding/i.test(stderr)) {
    return new DvpError('CORRUPT_VIDEO', `${subject}: the video is damaged (${tail}).`, { file: subject });
  }
  return new DvpError('FFMPEG_FAILED', `${subject}: ffmpeg failed (exit ${code}): ${tail || 'no message'}.`, { file: subject });
}
