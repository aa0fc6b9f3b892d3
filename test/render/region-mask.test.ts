/**
 * Region-aware compositing on a real tracked clip and a tiny trained network (test/render/fixture.ts):
 * what each edit changes per frame, the masks (mouth, eyes, head turn: the union of the tracked
 * and the edited face), mouth-binding, dub and gaze renders in which every pixel of weight 0 is
 * the decoded plate byte for byte, the ProRes 4444 alpha equal to the mask, the seam report,
 * and `--composite crop` keeping the paper's whole-crop composite.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { COMPOSITE_MODES } from '../../src-main/engine/render/render-shot.js';
import { CompositeModeSchema } from '../../src-main/api/pipeline.js';
import { applyEdit } from '../../src-main/engine/edit/apply-edit.js';
import { cloneParams, type FrameParams } from '../../src-main/engine/face/model.js';
import { poseMesh } from '../../src-main/engine/face/pose-mesh.js';
import { LANDMARK, MESH_TRIANGLES, VERTEX_COUNT } from '../../src-main/engine/face/topology.js';
import { readFrames } from '../../src-main/engine/media/frame-reader.js';
import { clipVideoInfo, getClip } from '../../src-main/engine/project/clips.js';
import { Project } from '../../src-main/engine/project/project.js';
import { featherMask } from '../../src-main/engine/render/composite.js';
import { EditedShot } from '../../src-main/engine/render/edited-shot.js';
import { EditRegion } from '../../src-main/engine/render/edit-regions.js';
import { bindSource } from '../../src-main/engine/render/reenact.js';
import { maskArea, type CropMask } from '../../src-main/engine/render/crop-mask.js';
import { FACE_OVAL } from '../../src-main/engine/render/head-outline.js';
import { RegionMasker } from '../../src-main/engine/render/region-mask.js';
import { openShotRender, type CompositeMode } from '../../src-main/engine/render/render-shot.js';
import { renderShotToFile } from '../../src-main/engine/render/render-to-file.js';
import { dvpFromSource, ffmpeg } from '../helpers/cli.js';
import { media, tempDir } from '../helpers/paths.js';
import { buildRenderFixture, PLATE, projectCopy, type RenderFixture } from './fixture.js';
import { decodeAlpha } from './media-checks.js';
import { PNG } from 'pngjs';
import { startTestBackend } from '../helpers/engine-host.js';
import { createModel } from '../../src-main/engine/translate/checkpoint-store.js';
import { presetConfig } from '../../src-main/engine/translate/config.js';
import { openModelSource, planFaceData } from '../../src-main/engine/translate/model-source.js';
import { train } from '../../src-main/engine/translate/trainer.js';

const temp = tempDir('dvp-region-');
let fixture: RenderFixture;
const plates = new Map<number, Uint8Array>();

interface Crop {
  x: number;
  y: number;
  size: number;
}

interface InMemoryRender {
  crop: Crop;
  frames: Map<number, { data: Uint8Array; synthesized: boolean; mask: CropMask }>;
}

/** Renders frames first..last in memory, with each frame's mask. */
async function renderInMemory(file: string, first: number, last: number, composite: CompositeMode, colourMatch = false): Promise<InMemoryRender> {
  const project = Project.open(file, { readonly: true });
  const render = await openShotRender(project, { clipId: fixture.targetId, range: { first, last }, composite, colourMatch, backend: 'wasm' });
  try {
    const frames: InMemoryRender['frames'] = new Map();
    for await (const frame of render.frames()) frames.set(frame.index, { data: frame.data, synthesized: frame.synthesized, mask: render.maskAt(frame.index) });
    return { crop: { ...render.shot.conditioning.crop }, frames };
  } finally {
    render.dispose();
    project.close();
  }
}

