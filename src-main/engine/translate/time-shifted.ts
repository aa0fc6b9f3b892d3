/**
 * Time-shifted self-reenactment: the protocol that judges a plate-conditioned network, which on
 * the plain held-out protocol would see the very frame it must produce. For held-out frames
 * t and t+k, the model gets the plate of t and the face parameters of t+k, and its output is
 * compared with the real frame t+k. Baselines: the unedited plate t (what an editor has without
 * the network) and the stronger of the two nearest-neighbour retrievals (all face parameters,
 * or head pose alone). A network without plate input just renders t+k from its parameters, so
 * both kinds of network are scored on the same pairs.
 */
import { throwIfCancelled } from '../../shared/cancel.js';
import { currentFrameOffset } from './config.js';
import type { DataSplit, TrainingSource } from './dataset.js';
import { synthesize } from './inference.js';
import { meanScores, scoreImage, type ImageScores } from './metrics.js';
import { baselineRetrievals, RETRIEVAL_KINDS, strongerRetrieval, type ParameterGroup, type RetrievalKind } from './nearest-neighbour.js';
import type { Generator } from './network.js';
import { plateImage } from './preview.js';

/** Scores over the whole crop, or inside the face. */
export interface ShiftedScores extends Candidates {
  /** k, in frames. */
  shift: number;
  pairs: number;
  /** The same inside the face: the pixels the face model covers in frame t+k. */
  face: Candidates;
}

export interface Candidates {
  model: ImageScores;
  /** The plate of frame t itself, unedited. */
  plate: ImageScores;
  /** A plate-conditioned model's input plate: the plate of t warped to the face of t+k, before the network. */
  warpedPlate?: ImageScores;
  /** The stronger nearest neighbour by PSNR, and which one it was. */
  nearestNeighbour: ImageScores;
  neighbourKind: RetrievalKind;
}

type Kind = 'model' | 'plate' | 'warpedPlate' | RetrievalKind;

export interface ShiftedPair {
  plate: number;
  target: number;
}

/** Held-out example pairs (t, t+k), at most `maxPairs` spread evenly over the held-out frames. */
export function shiftedPairs(source: TrainingSource, heldOut: readonly number[], shift: number, maxPairs: number): ShiftedPair[] {
  const byFrame = new Map(heldOut.map((i) => [source.frame(i), i]));
  const pairs: ShiftedPair[] = [];
  for (const index of heldOut) {
    const target = byFrame.get(source.frame(index) + shift);
    if (target !== undefined) pairs.push({ plate: index, target });
  }
  const stride = Math.max(1, Math.ceil(pairs.length / maxPairs));
  return pairs.filter((_, i) => i % stride === 0);
}

export async function evaluateTimeShifted(
  generator: Generator,
  source: TrainingSource,
  split: DataSplit,
  groups: readonly ParameterGroup[],
  options: { shifts: readonly number[]; maxPairs?: number; signal?: AbortSignal },
): Promise<ShiftedScores[]> {
  const r = source.resolution;
  const neighbours = baselineRetrievals(source, split.train, groups);
  const results: ShiftedScores[] = [];
  for (const shift of options.shifts) {
    const pairs = shiftedPairs(source, split.heldOut, shift, options.maxPairs ?? 60);
    if (pairs.length === 0) continue;
    const crop = new Map<Kind, ImageScores[]>();
    const face = new Map<Kind, ImageScores[]>();
    const add = (kind: Kind, image: Float32Array, truth: Float32Array, mask: Float32Array): void => {
      (crop.get(kind) ?? crop.set(kind, []).get(kind)!).push(scoreImage(image, truth, r, r));
      (face.get(kind) ?? face.set(kind, []).get(kind)!).push(scoreImage(image, truth, r, r, mask));
    };
    for (const pair of pairs) {
      throwIfCancelled(options.signal, 'Time-shifted evaluation');
      const example = source.sampleWithPlate ? await source.sampleWithPlate(pair.target, pair.plate) : await source.sample(pair.target);
      const mask = faceCoverage(example.input, r);
      const [output] = synthesize(generator, [example.input]);
      add('model', output!, example.target, mask);
      add('plate', source.target(pair.plate), example.target, mask);
      if (source.sampleWithPlate) add('warpedPlate', plateImage(example.input, r), example.target, mask);
      for (const kind of RETRIEVAL_KINDS) add(kind, source.target(neighbours[kind].nearest(source.parameters(pair.target))), example.target, mask);
    }
    results.push({ shift, pairs: pairs.length, ...candidates(crop), face: candidates(face) });
  }
  return results;
}

function candidates(scores: ReadonlyMap<Kind, ImageScores[]>): Candidates {
  const mean = (kind: Kind): ImageScores => meanScores(scores.get(kind) ?? []);
  const neighbour = strongerRetrieval({ 'all parameters': mean('all parameters'), 'head pose': mean('head pose') });
  return {
    model: mean('model'),
    plate: mean('plate'),
    ...(scores.has('warpedPlate') ? { warpedPlate: mean('warpedPlate') } : {}),
    nearestNeighbour: neighbour.scores,
    neighbourKind: neighbour.kind,
  };
}

/** 1 where the face model covers the pixel in the input's current frame (its correspondence image is not background), else 0. */
export function faceCoverage(input: Float32Array, resolution: number): Float32Array {
  const pixels = resolution * resolution;
  const channels = input.length / pixels;
  const offset = currentFrameOffset(channels) + 3;
  const mask = new Float32Array(pixels);
  for (let p = 0; p < pixels; p++) {
    const o = p * channels + offset;
    mask[p] = Math.max(input[o]!, input[o + 1]!, input[o + 2]!) > -0.999 ? 1 : 0;
  }
  return mask;
}
