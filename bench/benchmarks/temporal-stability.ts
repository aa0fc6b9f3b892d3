/**
 * Temporal stability (issue 12): does the network's output flicker more than the real clip?
 *
 * On target-tedlieu-256.mp4, with the machinery of control-accuracy (track frames
 * 0..3N−1, train a network on the first two thirds, render the held-out last third as a
 * time-shifted self-reenactment — frame t driven by the tracked parameters of frame t + SHIFT,
 * N − SHIFT consecutive frames, region composite — against the real frames t + SHIFT, the motion
 * that was asked for, transcoded to the same ProRes):
 * - flicker: the mean |frame_t − frame_{t−1}| (8-bit levels, over channels) inside the face mask
 *   (the face model's whole-face region, `RegionMasker` with no margin, posed under the frame's
 *   tracked parameters; a pair of frames is weighted by the union of their two masks), for the
 *   output and for the real frames, and their ratio (issue 12's bar: ≤ 1.2); also how far the
 *   output's frame-to-frame change is from the real one's (|Δoutput − Δreal| inside the mask);
 * - parameter jitter: both files re-tracked as clips of their own (raw, unsmoothed parameters),
 *   the RMS of the second differences x_{t+1} − 2x_t + x_{t−1} of head rotation (°), translation
 *   (mm) and expression coefficients, output against real (ratio). Both were tracked the same
 *   way, so the tracker's own noise is in both; the real clip's motion is in both too.
 * Settings (env): DVP_TEMPORAL_FRAMES (N = 100 held-out frames), DVP_TEMPORAL_SHIFT (25),
 * DVP_TEMPORAL_PRESET (plate-preview), DVP_TEMPORAL_STEPS (the preset's). About 4 minutes on two
 * cores with the native backend.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { composeShot } from '../../src-main/engine/edit/compose.js';
import { loadShotInputs } from '../../src-main/engine/edit/tracked-inputs.js';
import type { FrameParams } from '../../src-main/engine/face/model.js';
import { FrameFlag, loadFaceModel, loadTrackedFrames, type TrackedFrame } from '../../src-main/engine/face/store.js';
import { readFrames } from '../../src-main/engine/media/frame-reader.js';
import { writePng } from '../../src-main/engine/media/png.js';
import { probeVideo } from '../../src-main/engine/media/probe.js';
import { transcode } from '../../src-main/engine/media/transcode.js';
import { clipVideoInfo } from '../../src-main/engine/project/clips.js';
import { importClip } from '../../src-main/engine/project/import-clip.js';
import { Project } from '../../src-main/engine/project/project.js';
import { EditRegion } from '../../src-main/engine/render/edit-regions.js';
import { RegionMasker } from '../../src-main/engine/render/region-mask.js';
import { trackClip } from '../../src-main/engine/track/track-clip.js';
import { presetConfig } from '../../src-main/engine/translate/config.js';
import { MEDIA_DIR, RESULTS_DIR } from '../paths.js';
import type { Benchmark, BenchResult, Metric } from '../types.js';
import { bindTimeShifted, frameParams, renderCase, retrack, setting, trainShotModel } from '../shot-cases.js';
import { mean, percentile95, round } from '../stats.js';
import { cropMaskToPlate, FLICKER_RATIO_BAR, maskedFlicker, parameterJitter, temporalDifferenceError, type ParameterJitter } from '../temporal-metrics.js';

/** Issue 12: output flicker inside the mask at most this many times the real clip's. */
async function readAll(file: string): Promise<{ frames: Uint8Array[]; width: number; height: number }> {
  const frames: Uint8Array[] = [];
  let width = 0;
  let height = 0;
  for await (const frame of readFrames(file, await probeVideo(file))) {
    frames.push(frame.data.slice());
    width = frame.width;
    height = frame.height;
  }
  return { frames, width, height };
}

/** A clip's raw tracked parameters per frame 0…count−1; null where the tracker fitted no face of its own. */
function fittedParams(frames: readonly TrackedFrame[], count: number, offset = 0): (FrameParams | null)[] {
  const out: (FrameParams | null)[] = new Array<FrameParams | null>(count).fill(null);
  for (const frame of frames) {
    const i = frame.frame - offset;
    if (i < 0 || i >= count) continue;
    if ((frame.flags & FrameFlag.Tracked) === 0 || (frame.flags & (FrameFlag.NoFace | FrameFlag.Corrupt | FrameFlag.Interpolated)) !== 0) continue;
    out[i] = frame.params;
  }
  return out;
}

