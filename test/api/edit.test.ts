import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { ApiCallError } from '../../src-main/api/client.js';
import type { Curves, LaneCurve } from '../../src-main/api/edit-schemas.js';
import { Project } from '../../src-main/engine/project/project.js';
import { makeEditProject, type EditProject } from '../e2e/helpers/edit-project.js';
import { startTestBackend, type TestBackend } from '../helpers/engine-host.js';
import { tempDir } from '../helpers/paths.js';

function curve(curves: Curves, param: string): LaneCurve {
  const found = curves.curves.find((c) => c.param === param);
  assert.ok(found, `the curves include '${param}'`);
  return found;
}

describe('edit.* API against the real engine on a tracked project', () => {
  const temp = tempDir('dvp-api-edit-');
  let backend: TestBackend;
  let shot: EditProject;

  before(async () => {
    shot = await makeEditProject(path.join(temp.dir, 'edit.dvp'), { trackedLast: 29 });
    backend = await startTestBackend(path.join(temp.dir, 'config'));
    await backend.api.call('project.open', { file: shot.file });
  });
  after(async () => {
    await backend?.stop();
    temp.cleanup();
  });

  it('draws tracked = edited before any edit, marks the untracked frames, and lists the controls by group', async () => {
    const curves = await backend.api.call('edit.curves', { clipId: shot.targetId });
    assert.equal(curves.tracked, true);
    assert.equal(curves.frameCount, 1499);
    assert.deepEqual(curves.untracked, [{ first: shot.trackedLast + 1, last: 1498 }]);
    assert.deepEqual(new Set(curves.controls.map((c) => c.group)), new Set(['head', 'expression', 'eyes']));
    assert.ok(curves.controls.some((c) => c.param === 'jawOpen'), 'the face model provides the expression controls');
    for (const lane of curves.curves) {
      assert.equal(lane.tracked.length, 1499);
      assert.deepEqual(lane.edited, lane.tracked, `${lane.param}: nothing edited yet`);
      assert.equal(lane.lane, null);
      assert.ok(lane.observed.min <= lane.observed.max);
    }
    const yaw = curve(curves, 'headYaw');
    assert.ok(yaw.tracked.slice(0, 30).some((v) => v !== yaw.tracked[0]), 'the tracked head yaw moves over the tracked frames');
    assert.deepEqual(curves.outOfRange, []);
    const edit = await backend.api.call('edit.shot', { clipId: shot.targetId });
    assert.deepEqual(edit, { clipId: shot.targetId, frameCount: 1499, lanes: [], bindings: [] });
  });

  it('reports an untracked clip as such instead of failing', async () => {
    const curves = await backend.api.call('edit.curves', { clipId: shot.sourceId });
    assert.equal(curves.tracked, false);
    assert.deepEqual(curves.curves, []);
    assert.equal(curves.untracked[0]?.first, 0);
  });

  it('applies a two-key edit as one undo step and composes it into the edited curve', async () => {
    const result = await backend.api.call('edit.apply', {
      edit: {
        targetClipId: shot.targetId,
        label: 'Add 2 keyframes',
        changes: [
          { kind: 'setKey', param: 'headYaw', key: { position: 10, value: 0 } },
          { kind: 'setKey', param: 'headYaw', key: { position: 20, value: 8 } },
        ],
      },
    });
    assert.equal(result.keyIds.length, 2);
    assert.equal(result.shot.lanes.length, 1);
    assert.deepEqual(
      result.shot.lanes[0]?.keys.map((k) => [k.position, k.value, k.type]),
      [
        [10, 0, 'linear'],
        [20, 8, 'linear'],
      ],
    );
    assert.deepEqual(result.history.undo.map((e) => e.label), ['Add 2 keyframes']);

    const curves = await backend.api.call('edit.curves', { clipId: shot.targetId });
    const yaw = curve(curves, 'headYaw');
    const delta = (f: number): number => (yaw.edited[f] as number) - (yaw.tracked[f] as number);
    assert.ok(Math.abs(delta(5)) < 1e-3, 'before the first key the first value (0) holds');
    assert.ok(Math.abs(delta(15) - 4) < 1e-3, `halfway between the keys the offset is 4°, got ${delta(15)}`);
    assert.ok(Math.abs(delta(100) - 8) < 1e-3, 'after the last key its value holds');
    assert.equal(yaw.lane?.[15], 4);
    assert.deepEqual(curve(curves, 'headPitch').edited, curve(curves, 'headPitch').tracked, 'other lanes are untouched');
  });

  it('previews proposed keys without writing anything', async () => {
    const before = await backend.api.call('edit.shot', { clipId: shot.targetId });
    const keys = before.lanes[0]?.keys ?? [];
    const moved = keys.map((k) => (k.position === 20 ? { ...k, position: 25, value: -6 } : k));
    const preview = await backend.api.call('edit.curves', { clipId: shot.targetId, params: ['headYaw'], proposed: [{ param: 'headYaw', keys: moved }] });
    assert.deepEqual(preview.curves.map((c) => c.param), ['headYaw']);
    const yaw = curve(preview, 'headYaw');
    assert.ok(Math.abs((yaw.edited[25] as number) - (yaw.tracked[25] as number) + 6) < 1e-3);
    assert.deepEqual(await backend.api.call('edit.shot', { clipId: shot.targetId }), before, 'the stored shot is unchanged');
    assert.equal((await backend.api.call('edit.history', {})).undo.length, 1);
  });

  it('moves a key (time and value) and changes its interpolation, then undoes and redoes through the project history', async () => {
    const stored = await backend.api.call('edit.shot', { clipId: shot.targetId });
    const second = stored.lanes[0]?.keys.find((k) => k.position === 20);
    assert.ok(second);
    await backend.api.call('edit.apply', {
      edit: { targetClipId: shot.targetId, label: 'Move keyframe', changes: [{ kind: 'setKey', param: 'headYaw', key: { id: second.id, position: 26, value: 12 } }] },
    });
    const first = stored.lanes[0]?.keys.find((k) => k.position === 10);
    assert.ok(first);
    await backend.api.call('edit.apply', {
      edit: { targetClipId: shot.targetId, label: 'Hold interpolation', changes: [{ kind: 'setKey', param: 'headYaw', key: { id: first.id, type: 'hold' } }] },
    });
    let yaw = curve(await backend.api.call('edit.curves', { clipId: shot.targetId, params: ['headYaw'] }), 'headYaw');
    assert.equal(yaw.lane?.[25], 0, 'a hold key keeps its value until the next key');
    assert.equal(yaw.lane?.[26], 12);

    const undone = await backend.api.call('edit.undo', {});
    assert.equal(undone.entry?.label, 'Hold interpolation');
    assert.deepEqual(undone.history.redo.map((e) => e.label), ['Hold interpolation']);
    yaw = curve(await backend.api.call('edit.curves', { clipId: shot.targetId, params: ['headYaw'] }), 'headYaw');
    assert.ok(Math.abs((yaw.lane?.[18] as number) - 6) < 1e-3, 'linear again: halfway from 0 at 10 to 12 at 26 is 6 at 18');

    assert.equal((await backend.api.call('edit.undo', {})).entry?.label, 'Move keyframe');
    const back = await backend.api.call('edit.shot', { clipId: shot.targetId });
    assert.deepEqual(back.lanes[0]?.keys.map((k) => [k.id, k.position, k.value]), stored.lanes[0]?.keys.map((k) => [k.id, k.position, k.value]));

    const redone = await backend.api.call('edit.redo', {});
    assert.equal(redone.entry?.label, 'Move keyframe');
    assert.deepEqual(redone.history.undo.map((e) => e.label), ['Add 2 keyframes', 'Move keyframe']);
    assert.deepEqual(redone.history.redo.map((e) => e.label), ['Hold interpolation']);
  });

  it('keeps every edit in the file: closing and reopening the project shows the same shot and history', async () => {
    const before = await backend.api.call('edit.shot', { clipId: shot.targetId });
    const history = await backend.api.call('edit.history', {});
    await backend.api.call('project.close', {});
    // Another process reads the file directly: the edits are committed, not buffered in the engine.
    const direct = Project.open(shot.file, { readonly: true });
    const keys = direct.db.prepare('SELECT position, value FROM edit_keyframes ORDER BY position').all() as { position: number; value: number }[];
    direct.close();
    assert.deepEqual(keys, before.lanes[0]?.keys.map((k) => ({ position: k.position, value: k.value })));
    await backend.api.call('project.open', { file: shot.file });
    assert.deepEqual(await backend.api.call('edit.shot', { clipId: shot.targetId }), before);
    assert.deepEqual(await backend.api.call('edit.history', {}), history);
  });

  it('shades frames whose edit leaves what the target showed', async () => {
    const before = (await backend.api.call('edit.curves', { clipId: shot.targetId })).outOfRange;
    assert.ok(before.every((s) => s.params.includes('headYaw') && s.first > 10), 'only the 12° yaw offset past frame 10 is out of range so far');
    await backend.api.call('edit.apply', {
      edit: { targetClipId: shot.targetId, label: 'Turn the head far', changes: [{ kind: 'setKey', param: 'headRoll', key: { position: 40, value: 45 } }] },
    });
    const curves = await backend.api.call('edit.curves', { clipId: shot.targetId });
    const roll = curves.controls.find((c) => c.param === 'headRoll');
    assert.ok(roll && curves.outOfRange.every((s) => s.params.some((p) => roll.channels.includes(p))), 'the spans belong on the headRoll lane by its channels');
    assert.deepEqual(curves.controls.find((c) => c.param === 'gazeYaw')?.channels, ['gazeLeftYaw', 'gazeRightYaw']);
    assert.deepEqual(
      curves.outOfRange.map((s) => [s.first, s.last, s.params.includes('headRoll')]),
      [[0, shot.trackedLast, true]],
      'a single key holds over the whole shot; past the tracked frames a render passes the plate through, so nothing is flagged there',
    );
    await backend.api.call('edit.undo', {});
    assert.deepEqual((await backend.api.call('edit.curves', { clipId: shot.targetId })).outOfRange, before);
  });

  it('refuses bad edits with a sentence and leaves the shot as it was', async () => {
    const before = await backend.api.call('edit.shot', { clipId: shot.targetId });
    const historyBefore = await backend.api.call('edit.history', {});
    await assert.rejects(
      backend.api.call('edit.apply', { edit: { targetClipId: shot.targetId, label: 'Bad', changes: [{ kind: 'setKey', param: 'noseLength', key: { position: 1, value: 1 } }] } }),
      (error: ApiCallError) => error.code === 'INVALID_ARGUMENT' && /'noseLength' is not an editable parameter/.test(error.message),
    );
    await assert.rejects(
      backend.api.call('edit.apply', {
        edit: {
          targetClipId: shot.targetId,
          label: 'Two keys, one bad',
          changes: [
            { kind: 'setKey', param: 'headPitch', key: { position: 3, value: 1 } },
            { kind: 'setKey', param: 'headPitch', key: { position: 5000, value: 1 } },
          ],
        },
      }),
      (error: ApiCallError) => error.code === 'INVALID_ARGUMENT' && /past the end of clip/.test(error.message),
    );
    await assert.rejects(
      backend.api.call('edit.apply', { edit: { targetClipId: shot.targetId, label: 'Bind', changes: [{ kind: 'setBinding', binding: { sourceClipId: shot.sourceId, mode: 'mouth' } }] } }),
      (error: ApiCallError) => error.code === 'INVALID_ARGUMENT' && /is not tracked yet, so it cannot drive the shot/.test(error.message),
    );
    await assert.rejects(
      backend.api.call('edit.apply', { edit: { targetClipId: shot.targetId, label: '', changes: [] } }),
      (error: ApiCallError) => error.code === 'BAD_REQUEST',
    );
    assert.deepEqual(await backend.api.call('edit.shot', { clipId: shot.targetId }), before);
    assert.deepEqual(await backend.api.call('edit.history', {}), historyBefore);
  });

  it('refuses to edit a project opened read-only', async () => {
    await backend.api.call('project.open', { file: shot.file, readonly: true });
    await assert.rejects(
      backend.api.call('edit.apply', { edit: { targetClipId: shot.targetId, label: 'Key', changes: [{ kind: 'setKey', param: 'headPitch', key: { position: 3, value: 1 } }] } }),
      (error: ApiCallError) => error.code === 'PROJECT_READONLY',
    );
    await assert.rejects(backend.api.call('edit.undo', {}), (error: ApiCallError) => error.code === 'PROJECT_READONLY');
    assert.equal((await backend.api.call('edit.curves', { clipId: shot.targetId, params: ['headYaw'] })).tracked, true, 'reading still works');
    await backend.api.call('project.open', { file: shot.file });
  });

  it('binds a tracked source and draws the transferred motion', async () => {
    // Bind the shot to itself (a tracked clip) shifted by 5 frames: the edited head follows frame f − 5.
    const bound = await backend.api.call('edit.apply', {
      edit: { targetClipId: shot.targetId, label: 'Bind source', changes: [{ kind: 'setBinding', binding: { sourceClipId: shot.targetId, mode: 'full', offset: 5, rangeEnd: 20 } }] },
    });
    assert.equal(bound.shot.bindings.length, 1);
    assert.equal(bound.shot.bindings[0]?.offset, 5);
    const curves = await backend.api.call('edit.curves', { clipId: shot.targetId, params: ['headPitch'] });
    const pitch = curve(curves, 'headPitch');
    // Relative to the neutral frame of the same clip: edited[f] = tracked[f − 5] where the binding reaches.
    assert.ok(Math.abs((pitch.edited[15] as number) - (pitch.tracked[10] as number)) < 1e-3, 'frame 15 shows frame 10');
    assert.equal(pitch.edited[25], pitch.tracked[25], 'past the trim the target is its own');
    assert.equal((await backend.api.call('edit.undo', {})).entry?.label, 'Bind source');
    assert.deepEqual((await backend.api.call('edit.shot', { clipId: shot.targetId })).bindings, []);
  });
});
