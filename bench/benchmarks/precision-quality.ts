/**
 * What bf16 costs (issue 11): on target-tedlieu-256.mp4 frames 0-599, the cpu-small preset trained
 * on the first two thirds with f32 and with bf16 convolutions on the native backend, each scored on
 * the held-out last third (PSNR/SSIM/L1, next to the nearest-neighbour baseline); and the PSNR of
 * bf16 inference against f32 inference with the f32-trained weights.
 */
import { mkdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { importClip } from '../../src-main/engine/project/import-clip.js';
import { Project } from '../../src-main/engine/project/project.js';
import { trackClip } from '../../src-main/engine/track/track-clip.js';
import { selectBackend, type Precision } from '../../src-main/engine/translate/backend.js';
import { createModel, loadLatestCheckpoint } from '../../src-main/engine/translate/checkpoint-store.js';
import { presetConfig } from '../../src-main/engine/translate/config.js';
import { evaluate, type Evaluation } from '../../src-main/engine/translate/evaluate.js';
import { synthesize } from '../../src-main/engine/translate/inference.js';
import { TranslationModel } from '../../src-main/engine/translate/model.js';
import { openModelSource, planFaceData } from '../../src-main/engine/translate/model-source.js';
import { loadNativeAddon } from '../../src-main/engine/translate/native/addon.js';
import { train } from '../../src-main/engine/translate/trainer.js';
import { MEDIA_DIR } from '../paths.js';
import type { Benchmark, Metric } from '../types.js';

const PRESET = 'cpu-small';
const STEPS = 1500;
const FRAMES = { first: 0, last: 599 };

/** PSNR of b against a, both in [−1, 1] (peak-to-peak 2). */
function psnr(a: Float32Array, b: Float32Array): number {
  let squared = 0;
  for (let i = 0; i < a.length; i++) squared += (a[i]! - b[i]!) ** 2;
  return 10 * Math.log10(4 / (squared / a.length));
}

export const precisionQualityBenchmark: Benchmark = {
  name: 'precision-quality',
  description: `bf16 against f32 on the native backend: ${PRESET} trained ${STEPS} steps on target-tedlieu-256.mp4 frames ${FRAMES.first}-${FRAMES.last} (first two thirds) in each precision, held-out PSNR/SSIM/L1 of each vs the nearest neighbour; PSNR of bf16 inference against f32 inference of the same f32-trained weights.`,
  async run() {
    const loaded = loadNativeAddon();
    if ('reason' in loaded) throw new Error(`precision-quality needs the native backend: ${loaded.reason}`);
    if (!loaded.addon.info().bf16) throw new Error(`this CPU has no native bf16 (${loaded.addon.info().isa})`);
    const dir = path.join(os.tmpdir(), `dvp-precision-${process.pid}`);
    mkdirSync(dir, { recursive: true });
    const project = Project.create(path.join(dir, 'tedlieu.dvp'));
    try {
      const { clip } = await importClip(project, path.join(MEDIA_DIR, 'target-tedlieu-256.mp4'), 'target');
      await trackClip(project, { clipId: clip.id, range: { first: FRAMES.first, last: FRAMES.last } });
      const config = presetConfig(PRESET);
      config.training.steps = STEPS;
      config.training.decayFrom = 0.5;
      const metrics: Record<string, Metric> = {};
      const details: Record<string, unknown> = { preset: config };
      const evaluations: Partial<Record<Precision, Evaluation>> = {};
      for (const precision of ['f32', 'bf16'] as const) {
        const backend = await selectBackend('native', () => {}, precision);
        const model = createModel(project, { clipId: clip.id, name: precision, config, data: { ...planFaceData(project, clip.id, FRAMES) } });
        const { source, split, parameterGroups } = await openModelSource(project, model);
        const started = performance.now();
        const result = await train({ project, model, source, trainIndices: split.train, checkpointEvery: 500, backend: backend.name });
        const network = new TranslationModel(config);
        network.restore(loadLatestCheckpoint(project, model.id)!);
        const evaluation = await evaluate(network.generator, source, split, parameterGroups);
        evaluations[precision] = evaluation;
        metrics[`${precision}_trained_psnr`] = { value: evaluation.model.psnr, unit: 'dB', better: 'higher' };
        metrics[`${precision}_trained_ssim`] = { value: evaluation.model.ssim, unit: '', better: 'higher' };
        metrics[`${precision}_trained_l1`] = { value: evaluation.model.l1, unit: 'mean |Δ| in [0,1]', better: 'lower' };
        metrics[`${precision}_train_minutes`] = { value: (performance.now() - started) / 60_000, unit: 'min', better: 'lower' };
        metrics[`${precision}_seconds_per_step`] = { value: result.secondsPerStep, unit: 's/step', better: 'lower' };
        if (precision === 'f32') {
          // Same weights, both precisions, every held-out frame.
          let sum = 0;
          for (const index of split.heldOut) {
            const input = (await source.sample(index)).input;
            await selectBackend('native', () => {}, 'f32');
            const f32 = synthesize(network.generator, [input])[0]!.slice();
            await selectBackend('native', () => {}, 'bf16');
            const bf16 = synthesize(network.generator, [input])[0]!;
            sum += psnr(f32, bf16);
          }
          metrics.bf16_inference_vs_f32_psnr = { value: sum / split.heldOut.length, unit: 'dB', better: 'higher' };
          details.heldOutFrames = split.heldOut.length;
        }
        network.dispose();
      }
      metrics.nn_psnr = { value: evaluations.f32!.nearestNeighbour.psnr, unit: 'dB', better: 'higher' };
      metrics.nn_ssim = { value: evaluations.f32!.nearestNeighbour.ssim, unit: '', better: 'higher' };
      metrics.bf16_minus_f32_trained_psnr = { value: evaluations.bf16!.model.psnr - evaluations.f32!.model.psnr, unit: 'dB', better: 'higher' };
      details.loadAverage = os.loadavg();
      return { metrics, details };
    } finally {
      project.close();
      rmSync(dir, { recursive: true, force: true });
      await selectBackend('native', () => {}, 'f32');
    }
  },
};
