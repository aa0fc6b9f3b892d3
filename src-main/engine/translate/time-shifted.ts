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
import type { DataSplit, TrainingSource } from './dataset.js';
import { synthesize } from './inference.js';
import { meanScores, scoreImage, type ImageScores } from './metrics.js';
import { NearestNeighbour, poseOnlyGroups, type ParameterGroup } from './nearest-neighbour.js';
import type { Generator } from './network.js';

export interface ShiftedScores {
  /** k, in frames. */
  shift: number;
  pairs: number;
  model: ImageScores;
  /** The plate of frame t itself, unedited. */
  plate: ImageScores;
  /** The stronger nearest neighbour by PSNR, and which one it was. */
  nearestNeighbour: ImageScores;
  neighbourKind: 'all parameters' | 'head pose';
}

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
  const neighbours = { 'all parameters': new NearestNeighbour(source, split.train, groups), 'head pose': new NearestNeighbour(source, split.train, poseOnlyGroups(groups)) } as const;
  const results: ShiftedScores[] = [];
  for (const shift of options.shifts) {
    const pairs = shiftedPairs(source, split.heldOut, shift, options.maxPairs ?? 60);
    if (pairs.length === 0) continue;
    const model: ImageScores[] = [];
    const plate: ImageScores[] = [];
    const retrieved = { 'all parameters': [] as ImageScores[], 'head pose': [] as ImageScores[] };
    for (const pair of pairs) {
      throwIfCancelled(options.signal, 'Time-shifted evaluation');
      const example = source.sampleWithPlate ? await source.sampleWithPlate(pair.target, pair.plate) : await source.sample(pair.target);
      const [output] = synthesize(generator, [example.input]);
      model.push(scoreImage(output!, example.target, r, r));
      plate.push(scoreImage(source.target(pair.plate), example.target, r, r));
      for (const kind of ['all parameters', 'head pose'] as const) {
        retrieved[kind].push(scoreImage(source.target(neighbours[kind].nearest(source.parameters(pair.target))), example.target, r, r));
      }
    }
    const all = meanScores(retrieved['all parameters']);
    const pose = meanScores(retrieved['head pose']);
    const poseWins = pose.psnr > all.psnr;
    results.push({ shift, pairs: pairs.length, model: meanScores(model), plate: meanScores(plate), nearestNeighbour: poseWins ? pose : all, neighbourKind: poseWins ? 'head pose' : 'all parameters' });
  }
  return results;
}
