import type { Benchmark } from '../types.js';

/** Every benchmark `npm run bench` knows, by name. */
export const benchmarks: readonly Benchmark[] = [];
