import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { PNG } from 'pngjs';
import { importClip } from '../../src-main/engine/project/import-clip.js';
import { Project } from '../../src-main/engine/project/project.js';
import { media, tempDir } from '../helpers/paths.js';
import { openBrowserSession, type BrowserSession } from './helpers/browser-session.js';

/** The viewer canvas as RGBA pixels. */
async function canvasPixels(page: Page): Promise<PNG> {
  return PNG.sync.read(await page.getByTestId('viewer-canvas').screenshot());
}

/** Pixels that differ by more than `threshold` in some channel. */
function changedPixels(a: PNG, b: PNG, threshold = 40): number {
  assert.equal(a.data.length, b.data.length);
  let n = 0;
  for (let i = 0; i < a.data.length; i += 4) {
    if (Math.abs(a.data[i]! - b.data[i]!) > threshold || Math.abs(a.data[i + 1]! - b.data[i + 1]!) > threshold || Math.abs(a.data[i + 2]! - b.data[i + 2]!) > threshold) n++;
  }
  return n;
}

/** Pixels of the canvas in a column band [x0, x1) (fractions of the width) that are not the dark surround. */
function litPixels(png: PNG, x0: number, x1: number): number {
  let n = 0;
  for (let y = 0; y < png.height; y++) {
    for (let x = Math.floor(x0 * png.width); x < Math.floor(x1 * png.width); x++) {
      const i = 4 * (y * png.width + x);
      if (png.data[i]! + png.data[i + 1]! + png.data[i + 2]! > 90) n++;
    }
  }
  return n;
}

async function canvasState(page: Page, attribute: string, frame: number): Promise<void> {
  await page.locator(`[data-testid=viewer-canvas][data-${attribute}="${frame}"]`).waitFor({ timeout: 90_000 });
}

