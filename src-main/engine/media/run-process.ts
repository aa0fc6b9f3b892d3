import { spawn } from 'node:child_process';
import { DvpError } from '../../shared/errors.js';

export interface ProcessResult {
  stdout: Buffer;
  stderr: string;
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** Runs a program to completion, collecting stdout (binary) and stderr (text). */
export function runProcess(command: string, args: readonly string[], options: { signal?: AbortSignal } = {}): Promise<ProcessResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let err = '';
    const onAbort = (): void => {
      child.kill('SIGKILL');
    };
    options.signal?.addEventListener('abort', onAbort, { once: true });
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      err += chunk;
      if (err.length > 1 << 20) err = err.slice(-(1 << 19));
    });
    child.on('error', (error) => {
      options.signal?.removeEventListener('abort', onAbort);
      const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
      reject(
        new DvpError(
          'FFMPEG_FAILED',
          missing ? `${command} was not found. Install ffmpeg (e.g. apt-get install ffmpeg) or set DVP_FFMPEG.` : `${command} could not start: ${error.message}`,
          { cause: error },
        ),
      );
    });
    child.on('close', (code, signal) => {
      options.signal?.removeEventListener('abort', onAbort);
      if (options.signal?.aborted) {
        reject(new DvpError('CANCELLED', `${command} was cancelled.`));
        return;
      }
      resolve({ stdout: Buffer.concat(out), stderr: err, code, signal });
    });
  });
}

/** The last meaningful lines of ffmpeg's stderr, for error messages. */
export function stderrTail(stderr: string, lines = 3): string {
  return stderr
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.length > 0)
    .slice(-lines)
    .join(' | ');
}
