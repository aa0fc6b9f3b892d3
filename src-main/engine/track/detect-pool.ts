/**
 * Runs face detection over a set of frames on worker threads (one detector per core). Frames
 * go out in contiguous chunks so each worker's mesh model can follow the face from frame to
 * frame; a chunk whose decoding breaks is resumed past the damaged frames, which are reported.
 */
import os from 'node:os';
import type { Worker } from 'node:worker_threads';
import type { VideoInfo } from '../media/probe.js';
import { DvpError, type DvpErrorCode } from '../../shared/errors.js';
import { throwIfCancelled } from '../../shared/cancel.js';
import type { WorkerFace, WorkerMessage, WorkerRequest } from './detect-protocol.js';
import { startWorker } from './start-worker.js';

export interface DetectPoolOptions {
  file: string;
  info: VideoInfo;
  /** Frame indices to detect, ascending. */
  frames: number[];
  workers?: number;
  maxFaces?: number;
  chunkSize?: number;
  signal?: AbortSignal;
  onFrame(index: number, faces: WorkerFace[]): void;
  /** Frames that could not be decoded. */
  onCorrupt(indices: number[]): void;
}

interface Chunk {
  start: number;
  count: number;
  /** Frames skipped before this chunk after a decoding failure (grows while failures repeat). */
  skip: number;
}

export function defaultWorkerCount(): number {
  return Math.max(1, Math.min(2, os.availableParallelism()));
}

function chunksOf(frames: number[], size: number): Chunk[] {
  const chunks: Chunk[] = [];
  let i = 0;
  while (i < frames.length) {
    const start = frames[i]!;
    let count = 1;
    while (i + count < frames.length && frames[i + count] === start + count && count < size) count++;
    chunks.push({ start, count, skip: 1 });
    i += count;
  }
  return chunks;
}

export async function detectFrames(options: DetectPoolOptions): Promise<void> {
  throwIfCancelled(options.signal, 'Face tracking');
  if (options.frames.length === 0) return;
  const queue = chunksOf(options.frames, options.chunkSize ?? 100);
  // At least one thread: with none, nothing would ever settle the promise below.
  const workerCount = Math.max(1, Math.min(Math.floor(options.workers ?? defaultWorkerCount()), queue.length));
  const maxFaces = options.maxFaces ?? 2;
  const workers: Worker[] = [];
  try {
    await new Promise<void>((resolve, reject) => {
      let active = 0;
      let failed = false;
      const fail = (error: unknown): void => {
        if (failed) return;
        failed = true;
        reject(error);
      };
      const onAbort = (): void => fail(new DvpError('CANCELLED', 'Face tracking was cancelled.'));
      options.signal?.addEventListener('abort', onAbort, { once: true });
      const finishIfIdle = (): void => {
        if (active === 0 && queue.length === 0) {
          options.signal?.removeEventListener('abort', onAbort);
          resolve();
        }
      };
      const dispatch = (worker: Worker, busy: { chunk: Chunk | undefined }): void => {
        const chunk = queue.shift();
        busy.chunk = chunk;
        if (!chunk) {
          finishIfIdle();
          return;
        }
        active++;
        const request: WorkerRequest = { file: options.file, info: options.info, start: chunk.start, count: chunk.count };
        worker.postMessage(request);
      };
      for (let w = 0; w < workerCount; w++) {
        const worker = startWorker('detect-worker', { maxFaces });
        workers.push(worker);
        const busy: { chunk: Chunk | undefined } = { chunk: undefined };
        worker.on('message', (message: WorkerMessage) => {
          if (failed) return;
          try {
            switch (message.type) {
              case 'ready':
                dispatch(worker, busy);
                break;
              case 'frame':
                options.onFrame(message.index, message.faces);
                break;
              case 'chunk-done':
                active--;
                dispatch(worker, busy);
                break;
              case 'chunk-broken': {
                active--;
                const end = message.start + message.count;
                const chunk = busy.chunk!;
                const failedAtOnce = message.firstUnread === message.start;
                const skip = failedAtOnce ? chunk.skip : 1;
                const resumeAt = Math.min(end, message.firstUnread + skip);
                const lost: number[] = [];
                for (let f = message.firstUnread; f < resumeAt; f++) lost.push(f);
                options.onCorrupt(lost);
                if (resumeAt < end) queue.unshift({ start: resumeAt, count: end - resumeAt, skip: failedAtOnce ? skip * 2 : 2 });
                dispatch(worker, busy);
                break;
              }
              case 'error':
                fail(new DvpError(message.code as DvpErrorCode, message.message));
                break;
            }
          } catch (error) {
            fail(error);
          }
        });
        worker.on('error', fail);
        worker.on('exit', (code) => {
          if (!failed && (busy.chunk !== undefined || queue.length > 0) && code !== 0) fail(new DvpError('INTERNAL', `a face detector thread stopped unexpectedly (exit code ${code}).`));
        });
      }
    });
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
}