/** Per-pixel mean |Δ| over the pairs (× gain, grey), real | output side by side, the mask's edge marked red. */
function writeFlickerSheet(out: string, real: readonly Uint8Array[], output: readonly Uint8Array[], masks: readonly Float32Array[], width: number, height: number, gain: number): void {
  const pixels = width * height;
  const data = new Uint8Array(2 * pixels * 3);
  const mid = masks[Math.floor(masks.length / 2)]!;
  [real, output].forEach((frames, k) => {
    for (let p = 0; p < pixels; p++) {
      let sum = 0;
      for (let t = 1; t < frames.length; t++) for (let c = 0; c < 3; c++) sum += Math.abs(frames[t]![3 * p + c]! - frames[t - 1]![3 * p + c]!);
      const v = Math.min(255, Math.round((gain * sum) / (3 * Math.max(1, frames.length - 1))));
      const y = Math.floor(p / width);
      const o = (y * 2 * width + k * width + (p % width)) * 3;
      const w = mid[p]!;
      const edge = w > 0 && w < 1;
      data[o] = edge ? 255 : v;
      data[o + 1] = edge ? 0 : v;
      data[o + 2] = edge ? 0 : v;
    }
  });
  writePng(out, { width: 2 * width, height, channels: 3, data });
}

export const temporalStabilityBenchmark: Benchmark = {
  name: 'temporal-stability',
  description: `Time-shifted self-reenactment (plate t driven by frame t + 25) on target-tedlieu-256.mp4, region composite: frame-to-frame change inside the face mask of the network's output against the real frames t + 25 (flicker ratio, issue 12: ≤ ${FLICKER_RATIO_BAR}), and the second-difference jitter of the re-tracked output's head rotation, translation and expression against the re-tracked real frames.`,
  async run(): Promise<BenchResult> {
    const renderFrames = setting('DVP_TEMPORAL_FRAMES', 100);
    const shift = setting('DVP_TEMPORAL_SHIFT', 25);
    const preset = process.env.DVP_TEMPORAL_PRESET ?? 'plate-preview';
    const steps = setting('DVP_TEMPORAL_STEPS', presetConfig(preset).training.steps);
    // dvp train's split holds out the last third: 3N tracked frames hold out N.
    const trackFrames = 3 * renderFrames;
    const loadAtStart = os.loadavg();
    const cpuAtStart = process.cpuUsage();
    const dir = mkdtempSync(path.join(os.tmpdir(), 'dvp-temporal-'));
    const project = Project.create(path.join(dir, 'temporal.dvp'));
    try {
      const started = performance.now();
      const target = (await importClip(project, path.join(MEDIA_DIR, 'target-tedlieu-256.mp4'), 'target')).clip;
      await trackClip(project, { clipId: target.id, range: { first: 0, last: trackFrames - 1 } });
      const { backend, data, trainSeconds } = await trainShotModel(project, target.id, preset, steps, 'temporal');
      const first = data.heldOutFrom;
      const last = Math.min(data.last - shift, first + renderFrames - 1);
      const count = last - first + 1;
      if (count < 3) throw new Error(`too few held-out frames for a ${shift}-frame shift: raise DVP_TEMPORAL_FRAMES`);
      bindTimeShifted(project, target.id, shift);

      // The face mask of each frame: the whole face mesh under the parameters the render is driven by (frame t + shift's), no margin.
      const requested = composeShot(loadShotInputs(project, target.id), first, count);
      const masker = new RegionMasker(loadFaceModel(project, target.id)!, data.crop, { margin: 0, feather: 0 });
      const cropMasks = Array.from({ length: count }, (_, i) => {
        const params = frameParams(requested, i);
        return masker.mask(EditRegion.Face, params, params).weights;
      });

      const plateFile = path.join(dir, 'plate.mov');
      await transcode(clipVideoInfo(target), plateFile, { format: 'prores-hq', range: { first: first + shift, last: last + shift }, audio: 'none' });
      const rendered = await renderCase(project, dir, 'self', target.id, first, last);
      const real = await readAll(plateFile);
      const output = await readAll(rendered.file);
      const { width, height } = real;
      if (real.frames.length !== count || output.frames.length !== count) throw new Error(`expected ${count} frames, read ${real.frames.length} real and ${output.frames.length} rendered`);
      const masks = cropMasks.map((w) => cropMaskToPlate(w, data.crop, width, height));
      const maskShare = mean(masks.map((m) => m.reduce((s, w) => s + w, 0) / m.length));

      const realFlicker = maskedFlicker(real.frames, masks);
      const outputFlicker = maskedFlicker(output.frames, masks);
      const differenceError = temporalDifferenceError(output.frames, real.frames, masks);
      // For scale, per frame |output_t − real_t| inside frame t's mask (measured as the change across the two-frame sequence real_t, output_t).
      const frameError = mean(real.frames.map((r, t) => maskedFlicker([r, output.frames[t]!], [masks[t]!, masks[t]!])[0]!));
      const sample = path.join(RESULTS_DIR, 'temporal-stability-sample.png');
      writeFlickerSheet(sample, real.frames, output.frames, masks, width, height, 8);

      // Both files re-tracked as clips of their own, raw parameters.
      const realId = await retrack(project, plateFile);
      const outputId = await retrack(project, rendered.file);
      const realParams = realId === null ? [] : fittedParams(loadTrackedFrames(project, realId, { which: 'raw' }), count);
      const outputParams = outputId === null ? [] : fittedParams(loadTrackedFrames(project, outputId, { which: 'raw' }), count);
      const realJitter = parameterJitter(realParams);
      const outputJitter = parameterJitter(outputParams);
      // For reference: the target's own tracking of the frames asked for (inside the long clip), raw and as smoothed (what drove the render).
      const targetRaw = parameterJitter(fittedParams(loadTrackedFrames(project, target.id, { which: 'raw', range: { first: first + shift, last: last + shift } }), count, first + shift));
      const driving = parameterJitter(Array.from({ length: count }, (_, i) => frameParams(requested, i)));

      const realMean = mean(realFlicker);
      const outputMean = mean(outputFlicker);
      const cpu = process.cpuUsage(cpuAtStart);
      const metrics: Record<string, Metric> = {
        flickerRatio: { value: outputMean / realMean, unit: '× real', better: 'lower', target: FLICKER_RATIO_BAR },
        outputFlickerLevels: { value: outputMean, unit: 'levels (mean abs Δ, 0–255)', better: 'lower' },
        realFlickerLevels: { value: realMean, unit: 'levels (mean abs Δ, 0–255)', better: 'lower' },
        outputFlickerP95Levels: { value: percentile95(outputFlicker), unit: 'levels (mean abs Δ, 0–255)', better: 'lower' },
        realFlickerP95Levels: { value: percentile95(realFlicker), unit: 'levels (mean abs Δ, 0–255)', better: 'lower' },
        temporalDifferenceErrorLevels: { value: mean(differenceError), unit: 'levels (mean abs Δout − Δreal)', better: 'lower' },
        jitterRotationRatio: { value: outputJitter.rotationDeg / realJitter.rotationDeg, unit: '× real', better: 'lower' },
        jitterTranslationRatio: { value: outputJitter.translationMm / realJitter.translationMm, unit: '× real', better: 'lower' },
        jitterExpressionRatio: { value: outputJitter.expression / realJitter.expression, unit: '× real', better: 'lower' },
        outputJitterRotationDeg: { value: outputJitter.rotationDeg, unit: '° (RMS 2nd diff)', better: 'lower' },
        realJitterRotationDeg: { value: realJitter.rotationDeg, unit: '° (RMS 2nd diff)', better: 'lower' },
        outputJitterTranslationMm: { value: outputJitter.translationMm, unit: 'mm (RMS 2nd diff)', better: 'lower' },
        realJitterTranslationMm: { value: realJitter.translationMm, unit: 'mm (RMS 2nd diff)', better: 'lower' },
        outputJitterExpression: { value: outputJitter.expression, unit: 'coef (RMS 2nd diff)', better: 'lower' },
        realJitterExpression: { value: realJitter.expression, unit: 'coef (RMS 2nd diff)', better: 'lower' },
        outputFramesWithFace: { value: (100 * outputParams.filter((p) => p !== null).length) / count, unit: '%', better: 'higher' },
      };
      const jitterDetail = (j: ParameterJitter): Record<string, number> => ({ rotationDeg: round(j.rotationDeg, 4), translationMm: round(j.translationMm, 4), expression: round(j.expression, 5), triples: j.triples });
      return {
        metrics,
        details: {
          target: 'target-tedlieu-256.mp4',
          resolution: { plate: `${width}×${height}`, crop: data.crop, network: `${presetConfig(preset).network.resolution}²` },
          trackedFrames: `0-${trackFrames - 1}`,
          trainFrames: `${data.first}-${data.heldOutFrom - 1}`,
          measuredFrames: `${first}-${last} (${count} frames, ${count - 1} pairs; held out), each driven by frame t + ${shift}; real: frames ${first + shift}-${last + shift}`,
          preset,
          steps,
          backend: backend.reason,
          trainSeconds: Math.round(trainSeconds),
          renderFps: round(rendered.fps, 2),
          composite: 'region (head, hair and neck for a full-head edit; ProRes 422 HQ), real frames transcoded to the same ProRes',
          faceMask: `whole face mesh (EditRegion.Face) under the render's parameters, margin 0, 2 px feather; union of the pair's two masks; mean ${round(100 * maskShare, 1)} % of the frame`,
          meanAbsErrorInsideMaskLevels: round(frameError, 2),
          jitter: {
            output: jitterDetail(outputJitter),
            real: jitterDetail(realJitter),
            targetTrackingRaw: jitterDetail(targetRaw),
            drivingParameters: jitterDetail(driving),
            note: 'output and real: each file re-tracked as a clip of its own (raw); targetTrackingRaw: the same frames inside the long tracked clip; drivingParameters: the smoothed tracking the render was driven by.',
          },
          sample: 'bench/results/temporal-stability-sample.png: per-pixel mean |frame_t − frame_{t−1}| × 8, real | output; red: the middle frame\'s mask edge',
          loadAverage: { atStart: loadAtStart, atEnd: os.loadavg() },
          cpuSeconds: Math.round((cpu.user + cpu.system) / 1e6),
          totalSeconds: Math.round((performance.now() - started) / 1000),
          note: 'Flicker ratio below 1 is not by itself good: a blurry or frozen face changes less than the real one; temporalDifferenceErrorLevels tells the two apart (a frozen output scores the real flicker). The output keeps plate t\'s own changes (lighting, compression) outside what the edit moves, so it is not expected to reach 0.',
        },
      };
    } finally {
      project.close();
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
