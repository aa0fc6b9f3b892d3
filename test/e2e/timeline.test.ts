import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Locator, Page } from 'playwright-core';
import { makeEditProject, type EditProject } from './helpers/edit-project.js';
import { openBrowserSession, type BrowserSession } from './helpers/browser-session.js';
import { tempDir } from '../helpers/paths.js';

/** The page's center of an element (keyframes are small rotated squares). */
async function centre(locator: Locator): Promise<{ x: number; y: number }> {
  const box = await locator.boundingBox();
  assert.ok(box, 'the element is on screen');
  return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
}

/** An edit's answer has come back and the curves it changed are drawn. */
async function saved(page: Page): Promise<void> {
  await page.locator('[data-testid=save-status].saved').waitFor();
}

function lane(page: Page, param: string): Locator {
  return page.locator(`[data-testid=lane][data-param=${param}]`);
}

function inspector(page: Page, param: string): Locator {
  return page.locator(`[data-testid=inspector-row][data-param=${param}]`);
}

async function frameShown(page: Page): Promise<number> {
  return Number(/fr (\d+)/.exec(await page.getByTestId('frame-number').innerText())?.[1]);
}

async function seek(page: Page, frame: number): Promise<void> {
  await page.keyboard.press('Home');
  for (let i = 0; i < Math.floor(frame / 10); i++) await page.keyboard.press('Shift+ArrowRight');
  for (let i = 0; i < frame % 10; i++) await page.keyboard.press('ArrowRight');
  assert.equal(await frameShown(page), frame);
}

async function inspectorValue(page: Page, param: string): Promise<number> {
  return Number(await inspector(page, param).getByTestId('inspector-number').inputValue());
}

