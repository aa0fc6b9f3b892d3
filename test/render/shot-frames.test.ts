/**
 * The render the viewer's Result view draws from (`ShotFrames`, kept open by the engine's
 * `OpenRender`): frames asked one at a time — in order, backwards, far away — are the frames a
 * render of the clip writes; an edit, a new checkpoint or another project reopens it, and a
 * closed one refuses further frames.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { OpenRender } from '../../src-main/engine-process/open-render.js';
import { applyEdit } from '../../src-main/engine/edit/apply-edit.js';
import { Project } from '../../src-main/engine/project/project.js';
import { openShotRender } from '../../src-main/engine/render/render-shot.js';
import { ShotFrames, renderInputsStamp } from '../../src-main/engine/render/shot-frames.js';
import { isDvpError } from '../../src-main/shared/errors.js';
import { tempDir } from '../helpers/paths.js';
import { buildRenderFixture, projectCopy, TARGET_FRAMES, TRACKED_LAST, type RenderFixture } from './fixture.js';

const temp = tempDir('dvp-shot-frames-');
let fixture: RenderFixture;

/** Frames first..last as a render of that range writes them (whole-crop composite, as the viewer shows). */
async function rendered(project: Project, first: number, last: number): Promise<Map<number, Uint8Array>> {
  const render = await openShotRender(project, { clipId: fixture.targetId, range: { first, last }, composite: 'crop' });
  try {
    const frames = new Map<number, Uint8Array>();
    for await (const frame of render.frames()) frames.set(frame.index, Uint8Array.from(frame.data));
    return frames;
  } finally {
    render.dispose();
  }
}

const lookUp = (clipId: number, degrees: number) => ({
  targetClipId: clipId,
  label: 'Look up',
  changes: [{ kind: 'setKey' as const, param: 'gazePitch', key: { position: 0, value: degrees, type: 'linear' as const } }],
});

describe('frames synthesized one at a time', () => {
  before(async () => {
    fixture = await buildRenderFixture(temp.dir);
  });
  after(() => temp.cleanup());

  it('draws each frame asked for as the render of the clip does: in order, skipping ahead, backwards and after a jump', async () => {
    const project = Project.open(fixture.projectFile, { readonly: true });
    const frames = await ShotFrames.open(project, { clipId: fixture.targetId });
    try {
      const expected = await rendered(project, 8, 24);
      // 13 → 18 and 18 → 24 decode on past the frames between; 8 goes back (a new decode).
      for (const index of [10, 11, 12, 13, 18, 24, 8, 9, 14]) {
        const frame = await frames.frame(index);
        assert.equal(frame.index, index);
        assert.equal(frame.synthesized, true);
        assert.ok(Buffer.from(frame.data).equals(Buffer.from(expected.get(index)!)), `frame ${index} differs from the render's`);
      }
      const concurrent = await Promise.all([frames.frame(20), frames.frame(21), frames.frame(3)]);
      assert.deepEqual(concurrent.map((f) => f.index), [20, 21, 3], 'requests made together are answered in order');
      const untracked = await frames.frame(TRACKED_LAST + 3);
      assert.equal(untracked.synthesized, false, 'a frame without a tracked face passes the plate through');
      await assert.rejects(frames.frame(TARGET_FRAMES), (error) => isDvpError(error) && error.code === 'INVALID_ARGUMENT' && /outside clip/.test(error.message));
      assert.equal((await frames.frame(4)).index, 4, 'a refused frame leaves the render usable');
    } finally {
      await frames.dispose();
      project.close();
    }
    await assert.rejects(frames.frame(5), (error) => isDvpError(error) && error.code === 'CANCELLED');
  });

  it('is reopened when the edit or the checkpoint changes, and draws the new edit', async () => {
    const file = projectCopy(fixture, 'reopen.dvp');
    const project = Project.open(file);
    const open = new OpenRender();
    try {
      const before = await open.frames(project, { clipId: fixture.targetId });
      assert.equal(await open.frames(project, { clipId: fixture.targetId }), before, 'unchanged inputs keep the open render');
      const unedited = Uint8Array.from((await before.frame(12)).data);

      const stamp = renderInputsStamp(project, { clipId: fixture.targetId });
      applyEdit(project, lookUp(fixture.targetId, 20));
      assert.notEqual(renderInputsStamp(project, { clipId: fixture.targetId }), stamp, 'an edit changes the stamp');
      const edited = await open.frames(project, { clipId: fixture.targetId });
      assert.notEqual(edited, before, 'an edit reopens the render');
      await assert.rejects(before.frame(12), (error) => isDvpError(error) && error.code === 'CANCELLED', 'the replaced render was closed');
      const drawn = (await edited.frame(12)).data;
      assert.ok(!Buffer.from(drawn).equals(Buffer.from(unedited)), 'the look-up edit changes the synthesized frame');
      assert.ok(Buffer.from(drawn).equals(Buffer.from((await rendered(project, 12, 12)).get(12)!)), 'and it is the frame a render of the edited shot writes');

      const stepBefore = edited.checkpointStep;
      const latest = project.db.prepare('SELECT id FROM checkpoints WHERE model_id = ? ORDER BY id DESC LIMIT 1').get(fixture.modelId) as { id: number };
      project.db.prepare('UPDATE checkpoints SET step = step + 1 WHERE id = ?').run(latest.id);
      const retrained = await open.frames(project, { clipId: fixture.targetId });
      assert.notEqual(retrained, edited, 'a changed checkpoint reopens the render');
      assert.equal(retrained.checkpointStep, stepBefore + 1);
    } finally {
      open.close();
      project.close();
    }
  });
});
