/**
 * What the translation network trains and evaluates on: pairs of a conditioning volume X
 * (H×W×9·Nw, channels-last, in [−1, 1]) and the real frame Y (H×W×3 in [−1, 1]), one per
 * target-clip frame, plus the face parameters of that frame for the nearest-neighbour
 * baseline. The conditioning module provides the real source; tests use stand-ins.
 */
import { DvpError } from '../../shared/errors.js';

export interface TrainingExample {
  input: Float32Array;
  target: Float32Array;
}

export interface TrainingSource {
  /** Examples, one per frame of `frames`. */
  readonly size: number;
  readonly resolution: number;
  readonly inputChannels: number;
  /** Clip frame index of example i (its window ends there). */
  frame(index: number): number;
  sample(index: number): Promise<TrainingExample>;
  /** The frame's face parameters (pose, expression, gaze…) compared by the nearest-neighbour baseline. */
  parameters(index: number): Float32Array;
  /** Releases caches and child processes. */
  close?(): void;
}

export interface DataSplit {
  /** Example indices used for training (the first two thirds of the clip's frames). */
  train: number[];
  /** Example indices held out for evaluation (the last third). */
  heldOut: number[];
}

/** Self-reenactment split: train on the first two thirds of the clip, hold out the rest. */
export function defaultSplit(source: TrainingSource, trainFraction = 2 / 3): DataSplit {
  if (source.size < 2) throw new DvpError('INVALID_ARGUMENT', `A training source needs at least two frames to split, it has ${source.size}.`);
  const cut = Math.min(source.size - 1, Math.max(1, Math.floor(source.size * trainFraction)));
  const train: number[] = [];
  const heldOut: number[] = [];
  for (let i = 0; i < source.size; i++) (i < cut ? train : heldOut).push(i);
  return { train, heldOut };
}

/** Float image in [−1, 1] from RGB bytes. */
export function bytesToSigned(data: Uint8Array): Float32Array {
  const out = new Float32Array(data.length);
  for (let i = 0; i < data.length; i++) out[i] = data[i]! / 127.5 - 1;
  return out;
}

/** RGB bytes from a float image in [−1, 1] (clamped). */
export function signedToBytes(data: Float32Array): Uint8Array {
  const out = new Uint8Array(data.length);
  for (let i = 0; i < data.length; i++) out[i] = Math.max(0, Math.min(255, Math.round((data[i]! + 1) * 127.5)));
  return out;
}
