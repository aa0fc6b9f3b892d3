import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { openBrowserSession, type BrowserSession } from './helpers/browser-session.js';
import { makeEditProject, type EditProject } from './helpers/edit-project.js';
import { centre, drag, edits, frameShown, goTo, history, keyAt, lane, pxPerFrame } from './helpers/timeline-page.js';
import { tempDir } from '../helpers/paths.js';

/** Key operations of issue 13 in Chromium on a tracked tedlieu clip, each with its undo. */
describe('timeline key operations in Chromium', () => {
  const temp = tempDir('dvp-e2e-keyops-');
  let project: EditProject;
  let session: BrowserSession;
  let page: Page;

  async function keyFrames(param: string): Promise<number[]> {
    return (await lane(page, param).getByTestId('keyframe').evaluateAll((keys) => keys.map((k) => Number(k.getAttribute('data-frame'))))).sort((a, b) => a - b);
  }

  async function undo(count: number): Promise<void> {
    await page.keyboard.press('Control+z');
    await edits(session, page, count);
  }

  before(async () => {
    project = await makeEditProject(path.join(temp.dir, 'keyops.dvp'), { trackedLast: 29 });
    session = await openBrowserSession(temp.dir);
    page = session.page;
    await session.backend.api.call('project.open', { file: project.file });
    await page.goto(session.server.url);
    await lane(page, 'headYaw').waitFor();
  });

  after(async () => {
    await session?.close();
    temp.cleanup();
  });

  it('goes to a timecode or frame number typed in the transport, and says why an entry is refused', async () => {
    await goTo(page, '00:00:00:12');
    assert.equal(await frameShown(page), 12);
    await goTo(page, '7');
    assert.equal(await frameShown(page), 7);
    await page.getByTestId('timecode').click();
    await page.getByTestId('goto-input').fill('00:00:00:40');
    await page.getByTestId('goto-input').press('Enter');
    assert.match(await page.getByTestId('goto-error').innerText(), /frame 40 does not exist at 25 fps/);
    await page.getByTestId('goto-input').press('Escape');
    assert.equal(await frameShown(page), 7);
  });

  it('jogs one frame with K held and J / L, and L alone still shuttles', async () => {
    await page.keyboard.down('k');
    await page.keyboard.press('l');
    await page.keyboard.press('l');
    assert.equal(await frameShown(page), 9);
    await page.keyboard.press('j');
    assert.equal(await frameShown(page), 8);
    await page.keyboard.up('k');
    assert.equal(await page.getByTestId('speed').innerText(), 'Stopped');
    await page.keyboard.press('l');
    await page.getByTestId('speed').getByText('▶ 1×').waitFor();
    await page.keyboard.press('k');
    await page.keyboard.up('k');
  });

  it('adds keys with the lane’s own add-key button, one undo step each', async () => {
    for (const [i, frame] of [5, 15, 25].entries()) {
      await goTo(page, frame);
      await lane(page, 'headYaw').getByTestId('lane-add-key').click();
      await keyAt(page, 'headYaw', frame).waitFor();
      await edits(session, page, i + 1);
    }
    assert.deepEqual(await history(session), ['Add keyframe on Head yaw', 'Add keyframe on Head yaw', 'Add keyframe on Head yaw']);
    await undo(2);
    await keyAt(page, 'headYaw', 25).waitFor({ state: 'detached' });
    await page.keyboard.press('Control+Shift+z');
    await keyAt(page, 'headYaw', 25).waitFor();
    assert.match((await lane(page, 'headYaw').getByTestId('lane-mode').getAttribute('title')) ?? '', /Offset lane/, 'offset/absolute has its own labelled control');
  });

  it('steps to the next and previous key with ] / [ and Alt + arrows', async () => {
    await goTo(page, 0);
    await page.keyboard.press(']');
    assert.equal(await frameShown(page), 5);
    await page.keyboard.press(']');
    assert.equal(await frameShown(page), 15);
    await page.keyboard.press('Alt+ArrowRight');
    assert.equal(await frameShown(page), 25);
    await page.keyboard.press('[');
    assert.equal(await frameShown(page), 15);
    await page.keyboard.press('Alt+ArrowLeft');
    assert.equal(await frameShown(page), 5);
  });

  it('drags with Shift locked to the first axis, and with Ctrl at a tenth of the distance, with a readout', async () => {
    for (let i = 0; i < 6; i++) await page.getByRole('button', { name: 'Zoom in' }).click();
    const perFrame = await pxPerFrame(page, 'headYaw', 5, 15);
    assert.ok(perFrame > 4, `zoomed in (${perFrame} px a frame)`);
    await page.getByTestId('snap-toggle').click();
    assert.equal(await page.getByTestId('snap-toggle').getAttribute('aria-pressed'), 'false');
    const value = Number(await keyAt(page, 'headYaw', 15).getAttribute('data-value'));
    const from = await centre(keyAt(page, 'headYaw', 15));
    await page.mouse.move(from.x, from.y);
    assert.match(await page.getByTestId('readout').innerText(), /^fr 15 · /, 'hovering a key reads out its frame and value');
    await drag(page, from, [{ x: from.x + perFrame * 2, y: from.y + 1 }, { x: from.x + perFrame * 3, y: from.y - 25 }], ['Shift']);
    await keyAt(page, 'headYaw', 18).waitFor();
    await edits(session, page, 4);
    assert.equal(Number(await keyAt(page, 'headYaw', 18).getAttribute('data-value')), value, 'Shift kept the value while moving in time');
    await undo(3);
    await keyAt(page, 'headYaw', 15).waitFor();

    const again = await centre(keyAt(page, 'headYaw', 15));
    await drag(page, again, [{ x: again.x + perFrame * 5, y: again.y }, { x: again.x + perFrame * 10, y: again.y }], ['Control']);
    await keyAt(page, 'headYaw', 16).waitFor();
    await edits(session, page, 4);
    assert.equal((await history(session)).at(-1), 'Move keyframe');
    await undo(3);
    await keyAt(page, 'headYaw', 15).waitFor();
  });

  it('snaps a dragged key to the playhead when snapping is on, not when it is off', async () => {
    const perFrame = await pxPerFrame(page, 'headYaw', 5, 15);
    await goTo(page, 20);
    const from = await centre(keyAt(page, 'headYaw', 15));
    const to = { x: from.x + perFrame * 4.3, y: from.y };
    await drag(page, from, [to], ['Shift']);
    await keyAt(page, 'headYaw', 19).waitFor();
    await undo(3);
    await page.getByTestId('snap-toggle').click();
    const back = await centre(keyAt(page, 'headYaw', 15));
    await drag(page, back, [{ x: back.x + perFrame * 4.3, y: back.y }], ['Shift']);
    await keyAt(page, 'headYaw', 20).waitFor();
    await edits(session, page, 4);
    await undo(3);
    await keyAt(page, 'headYaw', 15).waitFor();
  });

  it('copies keys and pastes them at the playhead onto the focused lane, keeping their spacing; undo removes them', async () => {
    await keyAt(page, 'headYaw', 5).click();
    await keyAt(page, 'headYaw', 15).click({ modifiers: ['Shift'] });
    await page.keyboard.press('Control+c');
    await lane(page, 'jawOpen').getByRole('button', { name: 'Jaw open', exact: true }).click();
    await goTo(page, 10);
    await page.keyboard.press('Control+v');
    await keyAt(page, 'jawOpen', 20).waitFor();
    assert.deepEqual(await keyFrames('jawOpen'), [10, 20]);
    assert.equal((await edits(session, page, 4)).at(-1), 'Paste 2 keyframes');
    await undo(3);
    await keyAt(page, 'jawOpen', 10).waitFor({ state: 'detached' });
  });

  it('pastes keys copied from several lanes back onto their own lanes, at the playhead', async () => {
    await goTo(page, 10);
    await lane(page, 'headPitch').getByTestId('lane-add-key').click();
    await edits(session, page, 4);
    await keyAt(page, 'headYaw', 5).click();
    await keyAt(page, 'headPitch', 10).click({ modifiers: ['Shift'] });
    await page.keyboard.press('Control+c');
    await goTo(page, 20);
    await page.keyboard.press('Control+v');
    await keyAt(page, 'headPitch', 25).waitFor();
    assert.deepEqual(await keyFrames('headYaw'), [5, 15, 20, 25]);
    assert.deepEqual(await keyFrames('headPitch'), [10, 25]);
    assert.equal((await edits(session, page, 5)).at(-1), 'Paste 2 keyframes');
    await undo(4);
    await keyAt(page, 'headPitch', 25).waitFor({ state: 'detached' });
    assert.deepEqual(await keyFrames('headYaw'), [5, 15, 25], 'undo takes back the whole paste');
    await undo(3);
    await keyAt(page, 'headPitch', 10).waitFor({ state: 'detached' });
  });

  it('selects a range on the selection bar, scales it by its edge and moves it, one undo step each', async () => {
    const bar = page.getByTestId('selection-bar');
    const box = await bar.boundingBox();
    assert.ok(box);
    const a = await centre(keyAt(page, 'headYaw', 5));
    const c = await centre(keyAt(page, 'headYaw', 25));
    await drag(page, { x: a.x - 12, y: box.y + box.height / 2 }, [{ x: c.x + 12, y: box.y + box.height / 2 }]);
    assert.equal(await lane(page, 'headYaw').locator('[data-testid=keyframe].selected').count(), 3);
    assert.equal(await page.getByTestId('selection-span').getAttribute('data-start'), '5');
    const perFrame = await pxPerFrame(page, 'headYaw', 5, 25);
    const end = await centre(page.getByTestId('selection-end'));
    await drag(page, end, [{ x: end.x - perFrame * 10, y: end.y }]);
    await keyAt(page, 'headYaw', 10).waitFor();
    assert.deepEqual(await keyFrames('headYaw'), [5, 10, 15]);
    assert.equal((await edits(session, page, 4)).at(-1), 'Scale 3 keyframes in time');
    const span = await centre(page.getByTestId('selection-span'));
    await drag(page, span, [{ x: span.x + perFrame * 4, y: span.y }]);
    await keyAt(page, 'headYaw', 19).waitFor();
    assert.deepEqual(await keyFrames('headYaw'), [9, 14, 19]);
    assert.equal((await edits(session, page, 5)).at(-1), 'Move 3 keyframes in time');
    await undo(4);
    await undo(3);
    await keyAt(page, 'headYaw', 25).waitFor();
    assert.deepEqual(await keyFrames('headYaw'), [5, 15, 25]);
  });

  it('solos, mutes (one undo step, the curve ignores the lane) and locks lanes', async () => {
    const lanes = page.locator('[data-testid=lane]');
    const all = await lanes.count();
    await lane(page, 'headYaw').getByTestId('lane-solo').click();
    assert.equal(await lanes.count(), 1, 'solo shows only the soloed lane');
    await lane(page, 'headYaw').getByTestId('lane-solo').click();
    assert.equal(await lanes.count(), all);

    const yaw = lane(page, 'headYaw');
    await session.backend.api.call('edit.apply', { edit: { targetClipId: project.targetId, label: 'Raise key', changes: [{ kind: 'setKey', param: 'headYaw', key: { position: 15, value: 6 } }] } });
    await page.reload();
    await yaw.getByTestId('keyframe').first().waitFor();
    assert.notEqual(await yaw.getByTestId('edited-path').getAttribute('d'), await yaw.getByTestId('tracked-path').getAttribute('d'));
    await yaw.getByTestId('lane-mute').click();
    await edits(session, page, 5);
    assert.equal((await history(session)).at(-1), 'Mute Head yaw');
    assert.equal(await yaw.getByTestId('lane-mute').getAttribute('aria-pressed'), 'true');
    assert.equal(await yaw.getByTestId('edited-path').getAttribute('d'), await yaw.getByTestId('tracked-path').getAttribute('d'), 'a muted lane changes nothing');
    await undo(4);
    await yaw.locator('[data-testid=lane-mute][aria-pressed=false]').waitFor();

    await yaw.getByTestId('lane-lock').click();
    await keyAt(page, 'headYaw', 5).click();
    assert.equal(await yaw.locator('[data-testid=keyframe].selected').count(), 0, 'a locked lane’s keys cannot be selected');
    const from = await centre(keyAt(page, 'headYaw', 5));
    await drag(page, from, [{ x: from.x + 40, y: from.y - 20 }]);
    await page.keyboard.press('Delete');
    await page.waitForTimeout(300);
    assert.deepEqual(await keyFrames('headYaw'), [5, 15, 25], 'nor dragged or deleted');
    assert.equal((await history(session)).length, 4);
    await yaw.getByTestId('lane-lock').click();
  });

  it('lists the new shortcuts in the help overlay, and the page logged no errors', async () => {
    await page.keyboard.press('?');
    const help = await page.getByRole('dialog', { name: 'Keyboard shortcuts' }).innerText();
    for (const text of ['Hold K + J / L', '[ / ], Alt + ← / →', 'Ctrl + C / Ctrl + V', 'Shift while dragging', 'Click the timecode', 'Alt + drag a bezier handle']) assert.ok(help.includes(text), `help lists ${text}`);
    await page.keyboard.press('Escape');
    assert.deepEqual(session.problems, []);
  });
});