describe('pipeline UI in Chromium: tracking, overlays, compare, training, render', () => {
  const temp = tempDir('dvp-e2e-pipeline-');
  const projectFile = path.join(temp.dir, 'pipeline.dvp');
  let session: BrowserSession;
  let page: Page;

  before(async () => {
    const project = Project.create(projectFile);
    await importClip(project, media('target-obama-weekly-address-450.mp4'), 'target');
    project.close();
    session = await openBrowserSession(temp.dir);
    page = session.page;
    await session.backend.api.call('project.open', { file: projectFile });
    await page.goto(session.server.url);
    await page.getByTestId('clip-list').waitFor();
    await page.locator('[data-testid=viewer-canvas][data-shown-frame="0"]').waitFor({ timeout: 60_000 });
  });

  after(async () => {
    await session?.close();
    temp.cleanup();
  });

  it('tracks a short range from the tracking panel, with progress and a per-frame status strip', async () => {
    await page.getByTestId('tab-tracking').click();
    const panel = page.getByTestId('tracking-panel');
    assert.match(await panel.getByTestId('tracked-count').innerText(), /^0 \/ 500$/);
    await page.getByTestId('track-first').fill('0');
    await page.getByTestId('track-last').fill('19');
    await page.getByTestId('track-range').click();
    await panel.getByTestId('job-progress').waitFor({ timeout: 30_000 });
    await session.screenshot('pipeline-01-tracking.png');
    await panel.getByTestId('tracked-count').getByText('20 / 500').waitFor({ timeout: 120_000 });
    await panel.getByTestId('job-progress').waitFor({ state: 'detached' });
    assert.match(await page.getByTestId('clip-item').first().innerText(), /tracked 4 %/);
    assert.ok((await page.getByTestId('track-strip').locator('rect').count()) >= 3, 'the strip shows tracked and untracked runs and the playhead');
  });

  it('draws the mesh, landmark and gaze overlays from the tracked data over the frame', async () => {
    for (let i = 0; i < 5; i++) await page.keyboard.press('ArrowRight');
    await canvasState(page, 'shown-frame', 5);
    const plain = await canvasPixels(page);
    await page.getByTestId('overlay-mesh').click();
    await page.getByTestId('overlay-landmarks').click();
    await page.getByTestId('overlay-gaze').click();
    await canvasState(page, 'overlay-frame', 5);
    assert.equal(await page.getByTestId('frame-track-state').innerText(), 'tracked');
    const overlaid = await canvasPixels(page);
    const changed = changedPixels(plain, overlaid);
    assert.ok(changed > 2000, `the overlays changed ${changed} pixels of the picture`);
    let green = 0;
    for (let i = 0; i < overlaid.data.length; i += 4) if (overlaid.data[i + 1]! > 180 && overlaid.data[i]! < 170 && overlaid.data[i + 2]! < 190 && overlaid.data[i + 1]! - overlaid.data[i]! > 40) green++;
    assert.ok(green > 300, `mesh lines are drawn in green (${green} px)`);
    await session.screenshot('pipeline-02-overlays.png');
    // Shift+O toggles every overlay off again: the picture returns to the plain frame.
    await page.keyboard.press('Shift+O');
    await page.locator('[data-testid=overlay-mesh][aria-pressed=false]').waitFor();
    const off = await canvasPixels(page);
    assert.ok(changedPixels(plain, off) < changed / 20, 'overlays off leaves the plain frame');
    await page.keyboard.press('Shift+O');
  });

  it("compares the original with the engine's conditioning images side by side and with a draggable wipe", async () => {
    await page.getByTestId('compare-side-by-side').click();
    await canvasState(page, 'condition-frame', 5);
    const labels = await page.getByTestId('pane-label').allInnerTexts();
    assert.deepEqual(labels, ['Original', 'Conditioning: Diffuse colour', 'Synthesized']);
    await page.getByTestId('pane-status').getByText(/no trained model/).waitFor({ timeout: 60_000 });
    const sideBySide = await canvasPixels(page);
    assert.ok(litPixels(sideBySide, 0.36, 0.64) > 1500, 'the middle pane shows the rendered face');
    await page.getByTestId('condition-kind').selectOption('correspondence');
    await page.getByTestId('pane-label').nth(1).getByText('Conditioning: Correspondence').waitFor();
    await page.waitForTimeout(300);
    assert.ok(changedPixels(sideBySide, await canvasPixels(page)) > 1000, 'the correspondence image replaces the colour image');
    await session.screenshot('pipeline-03-side-by-side.png');

    await page.getByTestId('compare-wipe').click();
    const handle = page.getByTestId('wipe-handle');
    await handle.waitFor();
    assert.equal(await handle.getAttribute('aria-valuenow'), '50');
    const box = await page.getByTestId('viewer-canvas').boundingBox();
    const grip = await handle.boundingBox();
    assert.ok(box && grip);
    await page.mouse.move(grip.x + grip.width / 2, grip.y + grip.height / 2);
    await page.mouse.down();
    await page.mouse.move(grip.x - 120, grip.y + grip.height / 2, { steps: 6 });
    await page.mouse.up();
    const position = Number(await handle.getAttribute('aria-valuenow'));
    assert.ok(position < 40 && position > 5, `the wipe moved left to ${position} %`);
    await session.screenshot('pipeline-04-wipe.png');
  });

  it('starts a tiny training (cpu-tiny), shows progress and losses, pauses it at a checkpoint with a preview', async () => {
    await page.getByTestId('tab-training').click();
    const panel = page.getByTestId('training-panel');
    await page.getByTestId('train-preset').selectOption('cpu-tiny');
    // The backend is chosen explicitly, so the run does not depend on whether this machine built the native addon.
    await page.getByTestId('train-backend').selectOption('wasm');
    await page.getByTestId('train-steps').fill('300');
    await page.getByTestId('train-checkpoint-every').fill('2');
    await page.getByTestId('train-preview-every').fill('2');
    await page.getByTestId('train-start').click();
    const progress = panel.getByTestId('job-progress');
    await progress.waitFor({ timeout: 30_000 });
    const counter = progress.locator('.mono');
    const deadline = Date.now() + 120_000;
    while (Number(/^(\d+) \/ 300/.exec((await counter.innerText()).trim())?.[1] ?? 0) < 4) {
      assert.ok(Date.now() < deadline, 'training reached step 4 within two minutes');
      await page.waitForTimeout(250);
    }
    // The overview names the backend once the engine has chosen it (refreshed on the job's events).
    await panel.getByTestId('training-backend').filter({ hasText: /^wasm$/ }).waitFor({ timeout: 30_000 });
    assert.match(await panel.getByTestId('training-backend-reason').innerText(), /wasm .*as requested/);
    // While training runs the viewer still answers: stepping shows the next frame.
    await page.keyboard.press('ArrowRight');
    await canvasState(page, 'shown-frame', 6);
    await panel.getByTestId('loss-plot').first().locator('polyline').waitFor({ timeout: 30_000 });
    await session.screenshot('pipeline-05-training.png');
    await page.getByTestId('train-pause').click();
    await panel.getByTestId('train-paused').waitFor({ timeout: 60_000 });
    await panel.getByTestId('checkpoint-list').waitFor({ timeout: 30_000 });
    const rows = await panel.getByTestId('checkpoint-list').locator('tbody tr').allInnerTexts();
    assert.ok(rows.length >= 1 && Number(rows[0]!.split(/\s/)[0]) >= 4, `the newest checkpoint is the step reached (${rows[0]})`);
    await panel.getByTestId('train-preview').waitFor({ timeout: 30_000 });
    assert.ok(await panel.getByTestId('train-resume').isVisible(), 'a paused model can be resumed');
    await session.screenshot('pipeline-06-training-paused.png');
  });

  it('shows the synthesized frame beside the original and the conditioning', async () => {
    await page.getByTestId('compare-side-by-side').click();
    await canvasState(page, 'synth-frame', 6);
    assert.match(await page.getByTestId('pane-label').nth(2).innerText(), /Synthesized \(model 1 · step \d+\)/);
    const panes = await canvasPixels(page);
    assert.ok(litPixels(panes, 0.7, 1) > 5000, 'the synthesized pane shows a picture');
    await session.screenshot('pipeline-07-synthesized.png');
    await page.getByTestId('compare-single').click();
  });

  it('renders a short range with a preset, no sound, and offers the file for download', async () => {
    await page.getByTestId('tab-render').click();
    await page.getByTestId('render-format-h264').check();
    await page.getByTestId('render-first').fill('0');
    await page.getByTestId('render-last').fill('9');
    await page.getByTestId('render-audio').selectOption('none');
    const output = await page.getByTestId('render-output').inputValue();
    assert.equal(output, path.join(temp.dir, 'renders', 'target-obama-weekly-address-450_0-9.mp4'));
    await page.getByTestId('render-start').click();
    const item = page.getByTestId('render-item').first();
    await item.and(page.locator('[data-status=succeeded]')).waitFor({ timeout: 120_000 });
    assert.match(await item.innerText(), /10 frames \(10 synthesized\) · TC 00:00:00:00 · no sound/);
    assert.equal(await item.getByTestId('render-path').innerText(), output);
    const href = await item.getByTestId('render-download').getAttribute('href');
    assert.ok(href);
    const downloaded = await page.evaluate(async (url) => (await (await fetch(url)).arrayBuffer()).byteLength, href);
    assert.equal(downloaded, statSync(output).size);
    await session.screenshot('pipeline-08-render.png');
  });

  it('ran without page errors or Content-Security-Policy violations', () => {
    assert.deepEqual(session.problems, []);
  });
});
