import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { Project } from '../../src-main/engine/project/project.js';
import { importClip } from '../../src-main/engine/project/import-clip.js';
import { EXPRESSION_DIM, PARAM_LAYOUT, packParams } from '../../src-main/engine/face/model.js';
import { FrameFlag, loadFaceModel, loadFrameLandmarks, loadTrackedFrames } from '../../src-main/engine/face/store.js';
import { detectedFrames } from '../../src-main/engine/track/detections-store.js';
import { renderOverlay } from '../../src-main/engine/track/overlay.js';
import { jitter } from '../../src-main/engine/track/temporal.js';
import { trackClip } from '../../src-main/engine/track/track-clip.js';
import { isDvpError } from '../../src-main/shared/errors.js';
import { ffprobeJson } from '../helpers/cli.js';
import { media, tempDir } from '../helpers/paths.js';

describe('tracking a real clip', () => {
  const temp = tempDir('dvp-track-');
  let project: Project;
  let clipId: number;

  before(async () => {
    project = Project.create(path.join(temp.dir, 'track.dvp'));
    clipId = (await importClip(project, media('target-tedlieu-256.mp4'), 'target')).clip.id;
  });
  after(() => {
    project.close();
    temp.cleanup();
  });

  it('fits every frame of a range within the accuracy targets and stores raw and smoothed parameters', async () => {
    const progress: number[] = [];
    const summary = await trackClip(project, { clipId, range: { first: 0, last: 29 }, onProgress: (p) => progress.push(p.done) });
    assert.equal(summary.framesWithFace, 30);
    assert.equal(summary.basisVersion, 1);
    assert.ok(summary.stats.medianErrorPct < 2, `median ${summary.stats.medianErrorPct} % IOD`);
    assert.ok(summary.stats.p95ErrorPct < 5, `95th percentile ${summary.stats.p95ErrorPct} % IOD`);
    assert.ok(progress.length > 0 && progress.at(-1) === 30);

    const raw = loadTrackedFrames(project, clipId, { which: 'raw' });
    const smooth = loadTrackedFrames(project, clipId);
    assert.equal(raw.length, 30);
    assert.ok(raw.every((f) => f.flags & FrameFlag.Tracked));
    const rawPacked = raw.map((f) => packParams(f.params));
    const smoothPacked = smooth.map((f) => packParams(f.params));
    assert.ok(jitter(smoothPacked, PARAM_LAYOUT.expression, EXPRESSION_DIM) < jitter(rawPacked, PARAM_LAYOUT.expression, EXPRESSION_DIM));
    // A talking head 60–100 cm from a long lens, roughly facing the camera.
    const first = raw[0]!.params;
    assert.ok(first.translation[2]! > 300 && first.translation[2]! < 2000, `depth ${first.translation[2]} mm`);
    assert.ok(Math.abs(first.rotation[0]!) < 0.5 && Math.abs(first.rotation[1]!) < 0.5);
    assert.equal(loadFrameLandmarks(project, clipId, 10)?.length, 478 * 2);

    const model = loadFaceModel(project, clipId)!;
    assert.ok(model.identity.neutralFrame >= 0 && model.identity.neutralFrame < 30);
    assert.ok(model.basis.activeCount > 0 && model.basis.activeCount <= EXPRESSION_DIM);
    const skin = model.identity.albedo[3 * 1]!; // nose tip red channel
    assert.ok(skin > 0.2 && skin < 1.2, `albedo ${skin}`);
    const jaw = model.controls.find((c) => c.name === 'jawOpen')!;
    assert.ok(jaw.max > jaw.min, 'the actor moved the jaw while talking');
  });

  it('resumes: a second run over a longer range only detects the new frames', async () => {
    const summary = await trackClip(project, { clipId, range: { first: 0, last: 44 } });
    assert.equal(summary.framesResumed, 30);
    assert.equal(summary.framesDetectedNow, 15);
    assert.equal(loadTrackedFrames(project, clipId).length, 45);
  });

  it('keeps the frames detected before a cancellation and continues from them', async () => {
    const controller = new AbortController();
    const attempt = trackClip(project, {
      clipId,
      range: { first: 45, last: 94 },
      signal: controller.signal,
      onProgress: (p) => {
        if (p.done >= 8) controller.abort();
      },
    });
    await assert.rejects(attempt, (error: unknown) => isDvpError(error) && error.code === 'CANCELLED');
    const kept = detectedFrames(project, clipId, 45, 94).size;
    assert.ok(kept >= 8 && kept < 50, `${kept} frames kept`);
    const summary = await trackClip(project, { clipId, range: { first: 45, last: 94 } });
    assert.equal(summary.framesResumed, kept);
    assert.equal(summary.framesDetectedNow, 50 - kept);
    assert.equal(loadTrackedFrames(project, clipId).length, 95);
  });

  it('keeps a user-chosen neutral frame across runs and applies the smoothing setting', async () => {
    const summary = await trackClip(project, { clipId, range: { first: 0, last: 94 }, neutralFrame: 10, smoothing: 0 });
    assert.equal(summary.framesDetectedNow, 0, 'nothing left to detect');
    assert.equal(summary.neutralFrame, 10);
    const raw = loadTrackedFrames(project, clipId, { which: 'raw' });
    const smooth = loadTrackedFrames(project, clipId);
    assert.deepEqual(Array.from(packParams(smooth[40]!.params)), Array.from(packParams(raw[40]!.params)), 'strength 0 leaves the values raw');
    const again = await trackClip(project, { clipId, range: { first: 0, last: 94 } });
    assert.equal(again.neutralFrame, 10);
    const model = loadFaceModel(project, clipId)!;
    assert.equal(model.identity.neutralFrameAuto, false);
    assert.equal(model.smoothing, 1);
  });

  it('renders an overlay video of the tracking', async () => {
    const out = path.join(temp.dir, 'overlay.mp4');
    const result = await renderOverlay(project, { clipId, out, range: { first: 0, last: 19 } });
    assert.equal(result.frames, 20);
    const stream = ffprobeJson(out, ['-count_frames']).streams[0]!;
    assert.equal(stream.nb_read_frames, '20');
    // Small clips are drawn at twice their size.
    assert.equal(stream.width, 512);
    // The status square of a tracked frame is green.
    const pixel = spawnSync('ffmpeg', ['-v', 'error', '-i', out, '-frames:v', '1', '-vf', 'crop=2:2:10:10', '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-'], { maxBuffer: 1 << 20 }).stdout;
    assert.ok(pixel[1]! > 150 && pixel[0]! < 120, `status colour ${pixel[0]},${pixel[1]},${pixel[2]}`);
  });
});
