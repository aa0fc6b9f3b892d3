import { setImmediate as nextTurn } from 'node:timers/promises';
import type { TrainingSource } from '../../engine/translate/dataset.js';

/**
 * A training source that gives the engine's event loop a turn before every sample. The
 * trainer's steps are synchronous (seconds each on wasm) and a cached source answers
 * without real I/O, so without this a training job would hold frame requests, overlay
 * queries and progress messages back until it ends; with it they wait at most one step.
 */
export function yieldingSource(source: TrainingSource): TrainingSource {
  return {
    get size() {
      return source.size;
    },
    get resolution() {
      return source.resolution;
    },
    get inputChannels() {
      return source.inputChannels;
    },
    frame: (index) => source.frame(index),
    parameters: (index) => source.parameters(index),
    target: (index) => source.target(index),
    async sample(index, draw) {
      await nextTurn();
      return source.sample(index, draw);
    },
    ...(source.sampleWithPlate ? { sampleWithPlate: source.sampleWithPlate.bind(source) } : {}),
    close: () => source.close?.(),
  };
}
