/**
 * Fits a clip's frames on worker threads: the frames are cut into one contiguous run per thread
 * (each run warm-starts frame to frame on its own). Short clips are fitted inline.
 */
import { DvpError } from '../../shared/errors.js';
import type { FaceModel } from '../face/model.js';
import { fitSequence, type FitInput, type FitOutput } from './fit-sequence.js';
import { startWorker } from './start-worker.js';

/** Below this many frames a worker's start-up costs more than it saves. */
const INLINE_FRAMES = 120;

export async function fitFrames(model: FaceModel, inputs: FitInput[], workers: number, signal?: AbortSignal): Promise<FitOutput[]> {
  if (workers <= 1 || inputs.length < INLINE_FRAMES) return fitSequence(model, inputs);
  const size = Math.ceil(inputs.length / workers);
  const runs: FitInput[][] = [];
  for (let i = 0; i < inputs.length; i += size) runs.push(inputs.slice(i, i + size));
  const started = runs.map((run) => startWorker('fit-worker', { model, inputs: run }));
  const onAbort = (): void => {
    for (const worker of started) void worker.terminate();
  };
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    const parts = await Promise.all(
      started.map(
        (worker) =>
          new Promise<FitOutput[]>((resolve, reject) => {
            worker.once('message', (message: { type: 'done'; results: FitOutput[] } | { type: 'error'; message: string }) => {
              if (message.type === 'done') resolve(message.results);
              else reject(new DvpError('INTERNAL', `fitting the face model failed: ${message.message}`));
            });
            worker.once('error', reject);
            worker.once('exit', (code) => {
              if (signal?.aborted) reject(new DvpError('CANCELLED', 'Face tracking was cancelled.'));
              else if (code !== 0) reject(new DvpError('INTERNAL', `a face fitting thread stopped unexpectedly (exit code ${code}).`));
            });
          }),
      ),
    );
    return parts.flat();
  } finally {
    signal?.removeEventListener('abort', onAbort);
    await Promise.all(started.map((worker) => worker.terminate()));
  }
}
