/**
 * The plate warp and the plate-conditioned training source on real tracked frames of
 * target-tedlieu-256.mp4 (frames 0–59): the warp leaves a plate alone when the face does not
 * move, carries the face with the head, moves the iris with the gaze, keeps pixels far from the face, and the source pairs
 * each example with a training frame's plate, never a held-out one.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ClipConditioning } from '../../src-main/engine/condition/clip-conditioning.js';
import { PlateConditionedSource } from '../../src-main/engine/condition/plate-source.js';
import { PlateWarp, type PlateFace } from '../../src-main/engine/condition/plate-warp.js';
import { ConditionedClipSource } from '../../src-main/engine/condition/training-source.js';
import { cloneParams } from '../../src-main/engine/face/model.js';
import { importClip } from '../../src-main/engine/project/import-clip.js';
import { Project } from '../../src-main/engine/project/project.js';
import { trackClip } from '../../src-main/engine/track/track-clip.js';
import { PLATE_CHANNELS } from '../../src-main/engine/translate/config.js';
import { splitAtFrame } from '../../src-main/engine/translate/dataset.js';
import { media, tempDir } from '../helpers/paths.js';

const SIZE = 64;
const LARGE = 256;
const TRACKED = { first: 0, last: 59 };
const temp = tempDir('dvp-plate-warp-');
const projectFile = path.join(temp.dir, 'tedlieu.dvp');
let clipId = 0;

/** Mean and largest |a − b| over the pixels where `where` holds. */
function difference(a: Float32Array, b: Float32Array, where: (p: number) => boolean): { mean: number; max: number; pixels: number } {
  let sum = 0;
  let max = 0;
  let pixels = 0;
  for (let p = 0; p < a.length / 3; p++) {
    if (!where(p)) continue;
    pixels++;
    for (let c = 0; c < 3; c++) {
      const d = Math.abs(a[3 * p + c]! - b[3 * p + c]!);
      sum += d;
      max = Math.max(max, d);
    }
  }
  return { mean: sum / (3 * Math.max(1, pixels)), max, pixels };
}

