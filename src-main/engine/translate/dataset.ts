/**
 * What the translation network trains and evaluates on: pairs of a conditioning volume X
 * (H×W×9·Nw, channels-last, in [−1, 1]) and the real frame Y (H×W×3 in [−1, 1]), one per
 * target-clip frame, plus the face parameters of that frame for the nearest-neighbour
 * baseline. The production source is the conditioning module's ConditionedClipSource.
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
  /**
   * Example `index`. Without `draw` it is the example's one canonical form (evaluation,
   * previews); training passes a draw that grows with the step and batch slot, from which a
   * source that varies its examples (the plate partner of a plate-conditioned model) derives
   * its choice, so a resumed run sees the same examples as an uninterrupted one.
   */
  sample(index: number, draw?: number): Promise<TrainingExample>;
  /** The real frame of example `index` (its training target), H×W×3 in [−1, 1]. */
  target(index: number): Float32Array;
  /**
   * A plate-conditioned source (`NetworkConfig.plate`): example `index` with the plate of example
   * `plateIndex` warped to its face — time-shifted self-reenactment when the two differ.
   */
  sampleWithPlate?(index: number, plateIndex: number): Promise<TrainingExample>;
  /** The frame's face parameters (pose, expression, gaze…) compared by the nearest-neighbour baseline. */
  parameters(index: number): Float32Array;
  /** Releases caches and child processes. */
  close?(): void;
}

export interface DataSplit {
  /** Example indices used for training. */
  train: number[];
  /** Example indices held out for evaluation. */
  heldOut: number[];
}

/**
 * Self-reenactment split by clip frame: examples before `heldOutFrom` train, the rest are
 * held out (the default range of a model puts the cut after the first two thirds).
 */
export function splitAtFrame(source: TrainingSource, heldOutFrom: number): DataSplit {
  const train: number[] = [];
  const heldOut: number[] = [];
  for (let i = 0; i < source.size; i++) (source.frame(i) < heldOutFrom ? train : heldOut).push(i);
  if (train.length === 0 || heldOut.length === 0) {
    throw new DvpError('INVALID_ARGUMENT', `Splitting the training frames at frame ${heldOutFrom} leaves ${train.length} to train on and ${heldOut.length} to hold out; both need at least one.`);
  }
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