/** Weight of plate pixel (x, y) in a crop mask (0 outside the crop). */
function weightAt(mask: CropMask, crop: Crop, x: number, y: number): number {
  const cx = Math.floor(x) - crop.x;
  const cy = Math.floor(y) - crop.y;
  if (cx < 0 || cy < 0 || cx >= crop.size || cy >= crop.size) return 0;
  return mask.weights[cy * crop.size + cx]!;
}

/** Asserts every plate pixel of weight 0 (and every pixel outside the crop) equals the decoded plate; returns how many pixels inside the mask differ. */
function assertPlateOutsideMask(name: string, frame: number, data: Uint8Array, mask: CropMask, crop: Crop): number {
  const plate = plates.get(frame)!;
  let changedInside = 0;
  for (let y = 0; y < PLATE.height; y++) {
    for (let x = 0; x < PLATE.width; x++) {
      const i = (y * PLATE.width + x) * 3;
      const same = data[i] === plate[i] && data[i + 1] === plate[i + 1] && data[i + 2] === plate[i + 2];
      if (weightAt(mask, crop, x, y) === 0) {
        if (!same) assert.fail(`${name} frame ${frame}: pixel ${x},${y} outside the mask is not the plate's`);
      } else if (!same) changedInside++;
    }
  }
  return changedInside;
}

/** Plate positions of the mouth centre and the two irises under `params`. */
function landmarks(model: Parameters<typeof poseMesh>[0], params: FrameParams): { mouth: [number, number]; eyes: [number, number][]; vertices: Float32Array } {
  const posed = poseMesh(model, params);
  const v = posed.vertices;
  const mid = (a: number, b: number): [number, number] => [(v[3 * a]! + v[3 * b]!) / 2, (v[3 * a + 1]! + v[3 * b + 1]!) / 2];
  return { mouth: mid(LANDMARK.upperLipInner, LANDMARK.lowerLipInner), eyes: [posed.eyes.left.irisCentre, posed.eyes.right.irisCentre], vertices: v };
}

function openShot(project: Project, first: number, last: number): EditedShot {
  return EditedShot.open(project, { clipId: fixture.targetId, first, last, resolution: 64, windowSize: 11, measure: { kind: 'training', first: 0, last: 32 } });
}

function edit(file: string, change: (project: Project) => void): void {
  const project = Project.open(file);
  try {
    change(project);
  } finally {
    project.close();
  }
}

/** A gazeYaw offset of 15° on frames 25–35 (zero at 24 and 36). */
function gazeKeys(project: Project): void {
  applyEdit(project, {
    targetClipId: fixture.targetId,
    label: 'Look aside',
    changes: ([[24, 0], [26, 15], [34, 15], [36, 0]] as const).map(([position, value]) => ({ kind: 'setKey' as const, param: 'gazeYaw', key: { position, value, type: 'linear' as const } })),
  });
}

