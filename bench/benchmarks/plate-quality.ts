/**
 * Issue 12's judged protocol for the plate-conditioned network (edit, don't redraw), beside the
 * paper's network on the same frames: per clip, the first 60 % of the frames train, the next 20 %
 * validate (settings were tuned there, by hand, see config.ts) and the last 20 % test. On the test
 * frames, time-shifted self-reenactment: the plate of frame t with the face parameters of frame
 * t+k, against the real frame t+k, inside the face (the pixels the face model covers in t+k) and
 * over the whole crop, at the network's resolution; and inside the face at the crop's own
 * resolution (the plate's pixels an editor sees), where the plate model's picture is what the
 * render composites: its correction upsampled onto the plate warped at that resolution. Baselines: the unedited plate t, the warped
 * plate (the plate network's input, before the network), and the stronger nearest neighbour.
 * Several seeds, with their spread. Strips: plate t | warped plate | plate model | paper model |
 * nearest neighbour | real t+k, in bench/results/plate-quality/.
 *
 * Two registrations: `plate-quality` (plate-preview against the paper's cpu-tiny, seeds 1 and 2)
 * and `plate-quality-128` (the plate-quality preset alone, seed 1: about 25 minutes of training
 * per clip). Settings (env, override either): DVP_PLATE_CLIPS (comma list of clip keys below,
 * default all; the other clips keep their figures from the previous result file), DVP_PLATE_SEEDS, DVP_PLATE_PRESET, DVP_PLATE_PAPER_PRESET (empty: skip),
 * DVP_PLATE_STEPS (override both presets' steps).
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ClipConditioning } from '../../src-main/engine/condition/clip-conditioning.js';
import { PlateWarp } from '../../src-main/engine/condition/plate-warp.js';
import type { ShotCrop } from '../../src-main/engine/condition/shot-crop.js';
import { addUpsampledCorrection } from '../../src-main/engine/render/plate-input.js';
import { importClip } from '../../src-main/engine/project/import-clip.js';
import { Project } from '../../src-main/engine/project/project.js';
import { trackClip } from '../../src-main/engine/track/track-clip.js';
import { selectBackend } from '../../src-main/engine/translate/backend.js';
import { createModel, loadLatestCheckpoint } from '../../src-main/engine/translate/checkpoint-store.js';
import { presetConfig, type ModelConfig } from '../../src-main/engine/translate/config.js';
import { bytesToSigned, type DataSplit, type TrainingSource } from '../../src-main/engine/translate/dataset.js';
import { synthesize } from '../../src-main/engine/translate/inference.js';
import { meanScores, scoreImage, type ImageScores } from '../../src-main/engine/translate/metrics.js';
import { TranslationModel } from '../../src-main/engine/translate/model.js';
import { openModelSource, planFaceData } from '../../src-main/engine/translate/model-source.js';
import { baselineRetrievals, FACE_PARAMETER_GROUPS, RETRIEVAL_KINDS, strongerRetrieval } from '../../src-main/engine/translate/nearest-neighbour.js';
import { plateImage } from '../../src-main/engine/translate/preview.js';
import { evaluateTimeShifted, faceCoverage, shiftedPairs, type Candidates, type ShiftedScores } from '../../src-main/engine/translate/time-shifted.js';
import { train } from '../../src-main/engine/translate/trainer.js';
import { MEDIA_DIR, RESULTS_DIR } from '../paths.js';
import { writeStrips } from '../plate-strips.js';
import { spread } from '../stats.js';
import type { Benchmark, Metric } from '../types.js';

const CLIPS: Record<string, { file: string; last: number }> = {
  tedlieu: { file: 'target-tedlieu-256.mp4', last: 999 },
  obama: { file: 'target-obama-weekly-address-450.mp4', last: 499 },
  aoc: { file: 'source-wda-aoc-512.mp4', last: 199 },
};
/** k in frames (25 fps): a fifth of a second, one second, three seconds. */
const SHIFTS = [5, 25, 75];
const TRAIN_SHARE = 0.6;

