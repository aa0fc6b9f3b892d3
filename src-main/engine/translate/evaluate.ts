/**
 * Self-reenactment evaluation (paper §7, Fig. 6): on the held-out frames, the model's
 * output and the nearest-neighbour baseline (the training frame whose face parameters
 * are closest, see nearest-neighbour.ts) are both scored against the real frame.
 */
import { throwIfCancelled } from '../../shared/cancel.js';
import type { DataSplit, TrainingSource } from './dataset.js';
import { synthesize } from './inference.js';
import { meanScores, scoreImage, type ImageScores } from './metrics.js';
import { NearestNeighbour, type ParameterGroup } from './nearest-neighbour.js';
import type { Generator } from './network.js';

export interface Evaluation {
  frames: number[];
  model: ImageScores;
  nearestNeighbour: ImageScores;
  /** Generator seconds per frame during the evaluation. */
  secondsPerFrame: number;
}

/**
 * Scores the model and the nearest-neighbour baseline (distance over `groups` of the source's parameters) on the held-out frames.
 * `nearestNeighbour`: the baseline's scores from an earlier call on the same frames (they do not depend on the model), returned as they are instead of being computed again.
 */
export async function evaluate(generator: Generator, source: TrainingSource, split: DataSplit, groups: readonly ParameterGroup[], options: { maxFrames?: number; batchSize?: number; signal?: AbortSignal; onFrame?: (done: number, total: number) => void; nearestNeighbour?: ImageScores } = {}): Promise<Evaluation> {
  const stride = Math.max(1, Math.ceil(split.heldOut.length / (options.maxFrames ?? split.heldOut.length)));
  const indices = split.heldOut.filter((_, i) => i % stride === 0);
  const batch = Math.max(1, options.batchSize ?? 4);
  const modelScores: ImageScores[] = [];
  const baselineScores: ImageScores[] = [];
  const neighbours = options.nearestNeighbour ? undefined : new NearestNeighbour(source, split.train, groups);
  let generatorSeconds = 0;
  for (let start = 0; start < indices.length; start += batch) {
    throwIfCancelled(options.signal, 'Evaluation');
    const chunk = indices.slice(start, start + batch);
    const examples = await Promise.all(chunk.map((i) => source.sample(i)));
    const t = performance.now();
    const outputs = synthesize(generator, examples.map((e) => e.input));
    generatorSeconds += (performance.now() - t) / 1000;
    for (let k = 0; k < chunk.length; k++) {
      const truth = examples[k]!.target;
      modelScores.push(scoreImage(outputs[k]!, truth, source.resolution, source.resolution));
      if (!neighbours) continue;
      const neighbour = await source.sample(neighbours.nearest(source.parameters(chunk[k]!)));
      baselineScores.push(scoreImage(neighbour.target, truth, source.resolution, source.resolution));
    }
    options.onFrame?.(Math.min(indices.length, start + batch), indices.length);
  }
  return {
    frames: indices.map((i) => source.frame(i)),
    model: meanScores(modelScores),
    nearestNeighbour: options.nearestNeighbour ?? meanScores(baselineScores),
    secondsPerFrame: generatorSeconds / Math.max(1, indices.length),
  };
}
