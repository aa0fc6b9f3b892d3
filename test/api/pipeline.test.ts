import assert from 'node:assert/strict';
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { PNG } from 'pngjs';
import type { Job } from '../../src-main/api/schemas.js';
import { TRACK_CODE, type PngImage } from '../../src-main/api/pipeline.js';
import { importClip } from '../../src-main/engine/project/import-clip.js';
import { Project } from '../../src-main/engine/project/project.js';
import { serveMedia } from '../../src-main/host/media-route.js';
import { ffprobeJson } from '../helpers/cli.js';
import { startTestBackend, waitForEvent, type TestBackend } from '../helpers/engine-host.js';
import { media, tempDir } from '../helpers/paths.js';

const CLIP = media('target-obama-weekly-address-450.mp4');
const TRACKED = { first: 0, last: 24 };
const FINISHED = new Set(['succeeded', 'failed', 'cancelled']);

function decode(image: PngImage): PNG {
  const png = PNG.sync.read(Buffer.from(image.png, 'base64'));
  assert.equal(png.width, image.width);
  assert.equal(png.height, image.height);
  return png;
}

describe('pipeline API: tracking, overlays, conditioning, training, synthesis, render (real engine)', () => {
  const temp = tempDir('dvp-pipeline-api-');
  const projectFile = path.join(temp.dir, 'pipeline.dvp');
  let backend: TestBackend;
  let clipId: number;
  let modelId: number;

  function finished(id: number, timeoutMs = 120_000): Promise<Job> {
    return waitForEvent<Job>((listener) => backend.api.on('job.updated', listener), (job) => job.id === id && FINISHED.has(job.status), timeoutMs);
  }

  before(async () => {
    const project = Project.create(projectFile);
    clipId = (await importClip(project, CLIP, 'target')).clip.id;
    project.close();
    backend = await startTestBackend(path.join(temp.dir, 'config'));
    await backend.api.call('project.open', { file: projectFile });
  });

  after(async () => {
    await backend?.stop();
    temp.cleanup();
  });

  it('reports an untracked clip: every frame code 0, no face model, overlays empty, no conditioning', async () => {
    const status = await backend.api.call('tracking.status', { clipId });
    assert.equal(status.frameCount, 500);
    assert.equal(status.codes.length, 500);
    assert.ok(status.codes.every((c) => c === TRACK_CODE.none));
    assert.equal(status.model, null);
    const overlay = await backend.api.call('tracking.overlay', { clipId, frame: 3 });
    assert.equal(overlay.mesh, null);
    assert.equal(overlay.landmarks, null);
    const images = await backend.api.request('condition.images', { clipId, frame: 3 });
    assert.ok(!images.ok && images.error.code === 'NOT_FOUND' && /no tracked face/.test(images.error.message));
  });

  it('tracks a short range as a job, with progress, and the per-frame status follows', async () => {
    const progress: number[] = [];
    const off = backend.api.on('job.updated', (job) => {
      if (job.kind === 'track' && job.progress) progress.push(job.progress.done);
    });
    const job = await backend.api.startJob('track', { clipId, range: TRACKED });
    assert.equal(job.title, 'Track clip 1 (frames 0–24)');
    assert.equal(job.clipId, clipId, 'the job names its clip (the tracking panel follows it by id, not by title)');
    const done = await finished(job.id);
    off();
    assert.equal(done.status, 'succeeded', JSON.stringify(done.error));
    const result = done.result as { framesWithFace: number; framesDetectedNow: number };
    assert.equal(result.framesDetectedNow, 25);
    assert.ok(result.framesWithFace >= 24, `a face in nearly every frame (${result.framesWithFace})`);
    assert.ok(progress.length >= 2 && progress.some((d) => d > 0 && d < 25), `intermediate progress was reported (${progress.join(',')})`);

    const status = await backend.api.call('tracking.status', { clipId });
    const inRange = status.codes.slice(0, 25);
    assert.ok(inRange.every((c) => c === TRACK_CODE.tracked || c === TRACK_CODE.interpolated || c === TRACK_CODE.uncertain), inRange.join(''));
    assert.ok(status.codes.slice(25).every((c) => c === TRACK_CODE.none));
    assert.ok(status.model && status.model.neutralFrame <= 24 && status.model.medianErrorPct !== null && status.model.medianErrorPct < 10);
    const clip = (await backend.api.call('clip.list', {})).find((c) => c.id === clipId);
    assert.equal(clip?.status.trackedFrames, 25);
  });

  it('gives overlay geometry that lies on the detected landmarks, with gaze rays from the irises', async () => {
    const topology = await backend.api.call('tracking.topology', {});
    assert.equal(topology.vertexCount, 468);
    assert.equal(topology.edges.length % 2, 0);
    assert.ok(topology.edges.length / 2 > 1000 && topology.edges.every((v) => v < 468));
    assert.ok(topology.landmarkDots.includes(468) && topology.landmarkDots.includes(473), 'iris centres are drawn');

    const overlay = await backend.api.call('tracking.overlay', { clipId, frame: 10 });
    assert.ok(overlay.mesh && overlay.landmarks);
    const { vertices, facing, eyes } = overlay.mesh;
    assert.equal(vertices.length, 468 * 2);
    assert.equal(facing.length, 468);
    assert.ok(facing.filter((f) => f === 1).length > 300, 'a frontal face shows most of its vertices');
    assert.equal(overlay.landmarks.length, 478 * 2);
    const iod = Math.hypot(eyes[0].iris[0] - eyes[1].iris[0], eyes[0].iris[1] - eyes[1].iris[1]);
    assert.ok(iod > 30 && iod < 250, `inter-ocular distance ${iod} px`);
    // The fitted mesh vertex v and the detected landmark v are the same MediaPipe point.
    let sum = 0;
    for (let v = 0; v < 468; v++) sum += Math.hypot(vertices[2 * v]! - overlay.landmarks[2 * v]!, vertices[2 * v + 1]! - overlay.landmarks[2 * v + 1]!);
    assert.ok(sum / 468 < 0.1 * iod, `mean mesh-to-landmark distance ${(sum / 468).toFixed(2)} px is under 10 % of the IOD (${iod.toFixed(1)} px)`);
    for (const eye of eyes) {
      assert.ok(eye.ring.length >= 16 && eye.irisRadius > 0);
      assert.ok(eye.gazeEnd, 'a frontal gaze ray ends in front of the camera');
      const length = Math.hypot(eye.gazeEnd[0] - eye.iris[0], eye.gazeEnd[1] - eye.iris[1]);
      assert.ok(length < iod, `gaze ray of ${length.toFixed(1)} px for a mostly frontal gaze`);
    }
  });

  it("returns the engine's three conditioning images of a tracked frame, placed by the shot crop", async () => {
    const images = await backend.api.call('condition.images', { clipId, frame: 10, size: 128 });
    assert.equal(images.size, 128);
    assert.equal(images.edited, true);
    assert.ok(images.crop.x >= 0 && images.crop.y >= 0 && images.crop.x + images.crop.size <= 450 && images.crop.y + images.crop.size <= 450);
    const colour = decode(images.colour);
    const correspondence = decode(images.correspondence);
    const eyes = decode(images.eyes);
    let skin = 0;
    let eyeWhite = 0;
    for (let p = 0; p < 128 * 128; p++) {
      if (correspondence.data[4 * p + 2] === 255) skin++;
      if (eyes.data[4 * p] === 255 && eyes.data[4 * p + 1] === 255) eyeWhite++;
    }
    assert.ok(skin > 0.05 * 128 * 128, `the face covers part of the crop (${skin} px)`);
    assert.ok(eyeWhite > 4, `open eyes are white in the gaze image (${eyeWhite} px)`);
    const corner = colour.data.subarray(0, 3);
    assert.deepEqual([...corner], [0, 0, 0], 'the background of the colour image is black');
  });

  it('trains cpu-tiny as a job without blocking other requests, pauses with a checkpoint, and resumes', async () => {
    const job = await backend.api.startJob('train', { clipId, preset: 'cpu-tiny', steps: 200, checkpointEvery: 2, previewEvery: 2, backend: 'wasm' });
    await waitForEvent<Job>((l) => backend.api.on('job.updated', l), (j) => j.id === job.id && (j.progress?.done ?? 0) >= 3, 120_000);
    // The engine answers while the job trains: the answer arrives before the job has ended.
    const clips = await backend.api.call('clip.list', {});
    assert.equal(clips.length, 1);
    assert.equal((await backend.api.call('job.list', {})).find((j) => j.id === job.id)?.status, 'running');
    await backend.api.call('job.cancel', { id: job.id });
    const paused = await finished(job.id);
    assert.equal(paused.status, 'cancelled');

    const overview = await backend.api.call('training.overview', { clipId });
    assert.equal(overview.backend?.name, 'wasm');
    assert.ok(overview.presets.some((p) => p.name === 'cpu-tiny' && p.resolution === 64));
    assert.equal(overview.models.length, 1);
    const model = overview.models[0]!;
    modelId = model.id;
    assert.equal(model.preset, 'cpu-tiny');
    assert.deepEqual(model.frames, { first: 0, last: 24, heldOutFrom: 16 });
    const pausedAt = model.checkpoints.at(-1)?.step ?? 0;
    assert.ok(pausedAt >= 3, `a checkpoint at the step it reached (${pausedAt})`);
    assert.equal(model.runs.at(-1)?.status, 'cancelled');
    assert.ok(model.previews.length >= 1 && model.previews.every((s) => s % 2 === 0));
    const preview = decode(await backend.api.call('training.preview', { modelId, step: model.previews[0]! }));
    assert.equal(preview.height, 64);

    const losses = await backend.api.call('training.losses', { modelId });
    assert.equal(losses.total, pausedAt);
    assert.deepEqual(losses.points.map((p) => p.step), Array.from({ length: pausedAt }, (_, i) => i + 1));
    assert.ok(losses.points.every((p) => p.l1 > 0 && p.l1 < 2 && Number.isFinite(p.generator) && Number.isFinite(p.discriminator)));

    const resumed = await backend.api.startJob('train', { clipId, modelId, steps: pausedAt + 2, checkpointEvery: 100, previewEvery: 0 });
    const done = await finished(resumed.id);
    assert.equal(done.status, 'succeeded', JSON.stringify(done.error));
    assert.equal((done.result as { step: number }).step, pausedAt + 2);
    const after = await backend.api.call('training.losses', { modelId, maxPoints: 2 });
    assert.equal(after.total, pausedAt + 2, 'the resumed steps extend the loss history');
    assert.equal(after.points.length, 2);
    assert.equal(after.points.at(-1)?.step, pausedAt + 2);
    const runs = (await backend.api.call('training.overview', { clipId })).models[0]!.runs;
    assert.deepEqual(runs.map((r) => [r.status, r.startStep]), [['cancelled', 0], ['finished', pausedAt]]);
  });

  it('synthesizes one frame through the trained network, composited into the plate', async () => {
    const synth = await backend.api.call('synth.frame', { clipId, frame: 10 });
    assert.equal(synth.modelId, modelId);
    assert.equal(synth.synthesized, true);
    const image = decode(synth.image);
    assert.deepEqual([image.width, image.height], [450, 450]);
    const plate = await backend.host.call('media.frame', { clipId, index: 10, format: 'rgb' });
    assert.ok(plate.ok);
    const original = (plate.value as { bytes: Uint8Array }).bytes;
    const { x, y, size } = synth.crop;
    let inside = 0;
    let outside = 0;
    let outsideCount = 0;
    for (let py = 0; py < 450; py++) {
      for (let px = 0; px < 450; px++) {
        const d = Math.abs(image.data[4 * (py * 450 + px)]! - original[3 * (py * 450 + px)]!);
        const centre = px > x + size * 0.3 && px < x + size * 0.7 && py > y + size * 0.3 && py < y + size * 0.7;
        const beyond = px < x || px >= x + size || py < y || py >= y + size;
        if (centre) inside += d;
        if (beyond) {
          outside += d;
          outsideCount++;
        }
      }
    }
    assert.ok(inside / (size * size * 0.16) > 5, 'the face area is the network output, not the plate');
    if (outsideCount > 0) assert.equal(outside, 0, 'outside the crop the plate is untouched');
    const untracked = await backend.api.request('synth.frame', { clipId, frame: 499 });
    assert.ok(untracked.ok && !untracked.value.synthesized, 'a frame without a tracked face passes the plate through');
  });

  it('renders a short range as a job and serves the file as a download in browser mode', async () => {
    const output = path.join(temp.dir, 'renders', 'shot.mp4');
    const job = await backend.api.startJob('render', { clipId, output, format: 'h264', range: { first: 2, last: 9 }, audio: 'none' });
    const done = await finished(job.id);
    assert.equal(done.status, 'succeeded', JSON.stringify(done.error));
    const result = done.result as { output: string; frames: number; synthesized: number; timecode: string; sizeBytes: number };
    assert.equal(result.output, output);
    assert.equal(result.frames, 8);
    assert.equal(result.synthesized, 8);
    assert.equal(result.timecode, '00:00:00:02');
    assert.equal(result.sizeBytes, statSync(output).size);
    const video = ffprobeJson(output, ['-count_frames']).streams.find((s) => s.codec_type === 'video');
    assert.equal(video?.nb_read_frames, '8');

    const download = await serveMedia(backend.host, `/media/output/${job.id}/shot.mp4`);
    assert.equal(download.status, 200);
    assert.equal(download.headers['Content-Disposition'], 'attachment; filename="shot.mp4"');
    assert.equal((download.body as Uint8Array).byteLength, result.sizeBytes);
    const notRender = await serveMedia(backend.host, `/media/output/1/x.mp4`);
    assert.equal(notRender.status, 404, 'only finished render jobs are served');

    const reveal = await backend.api.request('file.reveal', { file: output });
    assert.ok(!reveal.ok && reveal.error.code === 'NOT_SUPPORTED', 'a browser cannot open the folder; the UI offers the download');
    assert.ok(existsSync(output));
  });
});
