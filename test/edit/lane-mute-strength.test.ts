import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { applyEdit } from '../../src-main/engine/edit/apply-edit.js';
import { strengthLaneParam, type SourceBinding } from '../../src-main/engine/edit/bindings.js';
import { composeShot, type ClipParams, type Lane } from '../../src-main/engine/edit/compose.js';
import { historyState, undo } from '../../src-main/engine/edit/history.js';
import { DEFAULT_HANDLES, type Keyframe } from '../../src-main/engine/edit/keyframes.js';
import { allocateSequence, EXPRESSION_DIMS } from '../../src-main/engine/edit/parameters.js';
import { loadShotEdit } from '../../src-main/engine/edit/shot-edit.js';
import type { Project } from '../../src-main/engine/project/project.js';
import { twoClipProject, withProjectFile } from '../helpers/edit-fixture.js';
import { tempDir } from '../helpers/paths.js';

/** A clip whose pose and expression change frame by frame. */
function clip(frameCount: number, seed: number): ClipParams {
  const params = allocateSequence(frameCount);
  for (let f = 0; f < frameCount; f++) {
    params.pose[f * 6 + 1] = 0.01 * (seed + f);
    for (let i = 0; i < EXPRESSION_DIMS; i++) params.expression[f * EXPRESSION_DIMS + i] = 0.05 * (seed + f + i);
  }
  return { params, neutralFrame: 0, fps: 25 };
}

function key(position: number, value: number): Keyframe {
  return { id: `k${position}`, position, value, type: 'linear', handles: [...DEFAULT_HANDLES], connectedRight: true };
}

const BINDING: SourceBinding = { id: 'b1', sourceClipId: 2, offset: 0, mode: 'full', strength: 1, sourceNeutralFrame: null, targetNeutralFrame: null, rangeStart: null, rangeEnd: null };

describe('lane mute and keyed binding strength in the composition', () => {
  const target = clip(12, 1);
  const sources = new Map([[2, clip(12, 40)]]);

  it('a muted lane changes nothing; unmuted, the same keys move the head', () => {
    const yaw: Lane = { param: 'headYaw', mode: 'offset', keys: [key(0, 10)] };
    const plain = composeShot({ target, sources, bindings: [], lanes: [] });
    const muted = composeShot({ target, sources, bindings: [], lanes: [{ ...yaw, muted: true }] });
    const live = composeShot({ target, sources, bindings: [], lanes: [yaw] });
    assert.deepEqual(muted.pose, plain.pose);
    assert.notDeepEqual(live.pose, plain.pose, 'unmuted, the lane turns the head');
  });

  it('strength keys fade a binding: 0 % is the target neutral, 100 % the full transfer, linear between', () => {
    const full = composeShot({ target, sources, bindings: [BINDING], lanes: [] });
    const frozen = composeShot({ target, sources, bindings: [{ ...BINDING, strength: 0 }], lanes: [] });
    const fade: Lane = { param: strengthLaneParam('b1'), mode: 'offset', keys: [key(2, 0), key(10, 100)] };
    const faded = composeShot({ target, sources, bindings: [BINDING], lanes: [fade] });
    for (const frame of [0, 2]) assert.ok(Math.abs((faded.pose[frame * 6 + 1] as number) - (frozen.pose[frame * 6 + 1] as number)) < 1e-6, `frame ${frame} at 0 %`);
    for (const frame of [10, 11]) assert.ok(Math.abs((faded.pose[frame * 6 + 1] as number) - (full.pose[frame * 6 + 1] as number)) < 1e-6, `frame ${frame} at 100 %`);
    const middle = ((frozen.pose[6 * 6 + 1] as number) + (full.pose[6 * 6 + 1] as number)) / 2;
    assert.ok(Math.abs((faded.pose[6 * 6 + 1] as number) - middle) < 1e-6, 'frame 6 halfway');
    const mutedFade = composeShot({ target, sources, bindings: [BINDING], lanes: [{ ...fade, muted: true }] });
    assert.deepEqual(mutedFade.pose, full.pose, 'a muted strength lane leaves the binding at its own strength');
    // A window of the shot samples the same strengths.
    const window = composeShot({ target, sources, bindings: [BINDING], lanes: [fade] }, 5, 3);
    assert.deepEqual(Array.from(window.pose), Array.from(faded.pose.subarray(5 * 6, 8 * 6)));
  });

  it('refuses strength keys of a binding that is not in the shot', () => {
    const orphan: Lane = { param: strengthLaneParam('gone'), mode: 'offset', keys: [key(0, 50)] };
    assert.throws(() => composeShot({ target, sources, bindings: [BINDING], lanes: [orphan] }), /binding gone, which is not in the shot/);
  });
});

