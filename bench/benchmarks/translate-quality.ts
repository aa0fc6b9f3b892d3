/**
 * The judged quality run of issue 5 (self-reenactment, paper §7 / Fig. 6): track the first
 * 1000 frames of target-tedlieu-256.mp4, train the CPU preset on the first two thirds, and
 * score the last third (held out) against the real frames, next to the nearest-neighbour
 * baseline (the documented distance over pose, expression, gaze and eyelids) and, as a
 * stronger retrieval, the nearest neighbour by head pose alone. Sample strips (conditioning |
 * output | nearest neighbour | ground truth) go to bench/results/translate-quality/.
 */
import { mkdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { importClip } from '../../src-main/engine/project/import-clip.js';
import { Project } from '../../src-main/engine/project/project.js';
import { trackClip } from '../../src-main/engine/track/track-clip.js';
import { writePng } from '../../src-main/engine/media/png.js';
import { selectBackend } from '../../src-main/engine/translate/backend.js';
import { createModel, loadLatestCheckpoint } from '../../src-main/engine/translate/checkpoint-store.js';
import { presetConfig } from '../../src-main/engine/translate/config.js';
import { evaluate } from '../../src-main/engine/translate/evaluate.js';
import { synthesize } from '../../src-main/engine/translate/inference.js';
import { meanScores, scoreImage, type ImageScores } from '../../src-main/engine/translate/metrics.js';
import { TranslationModel } from '../../src-main/engine/translate/model.js';
import { openModelSource, planFaceData } from '../../src-main/engine/translate/model-source.js';
import { FACE_PARAMETER_GROUPS, NearestNeighbour, poseOnlyGroups } from '../../src-main/engine/translate/nearest-neighbour.js';
import { conditioningImage, strip } from '../../src-main/engine/translate/preview.js';
import { train } from '../../src-main/engine/translate/trainer.js';
import { MEDIA_DIR } from '../paths.js';
import type { Benchmark, Metric } from '../types.js';

const PRESET = 'cpu-tiny';
const FRAMES = { first: 0, last: 999 };
const SAMPLES_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'results', 'translate-quality');

function scoreMetrics(prefix: string, scores: ImageScores): Record<string, Metric> {
  return {
    [`${prefix}_psnr`]: { value: scores.psnr, unit: 'dB', better: 'higher' },
    [`${prefix}_ssim`]: { value: scores.ssim, unit: '', better: 'higher' },
    [`${prefix}_l1`]: { value: scores.l1, unit: 'mean |Δ| in [0,1]', better: 'lower' },
  };
}

export const translateQualityBenchmark: Benchmark = {
  name: 'translate-quality',
  description: `Self-reenactment on target-tedlieu-256.mp4 frames ${FRAMES.first}-${FRAMES.last}: the ${PRESET} preset trained on the first two thirds (wasm, one thread), PSNR/SSIM/L1 on every held-out frame of the last third vs the nearest-neighbour baselines.`,
  async run() {
    const dir = path.join(os.tmpdir(), `dvp-quality-${process.pid}`);
    mkdirSync(dir, { recursive: true });
    const project = Project.create(path.join(dir, 'tedlieu.dvp'));
    try {
      const backend = await selectBackend('wasm');
      const { clip } = await importClip(project, path.join(MEDIA_DIR, 'target-tedlieu-256.mp4'), 'target');
      let started = performance.now();
      const tracking = await trackClip(project, { clipId: clip.id, range: { first: FRAMES.first, last: FRAMES.last } });
      const trackSeconds = (performance.now() - started) / 1000;

      const config = presetConfig(PRESET);
      const model = createModel(project, { clipId: clip.id, name: 'quality', config, data: { ...planFaceData(project, clip.id, FRAMES) } });
      started = performance.now();
      const { source, split, data, parameterGroups } = await openModelSource(project, model);
      const prepareSeconds = (performance.now() - started) / 1000;
      started = performance.now();
      const result = await train({ project, model, source, trainIndices: split.train, checkpointEvery: 500, backend: backend.name });
      const trainSeconds = (performance.now() - started) / 1000;

      const network = new TranslationModel(config);
      try {
        network.restore(loadLatestCheckpoint(project, model.id)!);
        const evaluation = await evaluate(network.generator, source, split, parameterGroups);
        // The stronger retrieval: head pose only.
        const poseOnly = new NearestNeighbour(source, split.train, poseOnlyGroups(FACE_PARAMETER_GROUPS));
        const fullNeighbours = new NearestNeighbour(source, split.train, parameterGroups);
        const poseScores: ImageScores[] = [];
        for (const index of split.heldOut) {
          const truth = (await source.sample(index)).target;
          poseScores.push(scoreImage((await source.sample(poseOnly.nearest(source.parameters(index)))).target, truth, source.resolution, source.resolution));
        }

        rmSync(SAMPLES_DIR, { recursive: true, force: true });
        mkdirSync(SAMPLES_DIR, { recursive: true });
        const sampleFrames: number[] = [];
        for (const at of [0.05, 0.35, 0.65, 0.95]) {
          const index = split.heldOut[Math.floor(at * (split.heldOut.length - 1))]!;
          const example = await source.sample(index);
          const [output] = synthesize(network.generator, [example.input]);
          const neighbour = (await source.sample(fullNeighbours.nearest(source.parameters(index)))).target;
          writePng(path.join(SAMPLES_DIR, `frame-${source.frame(index)}.png`), strip([conditioningImage(example.input, source.resolution), output!, neighbour, example.target], source.resolution));
          sampleFrames.push(source.frame(index));
        }

        const pose = meanScores(poseScores);
        const metrics: Record<string, Metric> = {
          ...scoreMetrics('model', evaluation.model),
          ...scoreMetrics('nn', evaluation.nearestNeighbour),
          ...scoreMetrics('nn_pose_only', pose),
          model_minus_nn_psnr: { value: evaluation.model.psnr - evaluation.nearestNeighbour.psnr, unit: 'dB', better: 'higher', target: 0 },
          model_minus_nn_ssim: { value: evaluation.model.ssim - evaluation.nearestNeighbour.ssim, unit: '', better: 'higher', target: 0 },
          train_minutes: { value: trainSeconds / 60, unit: 'min', better: 'lower', target: 20 },
          seconds_per_step: { value: result.secondsPerStep, unit: 's/step', better: 'lower' },
          track_seconds: { value: trackSeconds, unit: 's', better: 'lower' },
        };
        return {
          metrics,
          details: {
            preset: config, steps: result.step, backend: backend.reason,
            frames: { train: `${data.first}-${data.heldOutFrom - 1}`, heldOut: `${data.heldOutFrom}-${data.last}`, trainExamples: split.train.length, heldOutExamples: split.heldOut.length },
            crop: data.crop, framesWithFace: tracking.framesWithFace, prepareSeconds,
            finalLosses: result.losses, inferenceSecondsPerFrame: evaluation.secondsPerFrame,
            samples: sampleFrames.map((f) => `bench/results/translate-quality/frame-${f}.png (conditioning | output | nearest neighbour | ground truth)`),
            loadAverage: os.loadavg(),
          },
        };
      } finally {
        network.dispose();
      }
    } finally {
      project.close();
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
