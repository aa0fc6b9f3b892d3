/**
 * The conditioning renderer on real tracked frames of target-tedlieu-256.mp4 (frames 0–59,
 * tracked once for the whole file): the face mask against the detected landmarks, gaze and
 * blink edits in the eye image, the correspondence image read back to surface points, the
 * colour rendering against the real frame, and the `dvp condition` command.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ClipConditioning } from '../../src-main/engine/condition/clip-conditioning.js';
import { faceModelVersion, loadShotCrop, saveShotCrop, shotCropOutdated } from '../../src-main/engine/condition/crop-store.js';
import { ConditionedClipSource } from '../../src-main/engine/condition/training-source.js';
import { renderVolume, windowFrames } from '../../src-main/engine/condition/volume.js';
import { CHANNELS_PER_FRAME } from '../../src-main/engine/condition/frame-renderer.js';
import { cloneParams, type FrameParams } from '../../src-main/engine/face/model.js';
import { loadFrameLandmarks } from '../../src-main/engine/face/store.js';
import { MESH_TRIANGLES, MESH_UV, VERTEX_COUNT } from '../../src-main/engine/face/topology.js';
import { decodePng } from '../../src-main/engine/media/png.js';
import { importClip } from '../../src-main/engine/project/import-clip.js';
import { Project } from '../../src-main/engine/project/project.js';
import { trackClip } from '../../src-main/engine/track/track-clip.js';
import { dvpFromSource } from '../helpers/cli.js';
import { media, tempDir } from '../helpers/paths.js';
import { convexHull, eyeStats, faceMask, iou, locateUv, polygonMask } from './measures.js';

const SIZE = 256;
const TRACKED = { first: 0, last: 59 };
const temp = tempDir('dvp-condition-');
const projectFile = path.join(temp.dir, 'tedlieu.dvp');
let clipId = 0;
let untrackedClipId = 0;


/** A window inside the 256² plate, scaled up to the network size: exercises the crop mapping of renders and targets alike. */
const INNER_CROP = { x: 24, y: 8, size: 200 };

function withConditioning<T>(work: (conditioning: ClipConditioning, project: Project) => T | Promise<T>, crop?: typeof INNER_CROP): Promise<T> {
  const project = Project.open(projectFile, { readonly: true });
  return Promise.resolve()
    .then(() => work(ClipConditioning.open(project, clipId, { size: SIZE, ...(crop ? { crop } : {}) }), project))
    .finally(() => project.close());
}

/** The tracked frame with the widest open eyes (sum of white and pupil pixels). */
function openEyedFrame(conditioning: ClipConditioning): number {
  let best = TRACKED.first;
  let bestArea = -1;
  for (let f = TRACKED.first; f <= TRACKED.last; f += 3) {
    const channels = conditioning.renderFrame(f);
    const stats = eyeStats(conditioning.conditioner.renderer, channels);
    const area = Math.min(stats.white[0] + stats.blue[0], stats.white[1] + stats.blue[1]);
    if (area > bestArea) {
      bestArea = area;
      best = f;
    }
  }
  return best;
}

