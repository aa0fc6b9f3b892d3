import type { Benchmark } from '../types.js';
import { chunkedRenderBenchmark } from './chunked-render.js';
import { conditionFps } from './condition-fps.js';
import { controlAccuracyBenchmark } from './control-accuracy.js';
import { mediaIoBenchmark } from './media-io.js';
import { plateQualityBenchmarks } from './plate-quality.js';
import { precisionQualityBenchmark } from './precision-quality.js';
import { temporalStabilityBenchmark } from './temporal-stability.js';
import { trackClipsBenchmark } from './track-clips.js';
import { translateQualityBenchmark } from './translate-quality.js';
import { translateSpeedBenchmark } from './translate-speed.js';

/** Every benchmark `npm run bench` knows, by name. */
export const benchmarks: readonly Benchmark[] = [mediaIoBenchmark, conditionFps, translateSpeedBenchmark, trackClipsBenchmark, controlAccuracyBenchmark, translateQualityBenchmark, ...plateQualityBenchmarks, precisionQualityBenchmark, temporalStabilityBenchmark, chunkedRenderBenchmark];