interface Run {
  clip: string;
  preset: string;
  seed: number;
  trainMinutes: number;
  secondsPerStep: number;
  scores: ShiftedScores[];
  /** Inside the face at the crop's own resolution, per k (plate model runs). */
  atCrop?: { shift: number; pairs: number; cropSize: number; model: ImageScores; paperModel?: ImageScores; warpedPlate: ImageScores; plate: ImageScores; nearestNeighbour: ImageScores }[];
}

function list(name: string, fallback: string): string[] {
  return (process.env[name] ?? fallback).split(',').map((s) => s.trim()).filter((s) => s.length > 0);
}

/** Validation = the first half of the held-out frames, test = the second (both after the training frames). */
function testSplit(split: DataSplit): DataSplit {
  return { train: split.train, heldOut: split.heldOut.slice(Math.floor(split.heldOut.length / 2)) };
}

interface Trained {
  run: Run;
  network: TranslationModel;
  source: TrainingSource;
  split: DataSplit;
  crop: ShotCrop;
}

async function trainAndScore(project: Project, clipId: number, clip: string, config: ModelConfig, seed: number, backend: string, last: number): Promise<Trained> {
  const model = createModel(project, { clipId, name: `${config.preset} seed ${seed}`, config, data: { ...planFaceData(project, clipId, { first: 0, last }, TRAIN_SHARE) } });
  const { source, split, parameterGroups, data } = await openModelSource(project, model);
  const started = performance.now();
  const result = await train({ project, model, source, trainIndices: split.train, checkpointEvery: config.training.steps, backend, seed });
  const trainMinutes = (performance.now() - started) / 60000;
  const network = new TranslationModel(config);
  network.restore(loadLatestCheckpoint(project, model.id)!);
  const test = testSplit(split);
  const scores = await evaluateTimeShifted(network.generator, source, test, parameterGroups, { shifts: SHIFTS, maxPairs: 60 });
  return { run: { clip, preset: config.preset, seed, trainMinutes, secondsPerStep: result.secondsPerStep, scores }, network, source, split: test, crop: data.crop };
}

/** At most this many pairs per k at the crop's resolution (each reads three frames with ffmpeg). */
const CROP_PAIRS = 24;

/**
 * Inside the face of t+k at the crop's own resolution: the plate model's picture (as the render
 * makes it), the paper model's output upsampled, the warped and the unedited plate, and the
 * stronger nearest neighbour's real frame.
 */
async function scoreAtCrop(project: Project, clipId: number, plate: Trained, paper: Trained | undefined): Promise<NonNullable<Run['atCrop']>> {
  const { source, split, crop } = plate;
  const atCrop = ClipConditioning.open(project, clipId, { size: crop.size, crop, windowSize: 1 });
  const warp = new PlateWarp(atCrop.conditioner);
  const n = source.resolution;
  const size = crop.size;
  const signed = async (frame: number): Promise<Float32Array> => bytesToSigned((await atCrop.readTarget(frame)).data);
  const upsampled = (image: Float32Array, from: number): Float32Array => {
    const out = new Float32Array(size * size * 3);
    addUpsampledCorrection(out, size, image, undefined, from);
    return out;
  };
  const neighbours = baselineRetrievals(source, split.train, FACE_PARAMETER_GROUPS);
  const results: NonNullable<Run['atCrop']> = [];
  for (const shift of SHIFTS) {
    const pairs = shiftedPairs(source, split.heldOut, shift, CROP_PAIRS);
    if (pairs.length === 0) continue;
    const scores = { model: [] as ImageScores[], paperModel: [] as ImageScores[], warpedPlate: [] as ImageScores[], plate: [] as ImageScores[], neighbours: { 'all parameters': [] as ImageScores[], 'head pose': [] as ImageScores[] } };
    for (const pair of pairs) {
      const t = source.frame(pair.plate);
      const tk = source.frame(pair.target);
      const truth = await signed(tk);
      const plateT = await signed(t);
      const mask = faceCoverage(atCrop.renderFrame(tk), size);
      const warped = warp.warp(plateT, warp.faceInCrop(atCrop.params(t)), warp.faceInCrop(atCrop.params(tk)));
      const example = await source.sampleWithPlate!(pair.target, pair.plate);
      const [output] = synthesize(plate.network.generator, [example.input]);
      const picture = warped.slice();
      addUpsampledCorrection(picture, size, output!, plateImage(example.input, n), n);
      scores.model.push(scoreImage(picture, truth, size, size, mask));
      scores.warpedPlate.push(scoreImage(warped, truth, size, size, mask));
      scores.plate.push(scoreImage(plateT, truth, size, size, mask));
      if (paper) {
        const [paperOutput] = synthesize(paper.network.generator, [(await paper.source.sample(pair.target)).input]);
        scores.paperModel.push(scoreImage(upsampled(paperOutput!, paper.source.resolution), truth, size, size, mask));
      }
      for (const kind of RETRIEVAL_KINDS) scores.neighbours[kind].push(scoreImage(await signed(source.frame(neighbours[kind].nearest(source.parameters(pair.target)))), truth, size, size, mask));
    }

    results.push({
      shift, pairs: pairs.length, cropSize: size,
      model: meanScores(scores.model), warpedPlate: meanScores(scores.warpedPlate), plate: meanScores(scores.plate),
      ...(paper ? { paperModel: meanScores(scores.paperModel) } : {}),
      nearestNeighbour: strongerRetrieval({ 'all parameters': meanScores(scores.neighbours['all parameters']), 'head pose': meanScores(scores.neighbours['head pose']) }).scores,
    });
  }
  return results;
}

