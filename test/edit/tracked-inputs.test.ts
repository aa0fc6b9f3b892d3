import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { applyEdit } from '../../src-main/engine/edit/apply-edit.js';
import { composeShot } from '../../src-main/engine/edit/compose.js';
import { loadShotInputs, loadTrackedClip } from '../../src-main/engine/edit/tracked-inputs.js';
import { buildControls } from '../../src-main/engine/face/controls.js';
import { emptyParams, packParams, type FrameParams } from '../../src-main/engine/face/model.js';
import { FrameFlag, blob, saveBasis, saveFaceModel } from '../../src-main/engine/face/store.js';
import type { DvpError } from '../../src-main/shared/errors.js';
import { Project } from '../../src-main/engine/project/project.js';
import { dvp } from '../helpers/cli.js';
import { twoClipProject, withProjectFile } from '../helpers/edit-fixture.js';
import { tempDir } from '../helpers/paths.js';
import { syntheticFaceModel } from './synthetic-face-model.js';

const DEG = Math.PI / 180;

/** Distinct, known parameters for frame f of a clip (seed tells clips apart). */
function frameParams(seed: number, f: number): FrameParams {
  const params = emptyParams();
  params.rotation.set([seed * 0.01 + f * 0.001, 0.02, -0.01]);
  params.translation.set([1, 2, 600 + f]);
  for (let k = 0; k < 10; k++) params.expression[k] = seed + f * 0.01 + k * 0.1;
  params.gaze.set([0.1 + f * 0.001, 0.05, 0.12 + f * 0.001, 0.05]);
  params.eyelids.set([0.1, 0.2]);
  return params;
}

/** Stores a face model and the parameters of `frames` for a clip, the way tracking stores them. */
function storeTracking(project: Project, clipId: number, seed: number, frames: number[], neutralFrame: number): void {
  const face = syntheticFaceModel(clipId);
  face.identity.neutralFrame = neutralFrame;
  const tracked = frames.map((f) => frameParams(seed, f));
  const controls = buildControls(face, tracked, frameParams(seed, neutralFrame));
  saveFaceModel(project, {
    ...face,
    smoothing: 0.5,
    controls,
    gaps: [],
    stats: { framesTracked: frames.length, framesWithFace: frames.length, medianErrorPct: 1, p95ErrorPct: 2 },
  });
  const insert = project.db.prepare('INSERT INTO face_frames (clip_id, frame, flags, confidence, raw, smoothed, landmarks, fit_error) VALUES (?, ?, ?, ?, ?, ?, NULL, NULL)');
  frames.forEach((f, i) => {
    const packed = blob(packParams(tracked[i] as FrameParams));
    const flags = f === frames[1] ? FrameFlag.Interpolated : FrameFlag.Tracked;
    insert.run(clipId, f, flags, 0.9, packed, packed);
  });
}