describe('lane mute and strength keys as edits in a real project file', () => {
  const temp = tempDir('dvp-lane-mute-');
  const file = path.join(temp.dir, 'mute.dvp');
  let targetId = 0;
  let sourceId = 0;

  before(async () => {
    ({ targetId, sourceId } = await twoClipProject(file));
  });
  after(() => temp.cleanup());

  const withProject = <T>(work: (project: Project) => T): T => withProjectFile(file, work);
  const lane = (param: string): Lane | undefined => withProject((p) => loadShotEdit(p, targetId)?.lanes.find((l) => l.param === param));

  it('mutes and unmutes a lane, keeping its keys and mode; each is one undo step', () => {
    withProject((p) =>
      applyEdit(p, {
        targetClipId: targetId,
        label: 'yaw',
        changes: [
          { kind: 'setKey', param: 'headYaw', key: { position: 4, value: 3 } },
          { kind: 'setLaneMode', param: 'headYaw', mode: 'absolute' },
        ],
      }),
    );
    withProject((p) => applyEdit(p, { targetClipId: targetId, label: 'mute yaw', changes: [{ kind: 'setLaneMuted', param: 'headYaw', muted: true }] }));
    assert.deepEqual({ ...lane('headYaw'), keys: lane('headYaw')?.keys.length }, { param: 'headYaw', mode: 'absolute', muted: true, keys: 1 });
    withProject((p) => applyEdit(p, { targetClipId: targetId, label: 'offset yaw', changes: [{ kind: 'setLaneMode', param: 'headYaw', mode: 'offset' }] }));
    assert.equal(lane('headYaw')?.muted, true, 'changing the mode keeps the mute');
    withProject((p) => undo(p));
    withProject((p) => undo(p));
    assert.deepEqual([lane('headYaw')?.mode, lane('headYaw')?.muted], ['absolute', false]);
    assert.throws(() => withProject((p) => applyEdit(p, { targetClipId: targetId, label: 'x', changes: [{ kind: 'setLaneMuted', param: 'earSize', muted: true }] })), /not an editable parameter/);
  });

  it('keys a binding strength, refuses values outside 0–100 and unknown bindings, and deleting the binding takes its keys (one undo restores both)', () => {
    const bindingId = withProject(
      (p) => applyEdit(p, { targetClipId: targetId, label: 'bind', changes: [{ kind: 'setBinding', binding: { sourceClipId: sourceId, mode: 'mouth' } }] }).bindingIds[0],
    ) as string;
    const param = strengthLaneParam(bindingId);
    withProject((p) =>
      applyEdit(p, {
        targetClipId: targetId,
        label: 'fade in',
        changes: [
          { kind: 'setKey', param, key: { position: 0, value: 0 } },
          { kind: 'setKey', param, key: { position: 25, value: 100 } },
          { kind: 'setLaneMuted', param, muted: true },
        ],
      }),
    );
    assert.deepEqual(lane(param)?.keys.map((k) => [k.position, k.value]), [[0, 0], [25, 100]]);
    const count = withProject((p) => historyState(p)).undo.length;
    for (const bad of [
      { kind: 'setKey' as const, param, key: { position: 30, value: 150 } },
      { kind: 'setKey' as const, param: strengthLaneParam('nope'), key: { position: 30, value: 50 } },
      { kind: 'setLaneMode' as const, param, mode: 'absolute' as const },
    ]) {
      assert.throws(() => withProject((p) => applyEdit(p, { targetClipId: targetId, label: 'x', changes: [bad] })), (e: Error & { code?: string }) => e.code !== 'INTERNAL');
    }
    assert.equal(withProject((p) => historyState(p)).undo.length, count, 'refused edits leave no history');

    const before = withProject((p) => loadShotEdit(p, targetId));
    withProject((p) => applyEdit(p, { targetClipId: targetId, label: 'unbind', changes: [{ kind: 'deleteBinding', id: bindingId }] }));
    assert.equal(lane(param), undefined, 'the strength lane went with its binding');
    withProject((p) => undo(p));
    assert.deepEqual(withProject((p) => loadShotEdit(p, targetId)), before);
  });
});