describe('conditioning of tracked frames (target-tedlieu-256.mp4)', () => {
  before(async () => {
    const project = Project.create(projectFile);
    try {
      clipId = (await importClip(project, media('target-tedlieu-256.mp4'), 'target')).clip.id;
      untrackedClipId = (await importClip(project, media('target-obama-weekly-address-450.mp4'), 'target')).clip.id;
      await trackClip(project, { clipId, range: TRACKED });
    } finally {
      project.close();
    }
  });
  after(() => temp.cleanup());

  for (const crop of [undefined, INNER_CROP]) {
    it(`renders a face whose mask overlaps the hull of the detected landmarks (IoU ≥ 0.9), ${crop ? 'inner crop' : 'shot crop'}`, async () => {
      await withConditioning((conditioning, project) => {
        const scores: number[] = [];
        for (let f = TRACKED.first; f <= TRACKED.last; f += 6) {
          conditioning.renderFrame(f);
          const landmarks = loadFrameLandmarks(project, clipId, f);
          assert.ok(landmarks, `frame ${f} has landmarks`);
          const { x, y, size } = conditioning.crop;
          const inCrop = landmarks.map((v, i) => ((v - (i % 2 === 0 ? x : y)) * SIZE) / size);
          const hull = polygonMask(convexHull(inCrop, VERTEX_COUNT), SIZE, SIZE);
          scores.push(iou(faceMask(conditioning.conditioner.renderer), hull));
        }
        assert.ok(scores.length >= 10);
        for (const [i, score] of scores.entries()) assert.ok(score >= 0.9, `frame ${TRACKED.first + 6 * i}: IoU ${score.toFixed(3)}`);
      }, crop);
    });
  }

  it('moves the pupil discs the way the gaze turns', async () => {
    await withConditioning((conditioning) => {
      const frame = openEyedFrame(conditioning);
      const base = conditioning.params(frame);
      const pupils = (edit: (p: FrameParams) => void): [[number, number], [number, number]] => {
        const params = cloneParams(base);
        edit(params);
        const stats = eyeStats(conditioning.conditioner.renderer, conditioning.renderFrame(frame, params));
        assert.ok(stats.blue[0] > 10 && stats.blue[1] > 10, `frame ${frame}: both pupils visible (${stats.blue})`);
        return stats.pupil;
      };
      const turn = (yaw: number, pitch: number) => (p: FrameParams): void => {
        p.gaze[0] = p.gaze[0]! + yaw;
        p.gaze[2] = p.gaze[2]! + yaw;
        p.gaze[1] = p.gaze[1]! + pitch;
        p.gaze[3] = p.gaze[3]! + pitch;
      };
      // Yaw > 0 looks to the subject's right, which is the image's left; pitch > 0 looks up.
      const right = pupils(turn(0.35, 0));
      const left = pupils(turn(-0.35, 0));
      const up = pupils(turn(0, 0.3));
      const down = pupils(turn(0, -0.3));
      for (const eye of [0, 1] as const) {
        assert.ok(left[eye][0] - right[eye][0] > 3, `eye ${eye}: pupil x ${right[eye][0].toFixed(1)} (looking right) vs ${left[eye][0].toFixed(1)} (looking left)`);
        assert.ok(down[eye][1] - up[eye][1] > 1.5, `eye ${eye}: pupil y ${up[eye][1].toFixed(1)} (looking up) vs ${down[eye][1].toFixed(1)} (looking down)`);
      }
    });
  });

  it('removes the white of an eye when its lid closes', async () => {
    await withConditioning((conditioning) => {
      const frame = openEyedFrame(conditioning);
      const withLids = (left: number, right: number): ReturnType<typeof eyeStats> => {
        const params = cloneParams(conditioning.params(frame));
        params.eyelids[0] = left;
        params.eyelids[1] = right;
        return eyeStats(conditioning.conditioner.renderer, conditioning.renderFrame(frame, params));
      };
      const open = withLids(0, 0);
      const winkLeft = withLids(1, 0);
      const shut = withLids(1, 1);
      const area = (s: ReturnType<typeof eyeStats>, eye: 0 | 1): number => s.white[eye] + s.blue[eye];
      for (const eye of [0, 1] as const) assert.ok(open.white[eye] >= 30, `eye ${eye} open: ${open.white[eye]} white pixels`);
      assert.ok(area(winkLeft, 0) <= 0.03 * area(open, 0), `left lid closed: ${area(winkLeft, 0)} of ${area(open, 0)} eye pixels left`);
      assert.ok(area(winkLeft, 1) >= 0.8 * area(open, 1), 'the other eye stays open');
      for (const eye of [0, 1] as const) assert.ok(area(shut, eye) <= 0.03 * area(open, eye), `eye ${eye} shut: ${area(shut, eye)} pixels left`);
    });
  });

  it('gives each face pixel the correspondence colour of the surface point that projects into it', async () => {
    await withConditioning((conditioning) => {
      const { fx, fy, cx, cy } = conditioning.model.identity.intrinsics;
      const { x: cropX, y: cropY, size: cropSize } = conditioning.crop;
      const scale = SIZE / cropSize;
      for (const frame of [7, 31, 55]) {
        const channels = conditioning.renderFrame(frame);
        const camera = conditioning.conditioner.pose(conditioning.params(frame)).cameraVertices;
        let checked = 0;
        let worst = 0;
        for (let p = 0; p < SIZE * SIZE; p += 5) {
          const o = p * CHANNELS_PER_FRAME;
          if (channels[o + 5] !== 1) continue; // skin only (the openings have blue −1)
          const hit = locateUv({ triangles: MESH_TRIANGLES, uv: MESH_UV }, (channels[o + 3]! + 1) / 2, (channels[o + 4]! + 1) / 2);
          assert.ok(hit, `pixel ${p}: its (u, v) lies on the UV map`);
          const point = [0, 1, 2].map((axis) => hit.weights.reduce((s, w, k) => s + w * camera[3 * MESH_TRIANGLES[3 * hit.triangle + k]! + axis]!, 0));
          const u = ((fx * point[0]!) / point[2]! + cx - cropX) * scale;
          const v = ((fy * point[1]!) / point[2]! + cy - cropY) * scale;
          worst = Math.max(worst, Math.hypot(u - ((p % SIZE) + 0.5), v - (Math.floor(p / SIZE) + 0.5)));
          checked++;
        }
        assert.ok(checked > 2000, `frame ${frame}: ${checked} face pixels checked`);
        assert.ok(worst < 0.05, `frame ${frame}: a decoded surface point projects ${worst.toFixed(3)} px from its pixel`);
      }
    });
  });

  for (const crop of [undefined, INNER_CROP]) {
    it(`lays the colour rendering over the face in the real frame, ${crop ? 'inner crop' : 'shot crop'}`, async () => {
      await withConditioning(async (conditioning) => {
        for (const frame of [12, 44]) {
          const channels = conditioning.renderFrame(frame);
          const real = await conditioning.readTarget(frame);
          const error = (dx: number): number => {
            let sum = 0;
            let count = 0;
            for (let y = 0; y < SIZE; y++) {
              for (let x = 0; x < SIZE; x++) {
                const p = y * SIZE + x;
                if (channels[p * CHANNELS_PER_FRAME + 5] !== 1) continue;
                const q = y * SIZE + Math.min(SIZE - 1, Math.max(0, x + dx));
                for (let c = 0; c < 3; c++) sum += Math.abs((channels[p * CHANNELS_PER_FRAME + c]! + 1) / 2 - real.data[3 * q + c]! / 255);
                count += 3;
              }
            }
            return sum / count;
          };
          const aligned = error(0);
          const misaligned = Math.min(error(6), error(-6));
          assert.ok(aligned < 0.06, `frame ${frame}: mean colour error ${aligned.toFixed(3)} on the face`);
          assert.ok(aligned < 0.8 * misaligned, `frame ${frame}: error ${aligned.toFixed(3)} aligned vs ${misaligned.toFixed(3)} shifted by 6 px`);
        }
      }, crop);
    });
  }

  it('serves training examples: the volume of each tracked frame and the real frame under the same crop', async () => {
    const project = Project.open(projectFile, { readonly: true });
    try {
      const source = await ConditionedClipSource.open(project, clipId, { resolution: 128, windowSize: 3 });
      assert.equal(source.size, TRACKED.last - TRACKED.first + 1);
      assert.equal(source.inputChannels, 27);
      const reference = ClipConditioning.open(project, clipId, { size: 128, windowSize: 3 });
      // 0 starts a window, 1–2 and 21–33 slide (through every slot), 40 and 20 jump.
      for (const index of [0, 1, 2, 40, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33]) {
        const frame = source.frame(index);
        const example = await source.sample(index);
        assert.equal(example.input.length, 128 * 128 * 27);
        // Its own window, current frame last (the first frame repeats at the start of the clip).
        const expected = new Float32Array(128 * 128 * 27);
        renderVolume(expected, 128 * 128, windowFrames(frame, 3, reference.firstFrame), (f, out, stride, offset) => reference.conditioner.render(reference.params(f), out, stride, offset));
        assert.deepEqual(example.input, expected, `example ${index} (frame ${frame})`);
        const real = await reference.readTarget(frame);
        assert.deepEqual(example.target, Float32Array.from(real.data, (v) => v / 127.5 - 1));
        assert.equal(source.parameters(index).length, 6 + 64 + 4 + 2);
      }
      assert.notDeepEqual(source.parameters(0), source.parameters(40));
    } finally {
      project.close();
    }
  });

  it('`dvp condition` writes the three images and a contact sheet, and keeps the shot crop', async () => {
    const out = path.join(temp.dir, 'out');
    const result = await dvpFromSource(['condition', projectFile, '--clip', String(clipId), '--frame', '30', '--out', out]);
    assert.equal(result.code, 0, result.stderr);
    const stem = path.join(out, `clip${clipId}-frame000030`);
    const sheet = decodePng(readFileSync(`${stem}-contact.png`));
    assert.deepEqual([sheet.width, sheet.height], [4 * SIZE + 3 * 4, SIZE]);
    const colour = decodePng(readFileSync(`${stem}-colour.png`));
    for (const name of ['correspondence', 'eyes']) assert.ok(existsSync(`${stem}-${name}.png`), `${name}.png written`);
    // The sheet's second panel is the colour image; the first is the real frame (not black where the colour image is).
    let same = 0;
    let realLit = 0;
    for (let y = 0; y < SIZE; y += 4) {
      for (let x = 0; x < SIZE; x += 4) {
        const s = 4 * (y * sheet.width + SIZE + 4 + x);
        const c = 4 * (y * SIZE + x);
        if (sheet.data[s] === colour.data[c] && sheet.data[s + 1] === colour.data[c + 1] && sheet.data[s + 2] === colour.data[c + 2]) same++;
        if (sheet.data[4 * (y * sheet.width + x)]! > 10) realLit++;
      }
    }
    assert.equal(same, (SIZE / 4) * (SIZE / 4));
    assert.ok(realLit > 0.8 * (SIZE / 4) * (SIZE / 4), 'the real frame fills the first panel');
    assert.match(result.stdout, /crop 256×256 at \(0, 0\)/);
    const project = Project.open(projectFile, { readonly: true });
    try {
      assert.deepEqual(loadShotCrop(project, clipId), { x: 0, y: 0, size: 256, auto: true, margin: 2, trackedAt: faceModelVersion(project, clipId) });
    } finally {
      project.close();
    }
  });

  it('keeps a crop set by the user, and chooses the automatic one again after new tracking', async () => {
    const out = path.join(temp.dir, 'crops');
    const set = await dvpFromSource(['condition', projectFile, '--clip', String(clipId), '--frame', '20', '--out', out, '--crop', '24,8,200']);
    assert.equal(set.code, 0, set.stderr);
    assert.match(set.stdout, /crop 200×200 at \(24, 8\)/);
    const outside = await dvpFromSource(['condition', projectFile, '--clip', String(clipId), '--frame', '20', '--out', out, '--crop', '100,100,200']);
    assert.equal(outside.code, 2);
    assert.match(outside.stderr, /does not lie inside the 256×256 frame/);

    const project = Project.open(projectFile);
    try {
      assert.deepEqual(loadShotCrop(project, clipId), { x: 24, y: 8, size: 200, auto: false, margin: 2, trackedAt: null });
      // A user crop survives re-tracking; an automatic one follows the new tracking.
      project.db.prepare('UPDATE face_models SET updated_at = ? WHERE clip_id = ?').run('2030-01-01T00:00:00.000Z', clipId);
      assert.equal(ClipConditioning.open(project, clipId).crop.size, 200);
      saveShotCrop(project, clipId, { x: 8, y: 8, size: 128, auto: true, margin: 2, trackedAt: 'older tracking' });
      assert.ok(shotCropOutdated(project, clipId));
      assert.deepEqual(ClipConditioning.open(project, clipId).crop, { x: 0, y: 0, size: 256, auto: true, margin: 2, trackedAt: '2030-01-01T00:00:00.000Z' });
      assert.equal(shotCropOutdated(project, clipId), false);
    } finally {
      project.close();
    }
  });

  it('`dvp condition` explains what is missing', async () => {
    const untracked = await dvpFromSource(['condition', projectFile, '--clip', String(untrackedClipId), '--frame', '0', '--out', temp.dir]);
    assert.equal(untracked.code, 1);
    assert.match(untracked.stderr, /has not been tracked yet; run `dvp track` first/);
    const outside = await dvpFromSource(['condition', projectFile, '--clip', String(clipId), '--frame', '500', '--out', temp.dir]);
    assert.equal(outside.code, 1);
    assert.match(outside.stderr, /no tracked parameters for frame 500 \(tracked: 0-59\)/);
    const usage = await dvpFromSource(['condition', projectFile, '--clip', String(clipId), '--out', temp.dir]);
    assert.equal(usage.code, 2);
    assert.match(usage.stderr, /needs --clip, --frame and --out/);
  });
});