describe('timeline, keyframe lanes, inspector, undo/redo and autosave in Chromium', () => {
  const temp = tempDir('dvp-e2e-timeline-');
  let project: EditProject;
  let session: BrowserSession;
  let page: Page;

  before(async () => {
    // Target tracked over frames 0–29 (the rest of its 1499 frames untracked), source over 0–24.
    project = await makeEditProject(path.join(temp.dir, 'timeline.dvp'), { trackedLast: 29, trackSource: 24 });
    session = await openBrowserSession(temp.dir);
    page = session.page;
    await session.backend.api.call('project.open', { file: project.file });
    await page.goto(session.server.url);
    await page.getByTestId('timeline').waitFor();
  });

  after(async () => {
    await session?.close();
    temp.cleanup();
  });

  it('shows the shot: grouped lanes with tracked and edited curves, untracked frames shaded, autosave stated', async () => {
    await page.locator('[data-testid=lane]').first().waitFor();
    const groups = await page.getByTestId('lane-group').allInnerTexts();
    assert.deepEqual(
      groups.map((g) => /head|expression|eyes/i.exec(g)?.[0].toLowerCase()),
      ['head', 'expression', 'eyes'],
    );
    const params = await page.locator('[data-testid=lane]').evaluateAll((lanes) => lanes.map((l) => l.getAttribute('data-param')));
    for (const name of ['headYaw', 'headPitch', 'headRoll', 'jawOpen', 'gazeYaw', 'blinkLeft']) assert.ok(params.includes(name), `a lane for ${name}`);
    const yaw = lane(page, 'headYaw');
    const tracked = await yaw.getByTestId('tracked-path').getAttribute('d');
    assert.ok(tracked && tracked.length > 100, 'the tracked curve is drawn');
    assert.equal(await yaw.getByTestId('edited-path').getAttribute('d'), tracked, 'unedited: the edited curve is the tracked one');
    assert.ok((await yaw.locator('rect.untracked').count()) > 0, 'frames 30–1498 are shaded as not tracked');
    assert.match(await page.getByTestId('save-status').innerText(), /every edit is written to timeline at once/);
    assert.equal(await page.getByTestId('keyframe').count(), 0);
    await session.screenshot('timeline-01-shot.png');
  });

  it('scrubs the playhead from the ruler, in step with the viewer', async () => {
    const ruler = page.getByTestId('timeline-ruler');
    const box = await ruler.boundingBox();
    assert.ok(box);
    await page.mouse.move(box.x + box.width * 0.25, box.y + 10);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.5, box.y + 10, { steps: 5 });
    await page.mouse.up();
    const frame = await frameShown(page);
    assert.ok(Math.abs(frame - 749) <= 2, `half-way along the ruler is about frame 749 (got ${frame})`);
    assert.equal(await page.getByTestId('timeline-frame').innerText(), `fr ${frame}`);
    await page.locator(`[data-testid=viewer-canvas][data-shown-frame="${frame}"]`).waitFor({ timeout: 30_000 });
    await page.keyboard.press('ArrowRight');
    assert.equal(await page.getByTestId('timeline-frame').innerText(), `fr ${frame + 1}`);
  });

  it('zooms in around the playhead and pans with Shift + wheel', async () => {
    await seek(page, 12);
    const fitPath = await lane(page, 'headYaw').getByTestId('tracked-path').getAttribute('d');
    for (let i = 0; i < 8; i++) await page.getByRole('button', { name: 'Zoom in' }).click();
    const zoomedPath = await lane(page, 'headYaw').getByTestId('tracked-path').getAttribute('d');
    assert.notEqual(zoomedPath, fitPath);
    const labels = await page.getByTestId('timeline-ruler').locator('text').evaluateAll((texts) => texts.map((t) => t.textContent ?? ''));
    assert.ok(labels.length >= 2 && labels.every((l) => /^\d\d:\d\d$/.test(l)), `zoomed in, the ruler labels seconds:frames (${labels.join(' ')})`);
    // Shift + wheel pans; the view stays where it was put even with the playhead out of sight.
    const lanes = await centre(lane(page, 'headPitch').getByTestId('lane-svg'));
    await page.mouse.move(lanes.x, lanes.y);
    await page.keyboard.down('Shift');
    await page.mouse.wheel(0, 800);
    await page.keyboard.up('Shift');
    await page.locator('.playhead').waitFor({ state: 'detached' });
    const panned = await page.getByTestId('timeline-ruler').locator('text').evaluateAll((texts) => texts.map((t) => t.textContent ?? ''));
    assert.notEqual(panned[0], labels[0], 'the ruler moved');
    await page.keyboard.down('Shift');
    await page.mouse.wheel(0, -800);
    await page.keyboard.up('Shift');
    await page.locator('.playhead').waitFor();
    await session.screenshot('timeline-02-zoomed.png');
  });

  it('adds keyframes with Alt+K at the playhead and by double-clicking a lane', async () => {
    await lane(page, 'headYaw').getByRole('button', { name: 'Head yaw', exact: true }).click();
    await seek(page, 8);
    await page.keyboard.press('Alt+k');
    const first = lane(page, 'headYaw').locator('[data-testid=keyframe][data-frame="8"]');
    await first.waitFor();
    assert.equal(await page.getByTestId('speed').innerText(), 'Stopped');
    await page.getByTestId('save-status').getByText(/Autosaved .* to timeline/).waitFor();

    // Double-click the lane at frame 20.
    const svg = lane(page, 'headYaw').getByTestId('lane-svg');
    const a = await centre(first);
    await seek(page, 20);
    const playhead = await centre(page.locator('.playhead'));
    await page.mouse.dblclick(playhead.x, a.y);
    await lane(page, 'headYaw').locator('[data-testid=keyframe][data-frame="20"]').waitFor();
    assert.equal(await lane(page, 'headYaw').getByTestId('keyframe').count(), 2);
    // Adding keys keeps the curve where it was.
    assert.equal(await svg.getByTestId('edited-path').getAttribute('d'), await svg.getByTestId('tracked-path').getAttribute('d'));
    await page.getByTestId('history-button').click();
    assert.deepEqual(await page.getByTestId('history-list').locator('li').allInnerTexts(), ['Add keyframe on Head yaw', 'Add keyframe on Head yaw']);
    await page.getByTestId('history-button').click();
  });

  it('K only stops: L, K, K with a lane selected leaves no new keys (issue 13)', async () => {
    await seek(page, 2);
    const keys = await page.getByTestId('keyframe').count();
    const edits = (await session.backend.api.call('edit.history', {})).undo.length;
    await page.keyboard.press('l');
    await page.getByTestId('speed').getByText('▶ 1×').waitFor();
    await page.waitForTimeout(300);
    await page.keyboard.press('k');
    await page.keyboard.press('k');
    assert.equal(await page.getByTestId('speed').innerText(), 'Stopped');
    await page.waitForTimeout(2500);
    assert.equal(await page.getByTestId('keyframe').count(), keys, 'no stray keys appear');
    assert.equal((await session.backend.api.call('edit.history', {})).undo.length, edits, 'no edit was made');
  });

  it('drags a keyframe in value and time: one history step on release, the edited curve and the inspector follow', async () => {
    const key = lane(page, 'headYaw').locator('[data-testid=keyframe][data-frame="20"]');
    const yawBefore = await inspectorValue(page, 'headYaw');
    const from = await centre(key);
    const pxPerFrame = (await centre(lane(page, 'headYaw').locator('[data-testid=keyframe][data-frame="20"]'))).x - (await centre(lane(page, 'headYaw').locator('[data-testid=keyframe][data-frame="8"]'))).x;
    const perFrame = pxPerFrame / 12;
    await page.mouse.move(from.x, from.y);
    await page.mouse.down();
    await page.mouse.move(from.x + perFrame * 2, from.y - 8, { steps: 4 });
    await page.mouse.move(from.x + perFrame * 3, from.y - 14, { steps: 4 });
    // Mid-drag nothing is written yet: the history still has two entries.
    assert.equal((await session.backend.api.call('edit.history', {})).undo.length, 2);
    await page.mouse.up();
    const moved = lane(page, 'headYaw').locator('[data-testid=keyframe][data-frame="23"]');
    await moved.waitFor();
    await saved(page);
    const history = await session.backend.api.call('edit.history', {});
    assert.deepEqual(history.undo.map((e) => e.label).at(-1), 'Move keyframe');
    assert.equal(history.undo.length, 3, 'the whole drag is one edit');
    const value = Number(await moved.getAttribute('data-value'));
    assert.ok(value > 0.1, `dragging up raised the key's offset (now ${value}°)`);
    const yaw = lane(page, 'headYaw');
    assert.notEqual(await yaw.getByTestId('edited-path').getAttribute('d'), await yaw.getByTestId('tracked-path').getAttribute('d'), 'the edited curve left the tracked one');
    await seek(page, 23);
    const curves = await session.backend.api.call('edit.curves', { clipId: project.targetId, params: ['headYaw'] });
    const expected = curves.curves[0]?.edited[23] as number;
    const shown = await inspectorValue(page, 'headYaw');
    assert.ok(Math.abs(shown - expected) < 0.06, `the inspector shows the edited value at the playhead (${shown} vs ${expected})`);
    assert.ok(Math.abs(shown - (curves.curves[0]?.tracked[23] as number) - value) < 0.06, 'which is the tracked value plus the key offset');
    assert.notEqual(shown, yawBefore);
    await session.screenshot('timeline-03-dragged.png');
  });

  it('sets per-key interpolation from the context menu', async () => {
    const key = lane(page, 'headYaw').locator('[data-testid=keyframe][data-frame="8"]');
    const { x, y } = await centre(key);
    await page.mouse.click(x, y, { button: 'right' });
    await page.getByTestId('key-menu').getByRole('menuitem', { name: 'Hold' }).click();
    await lane(page, 'headYaw').locator('[data-testid=keyframe][data-frame="8"][data-type="hold"]').waitFor();
    const curves = await session.backend.api.call('edit.curves', { clipId: project.targetId, params: ['headYaw'] });
    assert.equal(curves.curves[0]?.lane?.[15], 0, 'a hold key keeps its value up to the next key');
  });

  it('edits a control in the inspector: typed value lands at the playhead as a key', async () => {
    await seek(page, 15);
    const field = inspector(page, 'jawOpen').getByTestId('inspector-number');
    const before = await inspectorValue(page, 'jawOpen');
    await field.fill(String(Math.round((before + 5) * 10) / 10));
    await field.press('Enter');
    await lane(page, 'jawOpen').locator('[data-testid=keyframe][data-frame="15"]').waitFor();
    await saved(page);
    const after = await inspectorValue(page, 'jawOpen');
    assert.ok(Math.abs(after - (before + 5)) < 0.15, `jaw open at the playhead is now ${after} (was ${before})`);
    assert.equal(await inspector(page, 'jawOpen').getByTestId('inspector-key').getAttribute('aria-pressed'), 'true');
    await session.screenshot('timeline-04-inspector.png');
  });

  it('undoes and redoes with Ctrl+Z / Ctrl+Shift+Z through the project history', async () => {
    await page.keyboard.press('Control+z');
    await lane(page, 'jawOpen').getByTestId('keyframe').waitFor({ state: 'detached' });
    assert.equal((await session.backend.api.call('edit.history', {})).redo[0]?.label, 'Set Jaw open');
    await page.keyboard.press('Control+z');
    await lane(page, 'headYaw').locator('[data-testid=keyframe][data-frame="8"][data-type="linear"]').waitFor();
    await page.keyboard.press('Control+Shift+z');
    await lane(page, 'headYaw').locator('[data-testid=keyframe][data-frame="8"][data-type="hold"]').waitFor();
    await page.keyboard.press('Control+Shift+z');
    await lane(page, 'jawOpen').locator('[data-testid=keyframe][data-frame="15"]').waitFor();
    assert.equal(await page.getByTestId('redo').isDisabled(), true);
  });

  it('box-selects and deletes keys with Delete, and undo brings them back', async () => {
    const svg = lane(page, 'headYaw').getByTestId('lane-svg');
    const box = await svg.boundingBox();
    assert.ok(box);
    const a = await centre(lane(page, 'headYaw').locator('[data-testid=keyframe][data-frame="8"]'));
    const b = await centre(lane(page, 'headYaw').locator('[data-testid=keyframe][data-frame="23"]'));
    await page.mouse.move(a.x - 10, box.y + 2);
    await page.mouse.down();
    await page.mouse.move(b.x + 10, box.y + box.height - 2, { steps: 5 });
    await page.mouse.up();
    assert.equal(await lane(page, 'headYaw').locator('[data-testid=keyframe].selected').count(), 2);
    await page.keyboard.press('Delete');
    await lane(page, 'headYaw').getByTestId('keyframe').first().waitFor({ state: 'detached' });
    assert.equal((await session.backend.api.call('edit.history', {})).undo.at(-1)?.label, 'Delete 2 keyframes');
    await page.keyboard.press('Control+z');
    await lane(page, 'headYaw').locator('[data-testid=keyframe][data-frame="23"]').waitFor();
    assert.equal(await lane(page, 'headYaw').getByTestId('keyframe').count(), 2);
  });

  it('binds a tracked source and drags its block to a new offset (committed on release)', async () => {
    await seek(page, 0);
    await page.getByTestId('zoom-fit').click();
    await page.getByRole('button', { name: '+ Bind' }).click();
    await page.getByTestId('bind-source').selectOption({ label: 'source-wda-aoc-512.mp4' });
    await page.getByRole('button', { name: 'Bind at playhead' }).click();
    const block = page.getByTestId('binding-block');
    await block.waitFor();
    assert.equal(await block.getAttribute('data-offset'), '0');
    const start = await centre(block);
    const pxPerFrame = (await page.getByTestId('timeline-ruler').boundingBox())!.width / 1499;
    await page.mouse.move(start.x, start.y);
    await page.mouse.down();
    await page.mouse.move(start.x + pxPerFrame * 10, start.y, { steps: 5 });
    assert.equal((await session.backend.api.call('edit.shot', { clipId: project.targetId })).bindings[0]?.offset, 0, 'nothing written mid-drag');
    await page.mouse.up();
    await page.locator('[data-testid=binding-block][data-offset="10"]').waitFor();
    assert.equal((await session.backend.api.call('edit.shot', { clipId: project.targetId })).bindings[0]?.offset, 10);
    await session.screenshot('timeline-05-binding.png');
  });

  it('keeps everything after a reload: the edits were written to the project file as they were made', async () => {
    const keysBefore = await page.getByTestId('keyframe').evaluateAll((keys) => keys.map((k) => `${k.closest('[data-param]')?.getAttribute('data-param')}@${k.getAttribute('data-frame')}=${k.getAttribute('data-value')}`));
    await page.reload();
    await page.locator('[data-testid=keyframe]').first().waitFor();
    const keysAfter = await page.getByTestId('keyframe').evaluateAll((keys) => keys.map((k) => `${k.closest('[data-param]')?.getAttribute('data-param')}@${k.getAttribute('data-frame')}=${k.getAttribute('data-value')}`));
    assert.deepEqual(keysAfter, keysBefore);
    assert.equal(await page.getByTestId('binding-block').getAttribute('data-offset'), '10');
    await page.getByTestId('history-button').click();
    assert.equal((await page.getByTestId('history-list').locator('li').allInnerTexts())[0], 'Move source binding');
    await session.screenshot('timeline-06-reloaded.png');
    await page.getByTestId('history-button').click();
  });

  it('lists the editing shortcuts in the help overlay, and the page logged no errors', async () => {
    await page.keyboard.press('?');
    const help = await page.getByRole('dialog', { name: 'Keyboard shortcuts' }).innerText();
    for (const text of ['Ctrl + Z', 'Ctrl + Shift + Z', 'Delete', 'Double-click a lane', 'Alt + K', 'Key the selected lane']) assert.ok(help.includes(text), `help lists ${text}`);
    await page.keyboard.press('Escape');
    assert.deepEqual(session.problems, []);
  });
});
