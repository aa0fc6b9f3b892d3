import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { applyEdit, type Edit } from '../../src-main/engine/edit/apply-edit.js';
import { historyState, redo, undo } from '../../src-main/engine/edit/history.js';
import { loadShotEdit, type ShotEdit } from '../../src-main/engine/edit/shot-edit.js';
import { Project } from '../../src-main/engine/project/project.js';
import type { DvpError } from '../../src-main/shared/errors.js';
import { twoClipProject, withProjectFile } from '../helpers/edit-fixture.js';
import { tempDir } from '../helpers/paths.js';

/** The shot's state as plain data (key ids included), for before/after comparisons. */
function snapshot(project: Project, clipId: number): unknown {
  const edit: ShotEdit | undefined = loadShotEdit(project, clipId);
  return edit ? { lanes: edit.lanes, bindings: edit.bindings } : undefined;
}

describe('edit history in a real project file', () => {
  const temp = tempDir('dvp-edit-history-');
  const file = path.join(temp.dir, 'history.dvp');
  let targetId = 0;
  let sourceId = 0;
  let frameCount = 0;

  before(async () => {
    ({ targetId, sourceId, frameCount } = await twoClipProject(file));
  });
  after(() => temp.cleanup());

  /** Every step below survives a reopen. */
  const withProject = <T>(work: (project: Project) => T): T => withProjectFile(file, work);

  const keyEdit = (label: string, param: string, position: number, value: number, type: 'hold' | 'linear' | 'bezier' = 'linear'): Edit => ({
    targetClipId: targetId,
    label,
    changes: [{ kind: 'setKey', param, key: { position, value, type } }],
  });

  it('undoes and redoes across closing and reopening the project, step by step', () => {
    const states: unknown[] = [withProject((p) => snapshot(p, targetId))];
    withProject((p) => applyEdit(p, keyEdit('yaw 10', 'headYaw', 10, 5)));
    states.push(withProject((p) => snapshot(p, targetId)));
    withProject((p) => applyEdit(p, keyEdit('yaw 40', 'headYaw', 40, -3, 'bezier')));
    states.push(withProject((p) => snapshot(p, targetId)));
    withProject((p) =>
      applyEdit(p, {
        targetClipId: targetId,
        label: 'bind source',
        changes: [
          { kind: 'setBinding', binding: { sourceClipId: sourceId, mode: 'expression', offset: 12, strength: 0.7, sourceNeutralFrame: 3 } },
          { kind: 'setLaneMode', param: 'gazeYaw', mode: 'absolute' },
          { kind: 'setKey', param: 'gazeYaw', key: { position: 0, value: 4 } },
        ],
      }),
    );
    states.push(withProject((p) => snapshot(p, targetId)));
    withProject((p) => applyEdit(p, keyEdit('yaw 10 again', 'headYaw', 10, 9)));
    states.push(withProject((p) => snapshot(p, targetId)));

    const final = states.at(-1) as { lanes: { param: string; mode: string; keys: { position: number; value: number }[] }[]; bindings: unknown[] };
    assert.deepEqual(
      final.lanes.map((l) => [l.param, l.mode, l.keys.map((k) => [k.position, k.value])]),
      [
        ['gazeYaw', 'absolute', [[0, 4]]],
        ['headYaw', 'offset', [[10, 9], [40, -3]]],
      ],
    );
    assert.equal(final.bindings.length, 1);

    // Walk all the way back, one undo per process-like open/close, checking every intermediate state.
    for (let i = states.length - 2; i >= 0; i--) {
      const entry = withProject((p) => undo(p));
      assert.ok(entry, `undo ${i}`);
      assert.deepEqual(withProject((p) => snapshot(p, targetId)), i === 0 ? { lanes: [], bindings: [] } : states[i], `after undoing to state ${i}`);
    }
    assert.equal(withProject((p) => undo(p)), undefined, 'nothing left to undo');
    // And forward again.
    for (let i = 1; i < states.length; i++) {
      const entry = withProject((p) => redo(p));
      assert.ok(entry);
      assert.deepEqual(withProject((p) => snapshot(p, targetId)), states[i], `after redoing to state ${i}`);
    }
    assert.equal(withProject((p) => redo(p)), undefined, 'nothing left to redo');
    const history = withProject((p) => historyState(p));
    assert.deepEqual(history.undo.map((e) => e.label), ['yaw 10', 'yaw 40', 'bind source', 'yaw 10 again']);
    assert.ok(history.undo.every((e) => e.targetClipId === targetId));
  });

  it('a new edit clears the redo stack', () => {
    withProject((p) => undo(p));
    withProject((p) => undo(p));
    assert.equal(withProject((p) => historyState(p)).redo.length, 2);
    withProject((p) => applyEdit(p, keyEdit('pitch', 'headPitch', 5, 2)));
    const history = withProject((p) => historyState(p));
    assert.equal(history.redo.length, 0);
    assert.equal(history.undo.at(-1)?.label, 'pitch');
    assert.equal(withProject((p) => redo(p)), undefined);
  });

  it('moves keys past each other in one edit and replaces a key it lands on; one undo restores all', () => {
    const ids = withProject((p) => {
      const a = applyEdit(p, keyEdit('roll a', 'headRoll', 100, 1)).keyIds[0] as string;
      const b = applyEdit(p, keyEdit('roll b', 'headRoll', 110, 2)).keyIds[0] as string;
      const c = applyEdit(p, keyEdit('roll c', 'headRoll', 130, 3)).keyIds[0] as string;
      return { a, b, c };
    });
    const before = withProject((p) => snapshot(p, targetId));
    withProject((p) =>
      applyEdit(p, {
        targetClipId: targetId,
        label: 'drag a and b right by 20',
        changes: [
          { kind: 'setKey', param: 'headRoll', key: { id: ids.a, position: 120 } },
          { kind: 'setKey', param: 'headRoll', key: { id: ids.b, position: 130 } },
        ],
      }),
    );
    const lane = withProject((p) => loadShotEdit(p, targetId)?.lanes.find((l) => l.param === 'headRoll'));
    assert.deepEqual(
      lane?.keys.map((k) => [k.id, k.position, k.value]),
      [
        [ids.a, 120, 1],
        [ids.b, 130, 2],
      ],
      'b replaced c on frame 130; values and ids kept',
    );
    withProject((p) => undo(p));
    assert.deepEqual(withProject((p) => snapshot(p, targetId)), before);
  });

  it('deletes keys and bindings undoably, and refuses bad edits without changing anything', () => {
    const bindingId = withProject(
      (p) => applyEdit(p, { targetClipId: targetId, label: 'bind', changes: [{ kind: 'setBinding', binding: { sourceClipId: sourceId, mode: 'mouth' } }] }).bindingIds[0],
    ) as string;
    const before = withProject((p) => snapshot(p, targetId));
    withProject((p) =>
      applyEdit(p, {
        targetClipId: targetId,
        label: 'clear',
        changes: [
          { kind: 'deleteKey', param: 'headRoll', position: 100 },
          { kind: 'deleteBinding', id: bindingId },
        ],
      }),
    );
    const cleared = withProject((p) => loadShotEdit(p, targetId));
    assert.equal(cleared?.bindings.length, 0);
    assert.deepEqual(cleared?.lanes.find((l) => l.param === 'headRoll')?.keys.map((k) => k.position), [110, 130]);

    const bad: Edit[] = [
      { targetClipId: targetId, label: 'x', changes: [{ kind: 'setKey', param: 'headRoll', key: { position: frameCount, value: 1 } }] },
      { targetClipId: targetId, label: 'x', changes: [{ kind: 'setKey', param: 'earSize', key: { position: 1, value: 1 } }] },
      { targetClipId: targetId, label: 'x', changes: [{ kind: 'deleteKey', param: 'headRoll', position: 7 }] },
      { targetClipId: targetId, label: 'x', changes: [{ kind: 'setBinding', binding: { sourceClipId: sourceId, mode: 'full', strength: 1.5 } }] },
      { targetClipId: targetId, label: 'x', changes: [{ kind: 'setBinding', binding: { sourceClipId: 999, mode: 'full' } }] },
      { targetClipId: sourceId, label: 'x', changes: [{ kind: 'setKey', param: 'headRoll', key: { position: 1, value: 1 } }] },
      // The first change is fine, the second is not: neither lands.
      {
        targetClipId: targetId,
        label: 'x',
        changes: [
          { kind: 'setKey', param: 'headYaw', key: { position: 3, value: 1 } },
          { kind: 'setKey', param: 'headYaw', key: { position: 3, value: 2 } },
        ],
      },
    ];
    const countBefore = withProject((p) => historyState(p)).undo.length;
    const stateBefore = withProject((p) => snapshot(p, targetId));
    for (const edit of bad) assert.throws(() => withProject((p) => applyEdit(p, edit)), (e: Error & { code?: string }) => e.code !== 'INTERNAL');
    assert.deepEqual(withProject((p) => snapshot(p, targetId)), stateBefore);
    assert.equal(withProject((p) => historyState(p)).undo.length, countBefore);

    withProject((p) => undo(p));
    assert.deepEqual(withProject((p) => snapshot(p, targetId)), before);
  });

  it('bounds the history, dropping the oldest entries', () => {
    withProject((p) => {
      for (let i = 0; i < 8; i++) applyEdit(p, keyEdit(`z ${i}`, 'headZ', i, i), { historyLimit: 5 });
    });
    const history = withProject((p) => historyState(p));
    assert.deepEqual(history.undo.map((e) => e.label), ['z 3', 'z 4', 'z 5', 'z 6', 'z 7']);
    withProject((p) => {
      for (let i = 0; i < 5; i++) assert.ok(undo(p));
      assert.equal(undo(p), undefined);
    });
    // The five undone edits removed keys 3..7; keys 0..2 predate the bounded history and stay.
    const lane = withProject((p) => loadShotEdit(p, targetId)?.lanes.find((l) => l.param === 'headZ'));
    assert.deepEqual(lane?.keys.map((k) => k.position), [0, 1, 2]);
  });

  it('refuses to edit, undo or redo a project opened read-only', () => {
    const project = Project.open(file, { readonly: true });
    try {
      assert.throws(() => applyEdit(project, keyEdit('ro', 'headYaw', 1, 1)), /read-only/);
      assert.throws(() => undo(project), (error: DvpError) => error.code === 'PROJECT_READONLY' && /read-only/.test(error.message));
      assert.throws(() => redo(project), (error: DvpError) => error.code === 'PROJECT_READONLY' && /read-only/.test(error.message));
      assert.ok(loadShotEdit(project, targetId), 'but it can read the edit');
    } finally {
      project.close();
    }
  });
});
