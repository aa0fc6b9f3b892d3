import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ClipConditioning } from '../../src-main/engine/condition/clip-conditioning.js';
import { PlateWarp } from '../../src-main/engine/condition/plate-warp.js';
import { cloneParams } from '../../src-main/engine/face/model.js';
import { loadTrackedFrames } from '../../src-main/engine/face/store.js';
import { ffmpegBinaries } from '../../src-main/engine/media/ffmpeg-binary.js';
import { importClip } from '../../src-main/engine/project/import-clip.js';
import { Project } from '../../src-main/engine/project/project.js';
import { trackClip } from '../../src-main/engine/track/track-clip.js';
import { media, tempDir } from '../helpers/paths.js';

const FRAMES = 40;
const SHIFT_DEG = 15;
/** The first half of the frames looks SHIFT_DEG to one side, the second half to the other: the clip's mean gaze stays. */
const asked = (frame: number): number => (frame < FRAMES / 2 ? SHIFT_DEG : -SHIFT_DEG);

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

describe('gaze tracking on a real clip', () => {
  const temp = tempDir('dvp-gaze-');
  let project: Project;
  let clipId: number;

  before(async () => {
    project = Project.create(path.join(temp.dir, 'gaze.dvp'));
    clipId = (await importClip(project, media('target-tedlieu-256.mp4'), 'target')).clip.id;
    await trackClip(project, { clipId, range: { first: 0, last: FRAMES - 1 } });
  });
  after(() => {
    project.close();
    temp.cleanup();
  });

  /** The tracked frames with their irises moved by the face model (PlateWarp) by `deg(frame)` of yaw, written as a clip and tracked. */
  async function warpedClip(name: string, deg: (frame: number) => number): Promise<number> {
    const base = ClipConditioning.open(project, clipId, { size: 64, which: 'raw' });
    const c = base.atSize(base.crop.size);
    const warp = new PlateWarp(c.conditioner);
    const size = c.conditioner.size;
    const frames = Buffer.alloc(FRAMES * size * size * 3);
    for (let f = 0; f < FRAMES; f++) {
      const plate = Float32Array.from((await c.readTarget(f)).data, (v) => v / 127.5 - 1);
      const from = c.params(f);
      const to = cloneParams(from);
      for (let eye = 0; eye < 2; eye++) to.gaze[2 * eye] = to.gaze[2 * eye]! + (deg(f) * Math.PI) / 180;
      const out = warp.warp(plate, warp.faceInCrop(from), warp.faceInCrop(to));
      for (let i = 0; i < out.length; i++) frames[f * out.length + i] = Math.max(0, Math.min(255, Math.round((out[i]! + 1) * 127.5)));
    }
    const file = path.join(temp.dir, `${name}.mov`);
    const args = ['-loglevel', 'error', '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-s', `${size}x${size}`, '-framerate', '25', '-i', 'pipe:0', '-c:v', 'prores_ks', '-profile:v', '3', '-pix_fmt', 'yuv422p10le', '-y', file];
    const encoded = spawnSync(ffmpegBinaries().ffmpeg, args, { input: frames });
    assert.equal(encoded.status, 0, encoded.stderr.toString());
    const id = (await importClip(project, file, 'source')).clip.id;
    await trackClip(project, { clipId: id });
    return id;
  }

  it('re-tracks irises moved ±15° of yaw in the picture as that change of gaze, each eye', async () => {
    const still = loadTrackedFrames(project, await warpedClip('still', () => 0), { which: 'raw' });
    const moved = loadTrackedFrames(project, await warpedClip('moved', asked), { which: 'raw' });
    assert.equal(moved.length, FRAMES);
    for (let eye = 0; eye < 2; eye++) {
      // In the asked direction, per frame; the median leaves the blinks out.
      const change = still.map((a, i) => ((moved[i]!.params.gaze[2 * eye]! - a.params.gaze[2 * eye]!) * 180) / Math.PI * Math.sign(asked(a.frame)));
      const typical = median(change);
      assert.ok(typical > 0.7 * SHIFT_DEG && typical < 1.2 * SHIFT_DEG, `eye ${eye}: the re-tracked gaze moved ${typical.toFixed(1)}° of ${SHIFT_DEG}°`);
    }
  });
});
