/** Messages between the tracking job and its detector worker threads. */
import type { VideoInfo } from '../media/probe.js';
import type { Detection } from './detector.js';

export interface WorkerRequest {
  file: string;
  info: VideoInfo;
  start: number;
  count: number;
}

export interface WorkerFace extends Detection {
  /** RGB sampled at the 468 mesh points, 468 × 3. */
  colours: Uint8Array;
}

export type WorkerMessage =
  | { type: 'ready' }
  | { type: 'frame'; index: number; faces: WorkerFace[] }
  | { type: 'chunk-done'; start: number; count: number }
  /** Decoding stopped inside the chunk: frames from firstUnread to the chunk's end could not be read. */
  | { type: 'chunk-broken'; start: number; count: number; firstUnread: number; message: string }
  | { type: 'error'; message: string; code: string };
