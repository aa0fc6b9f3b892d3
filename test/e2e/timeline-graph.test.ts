import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { openBrowserSession, type BrowserSession } from './helpers/browser-session.js';
import { makeEditProject, type EditProject } from './helpers/edit-project.js';
import { centre, drag, edits, history, keyAt, lane } from './helpers/timeline-page.js';
import { REPO_ROOT, tempDir } from '../helpers/paths.js';

/** Graph mode of issue 13 in Chromium: lane and result curves, bezier handles, resizing. */
describe('timeline graph mode in Chromium', () => {
  const temp = tempDir('dvp-e2e-graph-');
  let project: EditProject;
  let session: BrowserSession;
  let page: Page;

  async function handles(frame: number): Promise<number[]> {
    return ((await keyAt(page, 'headYaw', frame).getAttribute('data-handles')) ?? '').split(',').map(Number);
  }

  before(async () => {
    project = await makeEditProject(path.join(temp.dir, 'graph.dvp'), { trackedLast: 29 });
    const key = (position: number, value: number) => ({ kind: 'setKey' as const, param: 'headYaw', key: { position, value, type: 'bezier' as const } });
    session = await openBrowserSession(temp.dir);
    await session.backend.api.call('project.open', { file: project.file });
    await session.backend.api.call('edit.apply', { edit: { targetClipId: project.targetId, label: 'Keys', changes: [key(4, 0), key(14, 8), key(24, -4)] } });
    page = session.page;
    await page.goto(session.server.url);
    await keyAt(page, 'headYaw', 14).waitFor();
  });

  after(async () => {
    await session?.close();
    temp.cleanup();
  });

  it('shows each lane’s own curve with its keys above the result, the tracked curve as a reference', async () => {
    for (let i = 0; i < 6; i++) await page.getByRole('button', { name: 'Zoom in' }).click();
    await page.keyboard.press('g');
    assert.equal(await page.getByTestId('timeline').getAttribute('data-graph'), 'true');
    const yaw = lane(page, 'headYaw');
    await yaw.getByTestId('lane-graph').waitFor();
    assert.ok(((await yaw.getByTestId('lane-path').getAttribute('d')) ?? '').length > 50, 'the lane’s offset curve is drawn');
    assert.notEqual(await yaw.getByTestId('edited-path').getAttribute('d'), await yaw.getByTestId('tracked-path').getAttribute('d'));
    const low = await centre(keyAt(page, 'headYaw', 24));
    const high = await centre(keyAt(page, 'headYaw', 14));
    assert.ok(high.y < low.y - 20, 'keys sit at their own values in the lane plot (8° above −4°)');
    assert.equal(await yaw.getByTestId('bezier-handle').count(), 4, 'bezier segments 4→14 and 14→24 each have two handles');
  });

  it('drags a bezier handle, unified by default (the opposite handle turns with it), one undo step on release', async () => {
    const before = await handles(14);
    const out = lane(page, 'headYaw').locator('[data-testid=bezier-handle][data-side=out]').nth(1);
    const from = await centre(out);
    await drag(page, from, [{ x: from.x + 4, y: from.y - 12 }, { x: from.x + 8, y: from.y - 30 }]);
    assert.equal((await edits(session, page, 2)).at(-1), 'Adjust bezier handles');
    const after = await handles(14);
    assert.notEqual(after[3], before[3], 'the out handle moved');
    assert.notEqual(after[1], before[1], 'unified: the in handle turned with it');
    const grip = await centre(page.getByTestId('lane-resize').first());
    await drag(page, grip, [{ x: grip.x, y: grip.y - 40 }]);
    await page.mouse.move(from.x + 30, from.y + 20);
    await session.screenshot('timeline-graph-handles.png');
    await page.getByTestId('timeline').screenshot({ path: path.join(REPO_ROOT, 'test-output', 'graph-mode.png') });
    await page.keyboard.press('Control+z');
    await lane(page, 'headYaw').locator(`[data-testid=keyframe][data-frame="14"][data-handles="${before.join(',')}"]`).waitFor();
    assert.deepEqual(await history(session), ['Keys'], 'undo puts the handles back');
  });

  it('breaks the handles with Alt: only the dragged one moves', async () => {
    const before = await handles(14);
    const out = lane(page, 'headYaw').locator('[data-testid=bezier-handle][data-side=out]').nth(1);
    const from = await centre(out);
    await page.keyboard.down('Alt');
    await drag(page, from, [{ x: from.x + 4, y: from.y + 15 }, { x: from.x + 6, y: from.y + 25 }]);
    await page.keyboard.up('Alt');
    await edits(session, page, 2);
    const after = await handles(14);
    assert.notEqual(after[3], before[3]);
    assert.deepEqual(after.slice(0, 2), before.slice(0, 2), 'broken: the in handle stayed');

    // The key keeps its handles broken: a plain drag moves the out handle alone again.
    const again = await centre(out);
    await drag(page, again, [{ x: again.x + 3, y: again.y - 10 }, { x: again.x + 5, y: again.y - 20 }]);
    await edits(session, page, 3);
    const stillBroken = await handles(14);
    assert.notEqual(stillBroken[3], after[3], 'the out handle moved');
    assert.deepEqual(stillBroken.slice(0, 2), before.slice(0, 2), 'still broken: the in handle stayed without Alt');

    // Alt on broken handles unifies them: the in handle turns onto the out handle's line.
    const last = await centre(out);
    await page.keyboard.down('Alt');
    await drag(page, last, [{ x: last.x + 2, y: last.y + 6 }, { x: last.x + 4, y: last.y + 12 }]);
    await page.keyboard.up('Alt');
    await edits(session, page, 4);
    assert.notDeepEqual((await handles(14)).slice(0, 2), before.slice(0, 2), 'unified again: the in handle turned');
  });

  it('moves a key in value only with Shift in graph mode, and reads out frame and value while dragging', async () => {
    const key = keyAt(page, 'headYaw', 24);
    const value = Number(await key.getAttribute('data-value'));
    const from = await centre(key);
    await page.mouse.move(from.x, from.y);
    await page.mouse.down();
    await page.keyboard.down('Shift');
    await page.mouse.move(from.x + 1, from.y - 10, { steps: 3 });
    await page.mouse.move(from.x + 25, from.y - 20, { steps: 3 });
    assert.match(await page.getByTestId('readout').innerText(), /^fr 24 · /, 'the readout follows the drag (still frame 24)');
    await page.mouse.up();
    await page.keyboard.up('Shift');
    assert.equal((await edits(session, page, 5)).at(-1), 'Move keyframe');
    const moved = Number(await keyAt(page, 'headYaw', 24).getAttribute('data-value'));
    assert.ok(moved > value + 0.5, `dragging up raised the key (${value} → ${moved})`);
    assert.deepEqual((await history(session)).slice(-2), ['Adjust bezier handles', 'Move keyframe']);
  });
  it('resizes the timeline by its top edge and the lanes by their bottom edge', async () => {
    const timeline = page.getByTestId('timeline');
    const before = (await timeline.boundingBox())?.height ?? 0;
    const grip = await centre(page.getByTestId('timeline-resize'));
    await drag(page, grip, [{ x: grip.x, y: grip.y - 120 }]);
    const after = (await timeline.boundingBox())?.height ?? 0;
    assert.ok(Math.abs(after - before - 120) <= 2, `the timeline grew by the drag (${before} → ${after})`);
    const svg = lane(page, 'headYaw').getByTestId('lane-svg');
    const laneBefore = Number(await svg.getAttribute('height'));
    const laneGrip = await centre(page.getByTestId('lane-resize').first());
    await drag(page, laneGrip, [{ x: laneGrip.x, y: laneGrip.y + 22 }]);
    assert.equal(Number(await svg.getAttribute('height')), laneBefore + 22, 'graph lanes resize');
    await page.keyboard.press('g');
    const keyframeLane = Number(await svg.getAttribute('height'));
    const keyframeGrip = await centre(page.getByTestId('lane-resize').first());
    await drag(page, keyframeGrip, [{ x: keyframeGrip.x, y: keyframeGrip.y + 10 }]);
    assert.equal(Number(await svg.getAttribute('height')), keyframeLane + 10, 'keyframe lanes resize on their own');
    assert.deepEqual(session.problems, []);
  });
});
