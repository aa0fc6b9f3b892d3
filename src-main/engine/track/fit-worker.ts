/** Worker thread: fits one run of frames (fit-sequence.ts) and posts the results back. */
import { parentPort, workerData } from 'node:worker_threads';
import type { FaceModel } from '../face/model.js';
import { fitSequence, type FitInput } from './fit-sequence.js';

const port = parentPort;
if (!port) throw new Error('fit-worker must run as a worker thread.');
const { model, inputs } = workerData as { model: FaceModel; inputs: FitInput[] };
try {
  const results = fitSequence(model, inputs);
  const transfer: ArrayBuffer[] = [];
  for (const r of results) {
    if (r.params) transfer.push(r.params.buffer as ArrayBuffer);
    if (r.errorsPct) transfer.push(r.errorsPct.buffer as ArrayBuffer);
  }
  port.postMessage({ type: 'done', results }, transfer);
} catch (error) {
  port.postMessage({ type: 'error', message: (error as Error)?.message ?? String(error) });
}