describe('loading a shot from the tracking tables', () => {
  const temp = tempDir('dvp-edit-tracked-');
  const file = path.join(temp.dir, 'tracked.dvp');
  let targetId = 0;
  let sourceId = 0;

  before(async () => {
    ({ targetId, sourceId } = await twoClipProject(file, 'source-wda-edmarkey-512.mp4'));
    withProjectFile(file, (project) =>
      project.transaction(() => {
        saveBasis(project, syntheticFaceModel().basis, [targetId, sourceId]);
        storeTracking(project, targetId, 1, Array.from({ length: 30 }, (_, i) => i + 5), 6);
        storeTracking(project, sourceId, 50, Array.from({ length: 40 }, (_, i) => i), 2);
      }),
    );
  });
  after(() => temp.cleanup());

  it('fills a partly tracked clip by holding stored frames and trusts only frames fitted to a detection', () => {
    const project = Project.open(file, { readonly: true });
    try {
      const clip = loadTrackedClip(project, targetId);
      assert.equal(clip.params.frameCount, 500);
      assert.equal(clip.neutralFrame, 6);
      assert.equal(clip.fps, 25);
      const yaw = (f: number): number => clip.params.pose[f * 6] as number;
      assert.ok(Math.abs(yaw(0) - (0.01 + 5 * 0.001)) < 1e-7, 'before the first stored frame: the first one');
      assert.ok(Math.abs(yaw(20) - (0.01 + 20 * 0.001)) < 1e-7, 'a stored frame');
      assert.ok(Math.abs(yaw(300) - (0.01 + 34 * 0.001)) < 1e-7, 'after the last stored frame: the last one');
      assert.equal(clip.params.pose[20 * 6 + 5], 620, 'translation z');
      assert.deepEqual([clip.trusted[4], clip.trusted[5], clip.trusted[6], clip.trusted[7], clip.trusted[300]], [0, 1, 0, 1, 0]);
      assert.throws(() => loadTrackedClip(project, 99), /no clip 99/);
    } finally {
      project.close();
    }
  });

  it('composes the stored edit over the stored tracking', () => {
    const project = Project.open(file);
    try {
      applyEdit(project, {
        targetClipId: targetId,
        label: 'gaze from the source, yaw offset',
        changes: [
          { kind: 'setBinding', binding: { sourceClipId: sourceId, mode: 'gaze', offset: 10 } },
          { kind: 'setKey', param: 'headYaw', key: { position: 0, value: 10 } },
          { kind: 'setKey', param: 'jawOpen', key: { position: 0, value: 2 } },
        ],
      });
      const inputs = loadShotInputs(project, targetId);
      assert.equal(inputs.sources.size, 1);
      const out = composeShot(inputs, 20, 5);
      // Frame 20 ← source frame 10; gaze = target neutral (frame 6) + source_10 − source_2 (neutral 2).
      const expectedLeftYaw = 0.1 + 6 * 0.001 + (10 - 2) * 0.001;
      assert.ok(Math.abs((out.gaze[0] as number) - expectedLeftYaw) < 1e-6, `gaze ${out.gaze[0]} vs ${expectedLeftYaw}`);
      assert.ok(Math.abs((out.pose[0] as number) - (0.01 + 20 * 0.001 + 10 * DEG)) < 1e-6, 'yaw + 10°');
      // Jaw open rose by 2 % IOD, measured by the face model itself.
      const tracked = { pose: new Float64Array(6), expression: Float64Array.from(frameParams(1, 20).expression), gaze: new Float64Array(4), eyelids: Float64Array.from([0.1, 0.2]) };
      const edited = { ...tracked, expression: Float64Array.from(out.expression.subarray(0, 64)) };
      const rig = inputs.rig;
      assert.ok(rig);
      assert.ok(Math.abs(rig.read('jawOpen', edited) - rig.read('jawOpen', tracked) - 2) < 1e-3);
    } finally {
      project.close();
    }
  });

  it('`dvp edits --check` reports the frames the edit pushes outside what the target showed', async () => {
    const result = await dvp(['edits', file, '--check', '--json']);
    assert.equal(result.code, 0, result.stderr);
    const { checks } = JSON.parse(result.stdout) as { checks: { targetClipId: number; outOfRange: { first: number; last: number; params: string[] }[] }[] };
    // The tracked yaw spans 0.9°–2.5° over the trusted frames; +10° leaves it on every frame,
    // but only the stored frames 5–34 have a face a render would synthesize (elsewhere the plate passes through).
    assert.equal(checks[0]?.targetClipId, targetId);
    assert.deepEqual(checks[0]?.outOfRange.map((s) => [s.first, s.last]), [[5, 34]]);
    assert.ok(checks[0]?.outOfRange[0]?.params.includes('headYaw'));
    const text = await dvp(['edits', file, '--check']);
    assert.match(text.stdout, /Out of range: frames 5–34 \(.*headYaw/);
  });

  it('names the clip that still needs tracking', () => {
    const project = Project.open(file);
    try {
      applyEdit(project, {
        targetClipId: targetId,
        label: 'bind the target to itself',
        changes: [{ kind: 'setBinding', binding: { sourceClipId: targetId, mode: 'full', offset: -200 } }],
      });
      assert.doesNotThrow(() => loadShotInputs(project, targetId), 'self-reenactment reuses the target');
      project.db.prepare('DELETE FROM face_frames WHERE clip_id = ?').run(sourceId);
      assert.throws(
        () => loadShotInputs(project, targetId),
        (error: DvpError) => /clip 2 .* is not tracked yet\.$/.test(error.message) && /^run `dvp track .* --clip 2` first\.$/.test(error.remedy?.cli ?? ''),
      );
    } finally {
      project.close();
    }
  });
});
