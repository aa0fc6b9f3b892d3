/**
 * Worker thread: decodes one contiguous frame range and runs the face detector on it,
 * posting each frame's faces (points, box, scores, colours sampled at the 468 vertices).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { readFrames } from '../media/frame-reader.js';
import type { VideoInfo } from '../media/probe.js';
import { isDvpError } from '../../shared/errors.js';
import { FaceDetector } from './detector.js';
import { refineIrises } from './iris-locator.js';
import { sampleColours } from './sample.js';
import type { WorkerFace, WorkerMessage, WorkerRequest } from './detect-protocol.js';

/** Faces smaller than this share of the largest face's box are not followed. */
const SMALL_FACE_SHARE = 0.5;

const port = parentPort;
if (!port) throw new Error('detect-worker must run as a worker thread.');
const options = workerData as { maxFaces: number };
const detectorPromise = FaceDetector.create({ maxFaces: options.maxFaces });

function post(message: WorkerMessage, transfer: ArrayBuffer[] = []): void {
  port!.postMessage(message, transfer);
}

async function runChunk(file: string, info: VideoInfo, start: number, count: number): Promise<void> {
  const detector = await detectorPromise;
  let next = start;
  // Faces under half the size of the largest one (posters, screens, people far behind) are ignored:
  // following them would cost a mesh run per frame and they are never the subject.
  let minSize = 0;
  let first = true;
  try {
    for await (const frame of readFrames(file, info, { start, count })) {
      let faces = await detector.detect(frame.data, frame.width, frame.height, { fresh: first, minSize });
      const largest = Math.max(0, ...faces.map((f) => f.detectorSize));
      // The box detector measures faces of non-square frames on a scale shrunk by the aspect ratio.
      const threshold = (SMALL_FACE_SHARE * largest * Math.min(frame.width, frame.height)) / Math.max(frame.width, frame.height);
      if (first && faces.some((f) => f.detectorSize < SMALL_FACE_SHARE * largest)) {
        faces = await detector.detect(frame.data, frame.width, frame.height, { fresh: true, minSize: threshold });
      }
      if (largest > 0) minSize = threshold;
      first = false;
      for (const face of faces) refineIrises(frame.data, frame.width, frame.height, face.points);
      const out: WorkerFace[] = faces.map((face) => ({ ...face, colours: sampleColours(frame.data, frame.width, frame.height, face.points) }));
      post({ type: 'frame', index: frame.index, faces: out }, out.flatMap((f) => [f.points.buffer as ArrayBuffer, f.colours.buffer as ArrayBuffer]));
      next = frame.index + 1;
    }
    post({ type: 'chunk-done', start, count });
  } catch (error) {
    if (isDvpError(error) && error.code === 'CORRUPT_VIDEO') {
      post({ type: 'chunk-broken', start, count, firstUnread: next, message: error.message });
      return;
    }
    throw error;
  }
}

port.on('message', (request: WorkerRequest) => {
  runChunk(request.file, request.info, request.start, request.count).catch((error: unknown) => {
    post({ type: 'error', message: (error as Error)?.message ?? String(error), code: isDvpError(error) ? error.code : 'INTERNAL' });
  });
});
post({ type: 'ready' });
