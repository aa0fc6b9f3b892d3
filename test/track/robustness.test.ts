import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Project } from '../../src-main/engine/project/project.js';
import { importClip } from '../../src-main/engine/project/import-clip.js';
import { FrameFlag, loadFaceModel, loadFrameLandmarks, loadTrackedFrames } from '../../src-main/engine/face/store.js';
import { loadDetections } from '../../src-main/engine/track/detections-store.js';
import { trackClip } from '../../src-main/engine/track/track-clip.js';
import { isDvpError } from '../../src-main/shared/errors.js';
import { ffmpeg } from '../helpers/cli.js';
import { media, tempDir } from '../helpers/paths.js';

describe('tracking difficult footage', () => {
  const temp = tempDir('dvp-track-robust-');
  let project: Project;

  before(() => {
    project = Project.create(path.join(temp.dir, 'robust.dvp'));
  });
  after(() => {
    project.close();
    temp.cleanup();
  });

  async function clip(name: string): Promise<number> {
    return (await importClip(project, path.join(temp.dir, name), 'target')).clip.id;
  }

  it('reports a clip without any face as NO_FACE and keeps its frames marked as searched', async () => {
    ffmpeg(['-f', 'lavfi', '-i', 'testsrc=size=160x120:rate=25:duration=1.2', '-pix_fmt', 'yuv420p', '-c:v', 'libx264', path.join(temp.dir, 'noface.mp4')]);
    const id = await clip('noface.mp4');
    await assert.rejects(trackClip(project, { clipId: id }), (error: unknown) => isDvpError(error) && error.code === 'NO_FACE' && /no face/.test(error.message));
    const detections = loadDetections(project, id);
    assert.equal(detections.length, 30);
    assert.ok(detections.every((d) => d.status === 'none'));
    assert.equal(loadFaceModel(project, id), undefined);
  });

  it('interpolates a short dropout and reports a long one as a range', async () => {
    // Frames 25–27 black (short gap), 45–69 grey (long gap) in a real talking head.
    ffmpeg([
      '-i', media('target-tedlieu-256.mp4'), '-frames:v', '80', '-an',
      '-vf', "drawbox=x=0:y=0:w=iw:h=ih:c=black:t=fill:enable='between(n,25,27)',drawbox=x=0:y=0:w=iw:h=ih:c=gray:t=fill:enable='between(n,45,69)'",
      '-c:v', 'libx264', '-pix_fmt', 'yuv420p', path.join(temp.dir, 'gaps.mp4'),
    ]);
    const id = await clip('gaps.mp4');
    const summary = await trackClip(project, { clipId: id });
    assert.deepEqual(summary.gaps, [{ first: 45, last: 69 }]);
    const frames = loadTrackedFrames(project, id);
    assert.equal(frames.length, 80);
    for (const f of [25, 26, 27]) assert.ok(frames[f]!.flags & FrameFlag.Interpolated, `frame ${f} interpolated`);
    for (const f of [45, 57, 69]) assert.ok(frames[f]!.flags & FrameFlag.NoFace, `frame ${f} has no face`);
    assert.ok(frames[30]!.flags & FrameFlag.Tracked);
    // Interpolated head position lies between its neighbours.
    const x = (f: number): number => frames[f]!.params.translation[0]!;
    assert.ok(x(26) >= Math.min(x(24), x(28)) - 1e-3 && x(26) <= Math.max(x(24), x(28)) + 1e-3);
    assert.deepEqual(loadFaceModel(project, id)!.gaps, [{ first: 45, last: 69 }]);
  });

  it('survives a damaged stretch of the file and flags the frames it could not read', async () => {
    const good = path.join(temp.dir, 'good.mp4');
    ffmpeg(['-i', media('target-tedlieu-256.mp4'), '-frames:v', '60', '-an', '-c:v', 'libx264', '-g', '20', '-pix_fmt', 'yuv420p', good]);
    const bytes = readFileSync(good);
    const from = Math.floor(bytes.length * 0.45);
    for (let i = from; i < from + Math.floor(bytes.length * 0.2); i++) bytes[i] = (i * 7919) % 256;
    writeFileSync(path.join(temp.dir, 'damaged.mp4'), bytes);
    const id = await clip('damaged.mp4');
    const summary = await trackClip(project, { clipId: id });
    const frames = loadTrackedFrames(project, id);
    assert.equal(frames.length, 60, 'every frame has a row');
    assert.ok(summary.corruptFrames > 0, 'the damage was noticed');
    const corrupt = frames.filter((f) => f.flags & FrameFlag.Corrupt);
    assert.equal(corrupt.length, summary.corruptFrames);
    assert.ok(corrupt.every((f) => !(f.flags & FrameFlag.Tracked)));
    assert.ok(frames.slice(0, 20).every((f) => f.flags & FrameFlag.Tracked), 'frames before the damage are tracked');
  });

  it('tracks the larger of two faces as the subject and flags the frames with both', async () => {
    ffmpeg([
      '-i', media('target-tedlieu-256.mp4'), '-i', media('target-obama-weekly-address-450.mp4'),
      '-filter_complex', '[1:v]scale=256:256[b];[0:v][b]hstack=inputs=2', '-frames:v', '25', '-an',
      '-c:v', 'libx264', '-pix_fmt', 'yuv420p', path.join(temp.dir, 'two.mp4'),
    ]);
    const id = await clip('two.mp4');
    const summary = await trackClip(project, { clipId: id });
    assert.equal(summary.framesWithFace, 25);
    const frames = loadTrackedFrames(project, id);
    assert.ok(frames.filter((f) => f.flags & FrameFlag.MultipleFaces).length >= 20, 'both faces were seen');
    for (const f of [0, 12, 24]) {
      const landmarks = loadFrameLandmarks(project, id, f)!;
      assert.ok(landmarks[2 * 1]! < 256, `frame ${f}: the subject is the larger face on the left (nose at x=${landmarks[2]})`);
    }
  });
});