describe('region-aware compositing', () => {
  let mouthFile: string;
  let gazeFile: string;

  before(async () => {
    fixture = await buildRenderFixture(temp.dir);
    const project = Project.open(fixture.projectFile, { readonly: true });
    try {
      const clip = getClip(project, fixture.targetId);
      for await (const frame of readFrames(clip.path, clipVideoInfo(clip), { start: 0, count: 50 })) plates.set(frame.index, frame.data);
    } finally {
      project.close();
    }
    mouthFile = projectCopy(fixture, 'mouth.dvp');
    edit(mouthFile, (p) => bindSource(p, { targetClipId: fixture.targetId, sourceClipId: fixture.sourceId, mode: 'mouth', offset: 20 }));
    gazeFile = projectCopy(fixture, 'gaze.dvp');
    edit(gazeFile, gazeKeys);
  });
  after(() => temp.cleanup());

  it('keeps the API composite modes equal to the engine list', () => {
    assert.deepEqual([...CompositeModeSchema.options], [...COMPOSITE_MODES]);
  });

  it('grows the head from the face silhouette: the oval is the mesh boundary', () => {
    const uses = new Map<string, number>();
    for (let t = 0; t < MESH_TRIANGLES.length; t += 3) {
      for (const [a, b] of [[0, 1], [1, 2], [2, 0]] as const) {
        const u = MESH_TRIANGLES[t + a]!;
        const v = MESH_TRIANGLES[t + b]!;
        const key = u < v ? `${u}-${v}` : `${v}-${u}`;
        uses.set(key, (uses.get(key) ?? 0) + 1);
      }
    }
    FACE_OVAL.forEach((u, i) => {
      const v = FACE_OVAL[(i + 1) % FACE_OVAL.length]!;
      assert.equal(uses.get(u < v ? `${u}-${v}` : `${v}-${u}`), 1, `oval edge ${u}-${v} is a boundary edge of the mesh`);
    });
  });

  it('classifies what each edit changes, frame by frame', () => {
    const regionsOf = (file: string): number[] => {
      const project = Project.open(file, { readonly: true });
      try {
        const shot = openShot(project, 10, 45);
        return Array.from({ length: 36 }, (_, i) => shot.regions(10 + i));
      } finally {
        project.close();
      }
    };
    assert.ok(regionsOf(fixture.projectFile).every((r) => r === 0), 'an unedited shot changes nothing');
    const mouth = regionsOf(mouthFile);
    mouth.forEach((r, i) => assert.equal(r, 10 + i >= 20 ? EditRegion.Mouth : 0, `mouth binding, frame ${10 + i}`));
    const gaze = regionsOf(gazeFile);
    gaze.forEach((r, i) => assert.equal(r, 10 + i >= 25 && 10 + i <= 35 ? EditRegion.Eyes : 0, `gaze keys, frame ${10 + i}`));

    const lanes = projectCopy(fixture, 'lanes.dvp');
    edit(lanes, (project) =>
      applyEdit(project, {
        targetClipId: fixture.targetId,
        label: 'keys',
        changes: [
          ...([[11, 0], [12, 20], [13, 0]] as const).map(([position, value]) => ({ kind: 'setKey' as const, param: 'headYaw', key: { position, value, type: 'linear' as const } })),
          ...([[21, 0], [22, 10], [23, 0]] as const).map(([position, value]) => ({ kind: 'setKey' as const, param: 'jawOpen', key: { position, value, type: 'linear' as const } })),
          ...([[31, 0], [32, 10], [33, 0]] as const).map(([position, value]) => ({ kind: 'setKey' as const, param: 'browRaise', key: { position, value, type: 'linear' as const } })),
          ...([[41, 0], [42, 1], [43, 0]] as const).map(([position, value]) => ({ kind: 'setKey' as const, param: 'blinkLeft', key: { position, value, type: 'linear' as const } })),
        ],
      }),
    );
    const keyed = regionsOf(lanes);
    const expected = new Map([[12, EditRegion.Head], [22, EditRegion.Mouth], [32, EditRegion.Eyes], [42, EditRegion.Eyes]]);
    keyed.forEach((r, i) => assert.equal(r, expected.get(10 + i) ?? 0, `keyed lanes, frame ${10 + i}`));

    const full = projectCopy(fixture, 'full.dvp');
    edit(full, (p) => bindSource(p, { targetClipId: fixture.targetId, sourceClipId: fixture.sourceId, mode: 'full', offset: 30 }));
    regionsOf(full).forEach((r, i) => assert.equal(r, 10 + i >= 30 ? EditRegion.Head : 0, `full-head binding, frame ${10 + i}`));
  });

  it('masks the mouth for a mouth edit and the eyes for a gaze edit, scaled to the face, empty far from it', () => {
    const project = Project.open(fixture.projectFile, { readonly: true });
    try {
      const shot = openShot(project, 25, 25);
      const crop = shot.conditioning.crop;
      const model = shot.conditioning.model;
      const masker = new RegionMasker(model, crop);
      const tracked = shot.trackedParams(25);
      const { mouth: mouthAt, eyes, vertices } = landmarks(model, tracked);
      const corners: [number, number][] = [[crop.x + 2, crop.y + 2], [crop.x + crop.size - 3, crop.y + 2]];

      const empty = masker.mask(0, tracked, tracked);
      assert.equal(empty.box, null);
      assert.equal(maskArea(empty), 0);

      const mouth = masker.mask(EditRegion.Mouth, tracked, tracked);
      assert.equal(weightAt(mouth, crop, ...mouthAt), 1, 'the mouth is inside the mouth mask');
      assert.equal(weightAt(mouth, crop, vertices[3 * LANDMARK.chin]!, vertices[3 * LANDMARK.chin + 1]!), 1, 'so is the chin');
      for (const eye of eyes) assert.equal(weightAt(mouth, crop, ...eye), 0, 'the eyes are not');
      for (const corner of corners) assert.equal(weightAt(mouth, crop, ...corner), 0, 'nor the crop corners');

      const gaze = masker.mask(EditRegion.Eyes, tracked, tracked);
      for (const eye of eyes) assert.equal(weightAt(gaze, crop, ...eye), 1, 'the eyes are inside the eye mask');
      for (const brow of [LANDMARK.leftBrowMid, LANDMARK.rightBrowMid]) assert.equal(weightAt(gaze, crop, vertices[3 * brow]!, vertices[3 * brow + 1]!), 1, 'so are the brows');
      assert.equal(weightAt(gaze, crop, ...mouthAt), 0, 'the mouth is not');
      for (const corner of corners) assert.equal(weightAt(gaze, crop, ...corner), 0, 'nor the crop corners');

      // The margin is a fraction of the inter-ocular distance in pixels (here a frontal face: about the 2D distance of the eye-corner midpoints).
      const mid = (a: number, b: number): [number, number] => [(vertices[3 * a]! + vertices[3 * b]!) / 2, (vertices[3 * a + 1]! + vertices[3 * b + 1]!) / 2];
      const [lx, ly] = mid(LANDMARK.leftEyeOuter, LANDMARK.leftEyeInner);
      const [rx, ry] = mid(LANDMARK.rightEyeOuter, LANDMARK.rightEyeInner);
      const iod2d = Math.hypot(lx - rx, ly - ry);
      const iodPx = mouth.marginPx / masker.marginScale;
      assert.ok(Math.abs(iodPx / iod2d - 1) < 0.15, `face size ${iodPx.toFixed(1)} px vs ${iod2d.toFixed(1)} px between the eyes`);
      assert.ok(Math.abs(mouth.featherPx - masker.featherScale * iodPx) < 1e-6);
      // Weights are 8-bit exact and fall smoothly: full inside, 0 beyond margin + feather.
      assert.ok(mouth.weights.every((w) => Number.isInteger(Math.round(w * 255 * 1e4) / 1e4)), 'weights are multiples of 1/255');
      assert.ok(mouth.weights.some((w) => w > 0 && w < 1), 'the edge is feathered');
    } finally {
      project.close();
    }
  });

  it('covers both the tracked and the edited face for a head turn (their union)', () => {
    const project = Project.open(fixture.projectFile, { readonly: true });
    try {
      const shot = openShot(project, 25, 25);
      const crop = shot.conditioning.crop;
      const model = shot.conditioning.model;
      const masker = new RegionMasker(model, crop);
      const tracked = shot.trackedParams(25);
      const turned = cloneParams(tracked);
      // A turn of 20° with a sideways step of 20 mm (a third of the eye distance).
      turned.rotation[0] = turned.rotation[0]! + 0.35;
      turned.translation[0] = turned.translation[0]! + 20;
      const inner = featherMask(crop.size);
      const covered = (mask: CropMask, params: FrameParams): { all: boolean; missed: number } => {
        const { vertices } = landmarks(model, params);
        let missed = 0;
        let counted = 0;
        for (let v = 0; v < VERTEX_COUNT; v++) {
          const x = Math.floor(vertices[3 * v]!) - crop.x;
          const y = Math.floor(vertices[3 * v + 1]!) - crop.y;
          if (x < 0 || y < 0 || x >= crop.size || y >= crop.size || inner[y * crop.size + x]! < 1) continue;
          counted++;
          if (mask.weights[y * crop.size + x]! < 1) missed++;
        }
        assert.ok(counted > 400, `most of the face lies inside the crop (${counted})`);
        return { all: missed === 0, missed };
      };
      for (const region of [EditRegion.Face, EditRegion.Head]) {
        const union = masker.mask(region, tracked, turned);
        assert.ok(covered(union, tracked).all, `region ${region}: the tracked face is covered`);
        assert.ok(covered(union, turned).all, `region ${region}: the turned face is covered`);
      }
      const trackedOnly = masker.mask(EditRegion.Face, tracked, tracked);
      assert.ok(covered(trackedOnly, turned).missed > 10, 'the tracked face alone would miss part of the turned one');
      // Head reaches above the forehead (hair) and below the chin (neck); the face does not.
      const { vertices } = landmarks(model, tracked);
      const top = [vertices[3 * LANDMARK.foreheadTop]!, vertices[3 * LANDMARK.foreheadTop + 1]!] as const;
      const chin = [vertices[3 * LANDMARK.chin]!, vertices[3 * LANDMARK.chin + 1]!] as const;
      const iod = trackedOnly.marginPx / masker.marginScale;
      const head = masker.mask(EditRegion.Head, tracked, tracked);
      assert.equal(weightAt(head, crop, top[0], top[1] - 0.5 * iod), 1, 'hair above the forehead');
      assert.equal(weightAt(trackedOnly, crop, top[0], top[1] - 0.5 * iod), 0);
      assert.equal(weightAt(head, crop, chin[0], chin[1] + 0.6 * iod), 1, 'neck below the chin');
      assert.equal(weightAt(trackedOnly, crop, chin[0], chin[1] + 0.6 * iod), 0);
    } finally {
      project.close();
    }
  });

  it('mouth binding: every pixel outside the mask is the plate, byte for byte; the mask stays off the eyes', async () => {
    const render = await renderInMemory(mouthFile, 14, 33, 'region');
    const project = Project.open(mouthFile, { readonly: true });
    try {
      const shot = openShot(project, 14, 33);
      let edited = 0;
      for (const [frame, { data, synthesized, mask }] of render.frames) {
        const changed = assertPlateOutsideMask('mouth', frame, data, mask, render.crop);
        if (frame < 20) {
          assert.equal(mask.box, null, `frame ${frame} (before the binding) has an empty mask`);
          assert.equal(synthesized, false);
          continue;
        }
        assert.equal(mask.regions, EditRegion.Mouth);
        assert.ok(synthesized && maskArea(mask) > 1000, `frame ${frame}: a mouth mask`);
        const { mouth, eyes } = landmarks(shot.conditioning.model, shot.params(frame));
        assert.equal(weightAt(mask, render.crop, ...mouth), 1, `frame ${frame}: the edited mouth is in the mask`);
        for (const eye of eyes) assert.equal(weightAt(mask, render.crop, ...eye), 0, `frame ${frame}: the eyes are not`);
        if (changed > 0) edited++;
      }
      assert.ok(edited >= 12, `the network's mouth went into the plate (${edited} frames)`);
    } finally {
      project.close();
    }
  });

  it('gaze edit: every pixel outside the eye mask is the plate; the mouth is untouched', async () => {
    const render = await renderInMemory(gazeFile, 20, 40, 'region');
    let edited = 0;
    const project = Project.open(gazeFile, { readonly: true });
    try {
      const shot = openShot(project, 20, 40);
      for (const [frame, { data, mask }] of render.frames) {
        const changed = assertPlateOutsideMask('gaze', frame, data, mask, render.crop);
        if (frame < 25 || frame > 35) {
          assert.equal(mask.box, null, `frame ${frame} is not edited`);
          continue;
        }
        assert.equal(mask.regions, EditRegion.Eyes);
        const { mouth, eyes } = landmarks(shot.conditioning.model, shot.params(frame));
        for (const eye of eyes) assert.equal(weightAt(mask, render.crop, ...eye), 1, `frame ${frame}: the eyes are in the mask`);
        assert.equal(weightAt(mask, render.crop, ...mouth), 0, `frame ${frame}: the mouth is not`);
        if (changed > 0) edited++;
      }
    } finally {
      project.close();
    }
    assert.equal(edited, 11, 'frames 25-35 composite the network\'s eyes');
  });

  it('a plate-conditioned model edits the real frame: outside the mask the plate byte for byte, inside the plate moved with the mouth', async () => {
    const plateFile = projectCopy(fixture, 'plate-model.dvp');
    edit(plateFile, (p) => bindSource(p, { targetClipId: fixture.targetId, sourceClipId: fixture.sourceId, mode: 'mouth', offset: 20 }));
    const project = Project.open(plateFile);
    try {
      const config = presetConfig('cpu-tiny');
      config.network.plate = true;
      const model = createModel(project, { clipId: fixture.targetId, name: 'plate', config, data: { ...planFaceData(project, fixture.targetId) } });
      const { source, split } = await openModelSource(project, model);
      // Two steps leave the zero head almost zero: the network returns the warped plate.
      await train({ project, model, source, trainIndices: split.train, targetStep: 2, checkpointEvery: 2, backend: 'wasm' });
    } finally {
      project.close();
    }
    const plateRender = await renderInMemory(plateFile, 20, 33, 'region');
    const paperRender = await renderInMemory(mouthFile, 20, 33, 'region');
    const insideDifference = (render: InMemoryRender, frame: number): number => {
      const { data, mask } = render.frames.get(frame)!;
      const plate = plates.get(frame)!;
      let sum = 0;
      let weight = 0;
      for (let y = 0; y < PLATE.height; y++) {
        for (let x = 0; x < PLATE.width; x++) {
          const w = weightAt(mask, render.crop, x, y);
          const i = (y * PLATE.width + x) * 3;
          for (let c = 0; c < 3; c++) sum += w * Math.abs(data[i + c]! - plate[i + c]!);
          weight += 3 * w;
        }
      }
      return sum / weight;
    };
    let synthesized = 0;
    for (const [frame, { data, synthesized: wasSynthesized, mask }] of plateRender.frames) {
      assertPlateOutsideMask('plate model', frame, data, mask, plateRender.crop);
      if (!wasSynthesized) continue;
      synthesized++;
      const plateModel = insideDifference(plateRender, frame);
      const paperModel = insideDifference(paperRender, frame);
      assert.ok(plateModel > 0.2, `frame ${frame}: the plate model changed the mouth (${plateModel.toFixed(2)} levels)`);
      assert.ok(plateModel < paperModel / 3, `frame ${frame}: inside the mask the plate model stays near the real frame (${plateModel.toFixed(2)} levels) where the paper's network redraws it (${paperModel.toFixed(2)})`);
    }
    assert.ok(synthesized >= 12, `${synthesized} frames synthesized`);
  });

  it('dub to ProRes 4444: the alpha is the mask; the CLI reports the composite and the seam', async () => {
    const file = projectCopy(fixture, 'dub.dvp');
    const dubVideo = path.join(temp.dir, 'dub.mp4');
    ffmpeg(['-i', media('source-wda-aoc-512.mp4'), '-frames:v', '30', '-t', '1.2', '-c:v', 'libx264', '-crf', '16', '-c:a', 'aac', dubVideo]);
    const out = path.join(temp.dir, 'dubbed.mov');
    const result = await dvpFromSource(['dub', file, '--source', dubVideo, '--offset', '10', '--format', 'prores-4444', '--backend', 'wasm', '--out', out]);
    assert.equal(result.code, 0, result.stderr);
    const line = /composite: region mask on (\d+) of 30 frame\(s\) \(mouth (\d+)\), the plate elsewhere; seam: (\d+\.\d) levels \((\d+\.\d) levels with --colour-match\)/.exec(result.stdout);
    assert.ok(line, result.stdout);
    // Frames 10–39 of the target; tracked up to 49, so every frame has a face and the dub's mouth.
    assert.equal(Number(line[1]), 30);
    assert.equal(Number(line[2]), 30);
    const render = await renderInMemory(file, 10, 39, 'region');
    for (const index of [0, 12, 29]) {
      const { mask } = render.frames.get(10 + index)!;
      const alpha = decodeAlpha(out, index, PLATE.width, PLATE.height);
      let worst = 0;
      let total = 0;
      let opaque = 0;
      let clearOutside = 0;
      for (let y = 0; y < PLATE.height; y++) {
        for (let x = 0; x < PLATE.width; x++) {
          const expected = Math.round(weightAt(mask, render.crop, x, y) * 255);
          const difference = Math.abs(alpha[y * PLATE.width + x]! - expected);
          worst = Math.max(worst, difference);
          total += difference;
          if (expected === 255) opaque++;
          if (expected === 0 && difference > 0) clearOutside++;
        }
      }
      assert.ok(opaque > 1000, `frame ${index}: the mask has an opaque core`);
      assert.equal(clearOutside, 0, `frame ${index}: the alpha is 0 wherever the mask is`);
      // 8-bit → the encoder's 10-bit alpha → 8-bit again rounds by a level or two on the feathered edge.
      assert.ok(worst <= 2 && total / (PLATE.width * PLATE.height) < 0.05, `frame ${index}: the alpha is the mask (largest difference ${worst}, mean ${total / (PLATE.width * PLATE.height)})`);
    }
  });

  it('measures the seam with and without the colour match; colour matching stays inside the mask', async () => {
    const summaries = [];
    for (const colourMatch of [false, true]) {
      const project = Project.open(mouthFile, { readonly: true });
      try {
        summaries.push(
          await renderShotToFile(project, {
            clipId: fixture.targetId,
            range: { first: 20, last: 31 },
            format: 'h264',
            audio: { kind: 'none' },
            out: path.join(temp.dir, `seam-${colourMatch}.mp4`),
            colourMatch,
            backend: 'wasm',
          }),
        );
      } finally {
        project.close();
      }
    }
    const [plain, matched] = summaries as [(typeof summaries)[0], (typeof summaries)[0]];
    assert.equal(plain.composite, 'region');
    assert.equal(plain.composited, 12);
    assert.deepEqual(plain.regions, { mouth: 12, eyes: 0, face: 0, head: 0 });
    assert.ok(plain.seam.levels !== null && plain.seam.levels > 0 && plain.seam.bandPixels > 0, JSON.stringify(plain.seam));
    assert.ok(plain.seam.colourMatchedLevels !== null);
    assert.equal(plain.seam.colourMatch, false);
    assert.equal(matched.seam.colourMatch, true);
    assert.equal(matched.seam.levels, plain.seam.levels, 'the raw seam does not depend on what was written');
    assert.equal(matched.seam.colourMatchedLevels, plain.seam.colourMatchedLevels);
    const render = await renderInMemory(mouthFile, 20, 25, 'region', true);
    for (const [frame, { data, mask }] of render.frames) assertPlateOutsideMask('colour-matched', frame, data, mask, render.crop);
  });

  it('--composite crop keeps the paper\'s whole-crop composite; region passes an unedited shot through', async () => {
    const region = await renderInMemory(fixture.projectFile, 20, 27, 'region');
    const crop = await renderInMemory(fixture.projectFile, 20, 27, 'crop');
    for (let frame = 20; frame <= 27; frame++) {
      const r = region.frames.get(frame)!;
      assert.equal(r.synthesized, false);
      assert.deepEqual(r.data, plates.get(frame), `region: unedited frame ${frame} is the plate`);
      const c = crop.frames.get(frame)!;
      assert.equal(c.synthesized, true);
      assert.deepEqual(c.mask.weights, featherMask(crop.crop.size), 'crop: the square feather');
      const changed = assertPlateOutsideMask('crop', frame, c.data, c.mask, crop.crop);
      assert.ok(changed > crop.crop.size * crop.crop.size * 0.5, `crop: the network's square replaces the crop (${changed} pixels)`);
    }
    const out = path.join(temp.dir, 'crop.mp4');
    const result = await dvpFromSource(['render', fixture.projectFile, '--range', '20-27', '--format', 'h264', '--audio', 'none', '--composite', 'crop', '--backend', 'wasm', '--out', out, '--json']);
    assert.equal(result.code, 0, result.stderr);
    const summary = JSON.parse(result.stdout) as { composite: string; composited: number; synthesized: number; seam: { levels: number | null; colourMatchedLevels: number | null } };
    assert.equal(summary.composite, 'crop');
    assert.equal(summary.composited, 8);
    assert.equal(summary.synthesized, 8);
    assert.ok(summary.seam.levels !== null && summary.seam.colourMatchedLevels === null);
    const bad = await dvpFromSource(['render', fixture.projectFile, '--composite', 'square', '--out', path.join(temp.dir, 'bad.mov')]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--composite must be region or crop/);
  });

  it('serves the frame\'s mask to the viewer (render.mask): the render\'s weights as alpha, the regions, empty where nothing changes', async () => {
    const file = projectCopy(fixture, 'viewer-mask.dvp');
    edit(file, gazeKeys);
    const backend = await startTestBackend(path.join(temp.dir, 'config'));
    try {
      await backend.api.call('project.open', { file });
      const render = await renderInMemory(file, 30, 30, 'region');
      const expected = render.frames.get(30)!.mask;
      const served = await backend.api.call('render.mask', { clipId: fixture.targetId, frame: 30 });
      assert.deepEqual(served.crop, { x: render.crop.x, y: render.crop.y, size: render.crop.size });
      assert.deepEqual(served.regions, ['eyes']);
      assert.equal(served.area, maskArea(expected));
      const image = PNG.sync.read(Buffer.from(served.mask.png, 'base64'));
      assert.deepEqual([image.width, image.height], [render.crop.size, render.crop.size]);
      for (let p = 0; p < expected.weights.length; p++) {
        if (image.data[4 * p + 3] !== Math.round(expected.weights[p]! * 255)) assert.fail(`mask pixel ${p}: alpha ${image.data[4 * p + 3]}, weight ${expected.weights[p]}`);
      }
      const unedited = await backend.api.call('render.mask', { clipId: fixture.targetId, frame: 20 });
      assert.deepEqual(unedited.regions, []);
      assert.equal(unedited.area, 0);
      const crop = await backend.api.call('render.mask', { clipId: fixture.targetId, frame: 20, composite: 'crop' });
      assert.equal(crop.area, featherMask(render.crop.size).filter((w) => w > 0).length, 'the whole crop, feathered');
      const noFace = await backend.api.call('render.mask', { clipId: fixture.targetId, frame: 55, composite: 'crop' });
      assert.equal(noFace.area, 0, 'no tracked face: the plate passes through');
      const source = await backend.api.request('render.mask', { clipId: fixture.sourceId, frame: 3 });
      assert.ok(!source.ok && /only target clips are rendered/.test(source.error.message));
    } finally {
      await backend.stop();
    }
  });
});
