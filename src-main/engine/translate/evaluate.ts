/**
 * Self-reenactment evaluation (paper §7, Fig. 6): on the held-out frames, the model's
 * output and the nearest-neighbour baseline (the training frame whose face parameters
 * are closest, see nearest-neighbour.ts; the stronger of the retrievals by all parameters
 * and by head pose alone) are both scored against the real frame. A plate-conditioned
 * model gets the plate of the held-out frame a second away (EVALUATION_PLATE_SHIFT), never
 * the frame it must produce (see time-shifted.ts for the full protocol).
 */
import { throwIfCancelled } from '../../shared/cancel.js';
import type { DataSplit, TrainingSource } from './dataset.js';
import { synthesize } from './inference.js';
import { meanScores, scoreImage, type ImageScores } from './metrics.js';
import { baselineRetrievals, RETRIEVAL_KINDS, strongerRetrieval, type ParameterGroup, type RetrievalKind } from './nearest-neighbour.js';
import type { Generator } from './network.js';

export interface Evaluation {
  frames: number[];
  model: ImageScores;
  nearestNeighbour: ImageScores;
  /** Generator seconds per frame during the evaluation. */
  secondsPerFrame: number;
  /** A plate-conditioned model's plate came this many frames from the frame it produced. */
  plateShift?: number;
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
  const neighbours = options.nearestNeighbour ? undefined : baselineRetrievals(source, split.train, groups);
  const retrieved: Record<RetrievalKind, ImageScores[]> = { 'all parameters': [], 'head pose': [] };
  const plateOf = plateShift(source, split.heldOut);
  let generatorSeconds = 0;
  for (let start = 0; start < indices.length; start += batch) {
    throwIfCancelled(options.signal, 'Evaluation');
    const chunk = indices.slice(start, start + batch);
    const examples = await Promise.all(chunk.map((i) => (source.sampleWithPlate ? source.sampleWithPlate(i, plateOf(i)) : source.sample(i))));
    const t = performance.now();
    const outputs = synthesize(generator, examples.map((e) => e.input));
    generatorSeconds += (performance.now() - t) / 1000;
    for (let k = 0; k < chunk.length; k++) {
      const truth = examples[k]!.target;
      modelScores.push(scoreImage(outputs[k]!, truth, source.resolution, source.resolution));
      for (const kind of neighbours ? RETRIEVAL_KINDS : []) {
        retrieved[kind].push(scoreImage(source.target(neighbours![kind].nearest(source.parameters(chunk[k]!))), truth, source.resolution, source.resolution));
      }
    }
    options.onFrame?.(Math.min(indices.length, start + batch), indices.length);
  }
  return {
    frames: indices.map((i) => source.frame(i)),
    model: meanScores(modelScores),
    nearestNeighbour: options.nearestNeighbour ?? strongerRetrieval({ 'all parameters': meanScores(retrieved['all parameters']), 'head pose': meanScores(retrieved['head pose']) }).scores,
    secondsPerFrame: generatorSeconds / Math.max(1, indices.length),
    ...(source.sampleWithPlate ? { plateShift: EVALUATION_PLATE_SHIFT } : {}),
  };
}

/** Frames between a held-out frame and the held-out plate a plate-conditioned model gets for it (1 s at 25 fps). */
export const EVALUATION_PLATE_SHIFT = 25;

/** The held-out example EVALUATION_PLATE_SHIFT frames before each one, or after it near the start of the held-out frames. */
function plateShift(source: TrainingSource, heldOut: readonly number[]): (index: number) => number {
  const byFrame = new Map(heldOut.map((i) => [source.frame(i), i]));
  return (index) => {
    const frame = source.frame(index);
    return byFrame.get(frame - EVALUATION_PLATE_SHIFT) ?? byFrame.get(frame + EVALUATION_PLATE_SHIFT) ?? nearestOther(byFrame, frame) ?? index;
  };
}

function nearestOther(byFrame: ReadonlyMap<number, number>, frame: number): number | undefined {
  let best: number | undefined;
  let bestDistance = Infinity;
  for (const [f, index] of byFrame) {
    const distance = Math.abs(f - frame);
    if (distance > 0 && distance < bestDistance) {
      best = index;
      bestDistance = distance;
    }
  }
  return best;
}