describe('plate warp (target-tedlieu-256.mp4)', () => {
  let project: Project;
  let conditioning: ClipConditioning;
  let plate: Float32Array;
  const frame = 30;

  before(async () => {
    const writable = Project.create(projectFile);
    try {
      clipId = (await importClip(writable, media('target-tedlieu-256.mp4'), 'target')).clip.id;
      await trackClip(writable, { clipId, range: TRACKED });
    } finally {
      writable.close();
    }
    project = Project.open(projectFile, { readonly: true });
    conditioning = ClipConditioning.open(project, clipId, { size: SIZE });
    const target = await conditioning.readTarget(frame);
    plate = new Float32Array(target.data.length);
    target.data.forEach((v, i) => (plate[i] = v / 127.5 - 1));
  });
  after(() => {
    project.close();
    temp.cleanup();
  });

  it('leaves the plate as it is when the face does not move', () => {
    const warp = new PlateWarp(conditioning.conditioner);
    const face = warp.faceInCrop(conditioning.params(frame));
    const out = warp.warp(plate, face, face);
    const all = difference(out, plate, () => true);
    assert.ok(all.mean < 0.002 && all.max < 0.05, `mean ${all.mean}, max ${all.max}`);
  });

  it('carries the face with the head: moved 4 px right, the warped face is the plate shifted 4 px', () => {
    const warp = new PlateWarp(conditioning.conditioner);
    const params = conditioning.params(frame);
    const from = warp.faceInCrop(params);
    const moved = cloneParams(params);
    // Find the translation that moves the face 4 crop pixels right (x is linear in it at fixed depth).
    const probe = cloneParams(params);
    probe.translation[0] = probe.translation[0]! + 10;
    const perTen = meanX(warp.faceInCrop(probe)) - meanX(from);
    moved.translation[0] = moved.translation[0]! + (40 / perTen);
    const to = warp.faceInCrop(moved);
    assert.ok(Math.abs(meanX(to) - meanX(from) - 4) < 0.2, `the face moved ${meanX(to) - meanX(from)} px`);
    const out = warp.warp(plate, from, to);
    const shifted = new Float32Array(plate.length);
    for (let y = 0; y < SIZE; y++) {
      for (let x = 0; x < SIZE; x++) {
        const source = (y * SIZE + Math.max(0, x - 4)) * 3;
        shifted.set(plate.subarray(source, source + 3), (y * SIZE + x) * 3);
      }
    }
    // The face's inner part (covered by the moved mesh, 3 px from its border).
    conditioning.conditioner.renderer.render({ ...conditioning.conditioner.faceInCrop(conditioning.conditioner.pose(moved)) }, new Float32Array(SIZE * SIZE * 9));
    const covered = conditioning.conditioner.renderer.visibility.triangle;
    const inner = (p: number): boolean => {
      const x = p % SIZE;
      const y = Math.floor(p / SIZE);
      for (let dy = -3; dy <= 3; dy++) for (let dx = -3; dx <= 3; dx++) if ((covered[(y + dy) * SIZE + x + dx] ?? -1) < 0) return false;
      return true;
    };
    const moving = difference(out, shifted, inner);
    const unmoved = difference(plate, shifted, inner);
    assert.ok(moving.pixels > 300, `${moving.pixels} inner face pixels`);
    assert.ok(moving.mean < 0.02 && moving.mean < unmoved.mean / 3, `warped vs shifted plate ${moving.mean.toFixed(4)}, unwarped ${unmoved.mean.toFixed(4)}`);
    // Far from the face (the top corners of the crop) the plate stays as it was.
    const corner = (p: number): boolean => p % SIZE < 6 && Math.floor(p / SIZE) < 6;
    assert.equal(difference(out, plate, corner).max, 0);
  });

  it('moves the real iris with the gaze: a dark disc painted at the plate\'s iris lands at the wanted one', () => {
    // At the crop's own resolution (256²), where an iris spans a few pixels.
    const large = conditioning.atSize(LARGE);
    const warp = new PlateWarp(large.conditioner);
    const params = large.params(frame);
    const from = warp.faceInCrop(params);
    const looking = cloneParams(params);
    // Both eyes 15° to one side: about 3 mm at the iris.
    for (let eye = 0; eye < 2; eye++) looking.gaze[2 * eye] = looking.gaze[2 * eye]! + (15 * Math.PI) / 180;
    const to = warp.faceInCrop(looking);
    // The eye openings (the eye image's blue channel: white opening or blue pupil) under each parameter set.
    const openings = (p: typeof params): boolean[] => {
      const image = new Float32Array(LARGE * LARGE * 9);
      large.conditioner.render(p, image);
      return Array.from({ length: LARGE * LARGE }, (_, i) => image[9 * i + 8]! > 0);
    };
    const plateOpening = openings(params);
    const wantedOpening = openings(looking);
    // A grey plate with a black disc of the iris's radius at each plate iris, inside the openings as a real iris is.
    const painted = new Float32Array(LARGE * LARGE * 3).fill(0.5);
    for (const iris of from.irises) {
      for (let p = 0; p < LARGE * LARGE; p++) {
        if (plateOpening[p] && Math.hypot((p % LARGE) + 0.5 - iris.x, Math.floor(p / LARGE) + 0.5 - iris.y) <= iris.radius) painted.fill(-1, 3 * p, 3 * p + 3);
      }
    }
    const out = warp.warp(painted, from, to);
    for (let eye = 0; eye < 2; eye++) {
      const wanted = to.irises[eye]!;
      const moved = Math.hypot(wanted.x - from.irises[eye]!.x, wanted.y - from.irises[eye]!.y);
      assert.ok(moved > 1, `eye ${eye}: the gaze change moves the iris ${moved.toFixed(2)} px`);
      // The dark pixels' centroid near the wanted iris is the wanted disc's (as much of it as the opening shows), not where the plate had it.
      const darkAt = (p: number): number => (0.5 - out[3 * p]!) / 1.5;
      const inWanted = (p: number): number => (Math.hypot((p % LARGE) + 0.5 - wanted.x, Math.floor(p / LARGE) + 0.5 - wanted.y) <= wanted.radius ? 1 : 0);
      const centroid = (weight: (p: number) => number): [number, number] => {
        let sx = 0;
        let sy = 0;
        let n = 0;
        for (let p = 0; p < LARGE * LARGE; p++) {
          const x = (p % LARGE) + 0.5;
          const y = Math.floor(p / LARGE) + 0.5;
          if (!wantedOpening[p] || Math.hypot(x - wanted.x, y - wanted.y) > 3 * wanted.radius) continue;
          const w = Math.max(0, weight(p));
          sx += w * x;
          sy += w * y;
          n += w;
        }
        assert.ok(n > 0, `eye ${eye}: nothing to weigh`);
        return [sx / n, sy / n];
      };
      const drawn = centroid(darkAt);
      const expected = centroid(inWanted);
      const error = Math.hypot(drawn[0] - expected[0], drawn[1] - expected[1]);
      assert.ok(error < Math.min(0.6, moved / 3), `eye ${eye}: iris drawn ${error.toFixed(2)} px from the visible wanted disc (moved ${moved.toFixed(2)} px)`);
    }
  });

  it('trains each example on a training frame\'s plate: its own without a draw, one within the shift otherwise, never a held-out frame', async () => {
    const base = await ConditionedClipSource.open(project, clipId, { resolution: SIZE, windowSize: 3 });
    const split = splitAtFrame(base, 40);
    const source = new PlateConditionedSource(base, base.conditioning, { plateIndices: split.train, maxShift: 10 });
    assert.equal(source.inputChannels, base.inputChannels + PLATE_CHANNELS);
    const plateOf = (input: Float32Array): Float32Array => {
      const out = new Float32Array(SIZE * SIZE * 3);
      for (let p = 0; p < SIZE * SIZE; p++) out.set(input.subarray(p * source.inputChannels + base.inputChannels, (p + 1) * source.inputChannels), p * 3);
      return out;
    };
    const index = split.heldOut[5]!;
    const own = await source.sample(index);
    assert.deepEqual((await base.sample(index)).input, own.input.filter((_, i) => i % source.inputChannels < base.inputChannels));
    const ownPlate = plateOf(own.input);
    assert.ok(difference(ownPlate, source.target(index), () => true).mean < 0.002, 'without a draw: the example\'s own plate');

    // Which plate did a draw take? The candidate whose warp to this face gives the same channels.
    const heldOutFrame = source.frame(index);
    const candidates = split.train.filter((i) => Math.abs(source.frame(i) - heldOutFrame) <= 10);
    const draws = await Promise.all(Array.from({ length: 12 }, async (_, draw) => plateOf((await source.sample(index, draw + 1)).input)));
    const again = plateOf((await source.sample(index, 3)).input);
    assert.deepEqual(again, draws[2], 'the same draw gives the same example');
    const lenders = new Set<number>();
    for (const drawn of draws) {
      let lender: number | undefined;
      for (const candidate of [index, ...candidates]) {
        const expected = plateOf((await source.sampleWithPlate(index, candidate)).input);
        if (difference(drawn, expected, () => true).max === 0) lender = candidate;
      }
      assert.ok(lender !== undefined, 'every drawn plate is the example\'s own or a training frame within 10 frames');
      lenders.add(lender);
    }
    assert.ok(lenders.size >= 3, `12 draws used ${lenders.size} different plates`);
    assert.ok([...lenders].every((i) => i === index || split.train.includes(i)));
  });
});

function meanX(face: PlateFace): number {
  const { vertices } = face;
  let sum = 0;
  for (let i = 0; i < vertices.length; i += 3) sum += vertices[i]!;
  return sum / (vertices.length / 3);
}