/** The previous result's metrics and runs of the clips not in this run. */
function keptFromPrevious(name: string, clips: string[]): { metrics: Record<string, Metric>; runs: Run[] } {
  const file = path.join(RESULTS_DIR, `${name}.json`);
  if (!existsSync(file)) return { metrics: {}, runs: [] };
  const previous = JSON.parse(readFileSync(file, 'utf8')) as { metrics?: Record<string, Metric>; details?: { runs?: Run[] } };
  const other = (clip: string): boolean => !clips.includes(clip);
  return {
    metrics: Object.fromEntries(Object.entries(previous.metrics ?? {}).filter(([key]) => other(key.split('_')[0]!))),
    runs: (previous.details?.runs ?? []).filter((run) => other(run.clip)),
  };
}

interface PlateQualityDefaults {
  preset: string;
  /** '' compares with no paper network. */
  paperPreset: string;
  seeds: string;
}

function plateQualityBenchmark(name: string, defaults: PlateQualityDefaults): Benchmark {
  const samplesDir = path.join(RESULTS_DIR, name);
  return {
    name,
    description: `Time-shifted self-reenactment on the test 20 % of each clip (plate of t, parameters of t+k, real t+k): ${defaults.preset}${defaults.paperPreset ? ` and the paper's network (${defaults.paperPreset})` : ''} against the unedited plate, the warped plate and the stronger nearest neighbour, inside the face and over the crop, at the network's and the crop's resolution, per seed.`,
    async run() {
      const backend = await selectBackend('auto');
      const seeds = list('DVP_PLATE_SEEDS', defaults.seeds).map(Number);
      const platePreset = process.env.DVP_PLATE_PRESET ?? defaults.preset;
      const paperPreset = process.env.DVP_PLATE_PAPER_PRESET ?? defaults.paperPreset;
      const configFor = (name: string): ModelConfig => {
        const config = presetConfig(name);
        if (process.env.DVP_PLATE_STEPS) config.training.steps = Number(process.env.DVP_PLATE_STEPS);
        return config;
      };
      const clips = list('DVP_PLATE_CLIPS', Object.keys(CLIPS).join(','));
      // A run over some clips keeps the other clips' figures and strips from the previous result.
      const kept = keptFromPrevious(name, clips);
      mkdirSync(samplesDir, { recursive: true });
      for (const file of readdirSync(samplesDir)) if (clips.some((clip) => file.startsWith(`${clip}-`))) rmSync(path.join(samplesDir, file));
      const runs: Run[] = [];
      const metrics: Record<string, Metric> = { ...kept.metrics };
      const dir = path.join(os.tmpdir(), `dvp-plate-quality-${process.pid}`);
      mkdirSync(dir, { recursive: true });
      try {
        for (const key of clips) {
          const clip = CLIPS[key];
          if (!clip) throw new Error(`Unknown clip '${key}'; choose from ${Object.keys(CLIPS).join(', ')}.`);
          const project = Project.create(path.join(dir, `${key}.dvp`));
          try {
            const clipId = (await importClip(project, path.join(MEDIA_DIR, clip.file), 'target')).clip.id;
            await trackClip(project, { clipId, range: { first: 0, last: clip.last } });
            for (const seed of seeds) {
              const plate = await trainAndScore(project, clipId, key, configFor(platePreset), seed, backend.name, clip.last);
              runs.push(plate.run);
              const paper = paperPreset ? await trainAndScore(project, clipId, key, configFor(paperPreset), seed, backend.name, clip.last) : undefined;
              if (paper) runs.push(paper.run);
              plate.run.atCrop = await scoreAtCrop(project, clipId, plate, paper);
              if (seed === seeds[0]) await writeStrips(samplesDir, key, plate, paper);
              plate.network.dispose();
              paper?.network.dispose();
            }
          } finally {
            project.close();
          }
          addClipMetrics(metrics, key, runs.filter((r) => r.clip === key), platePreset, paperPreset);
        }
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
      return {
        metrics,
        details: {
          backend: backend.reason,
          protocol: `frames split in time ${TRAIN_SHARE * 100}/20/20 (train/validation/test); test pairs (t, t+k) with both frames in the test part, k = ${SHIFTS.join(', ')}; at most 60 pairs per k; scores at the network resolution`,
          runs: [...kept.runs, ...runs],
          samples: `bench/results/${name}/<clip>-<frame>.png: plate t | warped plate | plate model |${paperPreset ? ' paper model |' : ''} nearest neighbour | real t+k`,
          loadAverage: os.loadavg(),
        },
      };
    },
  };
}

export const plateQualityBenchmarks: readonly Benchmark[] = [
  plateQualityBenchmark('plate-quality', { preset: 'plate-preview', paperPreset: 'cpu-tiny', seeds: '1,2' }),
  plateQualityBenchmark('plate-quality-128', { preset: 'plate-quality', paperPreset: '', seeds: '1' }),
];

function addClipMetrics(metrics: Record<string, Metric>, clip: string, runs: Run[], platePreset: string, paperPreset: string): void {
  const at = (run: Run, shift: number): ShiftedScores | undefined => run.scores.find((s) => s.shift === shift);
  for (const shift of SHIFTS) {
    const plateRuns = runs.filter((r) => r.preset === platePreset && at(r, shift));
    if (plateRuns.length === 0) continue;
    const face = (pick: (s: Candidates) => ImageScores | undefined, of = plateRuns): ImageScores[] => of.map((r) => pick(at(r, shift)!.face)!).filter(Boolean) as ImageScores[];
    const psnr = spread(face((s) => s.model).map((s) => s.psnr));
    const neighbour = face((s) => s.nearestNeighbour);
    const prefix = `${clip}_k${shift}_face`;
    metrics[`${prefix}_plate_model_psnr`] = { value: psnr.mean, unit: `dB (seeds ${psnr.min.toFixed(2)}–${psnr.max.toFixed(2)})`, better: 'higher' };
    metrics[`${prefix}_plate_model_ssim`] = { value: spread(face((s) => s.model).map((s) => s.ssim)).mean, unit: '', better: 'higher' };
    metrics[`${prefix}_plate_model_l1`] = { value: spread(face((s) => s.model).map((s) => s.l1)).mean, unit: 'mean abs, [0,1]', better: 'lower' };
    metrics[`${prefix}_warped_plate_psnr`] = { value: spread(face((s) => s.warpedPlate).map((s) => s.psnr)).mean, unit: 'dB', better: 'higher' };
    metrics[`${prefix}_unedited_plate_psnr`] = { value: spread(face((s) => s.plate).map((s) => s.psnr)).mean, unit: 'dB', better: 'higher' };
    metrics[`${prefix}_nn_psnr`] = { value: spread(neighbour.map((s) => s.psnr)).mean, unit: 'dB', better: 'higher' };
    metrics[`${prefix}_nn_ssim`] = { value: spread(neighbour.map((s) => s.ssim)).mean, unit: '', better: 'higher' };
    metrics[`${prefix}_nn_l1`] = { value: spread(neighbour.map((s) => s.l1)).mean, unit: 'mean abs, [0,1]', better: 'lower' };
    metrics[`${prefix}_plate_model_minus_nn_psnr`] = { value: psnr.mean - spread(neighbour.map((s) => s.psnr)).mean, unit: 'dB', better: 'higher', target: 2 };
    metrics[`${prefix}_plate_model_minus_nn_ssim`] = { value: spread(face((s) => s.model).map((s) => s.ssim)).mean - spread(neighbour.map((s) => s.ssim)).mean, unit: '', better: 'higher', target: 0.03 };
    const paperRuns = runs.filter((r) => r.preset === paperPreset && at(r, shift));
    if (paperRuns.length > 0) metrics[`${prefix}_paper_model_psnr`] = { value: spread(face((s) => s.model, paperRuns).map((s) => s.psnr)).mean, unit: 'dB', better: 'higher' };
  }
  for (const shift of SHIFTS) {
    const rows = runs.filter((r) => r.preset === platePreset).map((r) => r.atCrop?.find((a) => a.shift === shift)).filter((a) => a !== undefined);
    if (rows.length === 0) continue;
    const mean = (pick: (a: (typeof rows)[number]) => number): number => rows.reduce((s, a) => s + pick(a), 0) / rows.length;
    const prefix = `${clip}_k${shift}_face_at_crop_${rows[0]!.cropSize}`;
    metrics[`${prefix}_plate_model_psnr`] = { value: mean((a) => a.model.psnr), unit: 'dB', better: 'higher' };
    metrics[`${prefix}_plate_model_ssim`] = { value: mean((a) => a.model.ssim), unit: '', better: 'higher' };
    metrics[`${prefix}_plate_model_l1`] = { value: mean((a) => a.model.l1), unit: 'mean abs, [0,1]', better: 'lower' };
    metrics[`${prefix}_warped_plate_psnr`] = { value: mean((a) => a.warpedPlate.psnr), unit: 'dB', better: 'higher' };
    metrics[`${prefix}_unedited_plate_psnr`] = { value: mean((a) => a.plate.psnr), unit: 'dB', better: 'higher' };
    metrics[`${prefix}_nn_psnr`] = { value: mean((a) => a.nearestNeighbour.psnr), unit: 'dB', better: 'higher' };
    metrics[`${prefix}_nn_ssim`] = { value: mean((a) => a.nearestNeighbour.ssim), unit: '', better: 'higher' };
    metrics[`${prefix}_nn_l1`] = { value: mean((a) => a.nearestNeighbour.l1), unit: 'mean abs, [0,1]', better: 'lower' };
    metrics[`${prefix}_plate_model_minus_nn_psnr`] = { value: mean((a) => a.model.psnr - a.nearestNeighbour.psnr), unit: 'dB', better: 'higher', target: 2 };
    metrics[`${prefix}_plate_model_minus_nn_ssim`] = { value: mean((a) => a.model.ssim - a.nearestNeighbour.ssim), unit: '', better: 'higher', target: 0.03 };
    if (rows.every((a) => a.paperModel)) metrics[`${prefix}_paper_model_psnr`] = { value: mean((a) => a.paperModel!.psnr), unit: 'dB', better: 'higher' };
  }
  const plateRuns = runs.filter((r) => r.preset === platePreset);
  metrics[`${clip}_plate_train_minutes`] = { value: spread(plateRuns.map((r) => r.trainMinutes)).mean, unit: 'min', better: 'lower', target: 60 };
}
