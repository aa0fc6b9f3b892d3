import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { PNG } from 'pngjs';
import { build } from 'vite';
import { importClip } from '../../src-main/engine/project/import-clip.js';
import { Project } from '../../src-main/engine/project/project.js';
import { startServer, type RunningServer } from '../../src-main/server/server.js';
import { startTestBackend, type TestBackend } from '../helpers/engine-host.js';
import { media, REPO_ROOT, tempDir } from '../helpers/paths.js';

const SHOTS = path.join(REPO_ROOT, 'test-output', 'e2e');
const CHROMIUM_FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** Variance of the canvas's pixels: a drawn frame has detail, an empty viewer is flat grey. */
async function canvasDetail(page: Page): Promise<number> {
  const png = PNG.sync.read(await page.locator('[data-testid=viewer-canvas]').screenshot());
  let sum = 0;
  let sumSq = 0;
  const n = png.width * png.height;
  for (let i = 0; i < png.data.length; i += 4) {
    const luma = 0.2126 * png.data[i]! + 0.7152 * png.data[i + 1]! + 0.0722 * png.data[i + 2]!;
    sum += luma;
    sumSq += luma * luma;
  }
  return sumSq / n - (sum / n) ** 2;
}

async function shownFrame(page: Page, frame: number): Promise<void> {
  await page.locator(`[data-testid=viewer-canvas][data-shown-frame="${frame}"]`).waitFor({ timeout: 60_000 });
}

describe('editor UI in Chromium against browser mode', () => {
  const temp = tempDir('dvp-e2e-');
  const projectFile = path.join(temp.dir, 'e2e.dvp');
  let backend: TestBackend;
  let server: RunningServer;
  let context: BrowserContext;
  let page: Page;
  const problems: string[] = [];

  before(async () => {
    mkdirSync(SHOTS, { recursive: true });
    const uiDir = path.join(temp.dir, 'ui');
    process.env.DVP_UI_OUT = uiDir;
    await build({ configFile: path.join(REPO_ROOT, 'src-renderer', 'vite.config.ts'), logLevel: 'error' });
    delete process.env.DVP_UI_OUT;

    // A project made the way `dvp new` + `dvp import` make it.
    const project = Project.create(projectFile);
    await importClip(project, media('target-obama-weekly-address-450.mp4'), 'target');
    await importClip(project, media('source-wda-aoc-512.mp4'), 'source');
    project.close();

    backend = await startTestBackend(path.join(temp.dir, 'config'));
    server = await startServer({ host: backend.host, uiDir, configDir: path.join(temp.dir, 'config'), version: 'e2e' });
    context = await chromium.launchPersistentContext(path.join(temp.dir, 'chromium-profile'), {
      executablePath: '/usr/bin/chromium',
      args: CHROMIUM_FLAGS,
      headless: true,
      viewport: { width: 1440, height: 860 },
    });
    page = await context.newPage();
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(`console: ${message.text()}`);
    });
  });

  after(async () => {
    await context?.close();
    await server?.close();
    await backend?.stop();
    temp.cleanup();
  });

  it('shows the start screen with no project open', async () => {
    await page.goto(server.url);
    assert.equal(new URL(page.url()).search, '', 'the token left the address bar');
    await page.getByTestId('start-screen').waitFor();
    assert.match(await page.getByTestId('start-screen').innerText(), /No recent projects yet/);
    await page.getByTestId('engine-status').getByText('Engine ready').waitFor();
    await page.screenshot({ path: path.join(SHOTS, '01-start.png') });
  });

  it('opens a project made by the CLI through the in-app file browser', async () => {
    await page.getByRole('button', { name: 'Open project…' }).click();
    const dialog = page.getByTestId('file-dialog');
    await dialog.waitFor();
    await page.getByTestId('dialog-folder').fill(temp.dir);
    await page.getByTestId('dialog-folder').press('Enter');
    await dialog.getByRole('button', { name: /e2e\.dvp/ }).click();
    await page.screenshot({ path: path.join(SHOTS, '02-open-dialog.png') });
    await page.getByTestId('dialog-confirm').click();
    await page.getByTestId('clip-list').waitFor();
    assert.equal(await page.getByTestId('project-name').innerText(), 'e2e');
    const items = page.getByTestId('clip-item');
    assert.equal(await items.count(), 2);
    assert.match(await items.nth(0).innerText(), /target[\s\S]*target-obama-weekly-address-450\.mp4[\s\S]*450×450 · 25 fps · 00:00:20:00 · 500 fr[\s\S]*not tracked/i);
    assert.match(await items.nth(1).innerText(), /source[\s\S]*source-wda-aoc-512\.mp4/i);
  });

  it('draws the first frame of the target in the viewer', async () => {
    await shownFrame(page, 0);
    assert.ok((await canvasDetail(page)) > 100, 'the viewer shows a picture, not an empty surround');
    assert.equal(await page.getByTestId('timecode').innerText(), '00:00:00:00');
    await page.screenshot({ path: path.join(SHOTS, '03-viewer.png') });
  });

  it('steps frames with the arrow keys and jumps with Home/End, timecode following', async () => {
    for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowRight');
    await shownFrame(page, 3);
    assert.equal(await page.getByTestId('timecode').innerText(), '00:00:00:03');
    await page.keyboard.press('Shift+ArrowRight');
    await shownFrame(page, 13);
    await page.keyboard.press('End');
    await shownFrame(page, 499);
    assert.equal(await page.getByTestId('timecode').innerText(), '00:00:19:24');
    assert.match(await page.getByTestId('frame-number').innerText(), /fr 499 \/ 499/);
    await page.keyboard.press('Home');
    await shownFrame(page, 0);
  });

  it('plays with L, speeds up with a second L, stops with K', async () => {
    await page.keyboard.press('l');
    await page.getByTestId('speed').getByText('▶ 1×').waitFor();
    await page.keyboard.press('l');
    await page.getByTestId('speed').getByText('▶ 2×').waitFor();
    await page.waitForTimeout(1500);
    await page.keyboard.press('k');
    await page.getByTestId('speed').getByText('Stopped').waitFor();
    const frame = Number(/fr (\d+)/.exec(await page.getByTestId('frame-number').innerText())?.[1]);
    assert.ok(frame >= 25, `playback at 2× advanced the playhead (now at ${frame})`);
    await shownFrame(page, frame);
    await page.screenshot({ path: path.join(SHOTS, '04-after-playback.png') });
    await page.keyboard.press('j');
    await page.getByTestId('speed').getByText('◀ 1×').waitFor();
    await page.keyboard.press('k');
  });

  it('imports a clip with a role through the file browser', async () => {
    await page.getByRole('button', { name: 'Import clip…' }).first().click();
    await page.getByTestId('file-dialog').waitFor();
    await page.getByTestId('dialog-folder').fill(path.dirname(media('source-wda-edmarkey-512.mp4')));
    await page.getByTestId('dialog-folder').press('Enter');
    await page.getByTestId('file-dialog').getByRole('button', { name: /source-wda-edmarkey-512\.mp4/ }).click();
    await page.getByTestId('dialog-role').selectOption('source');
    await page.getByTestId('dialog-confirm').click();
    await page.getByTestId('file-dialog').waitFor({ state: 'detached' });
    assert.equal(await page.getByTestId('clip-item').count(), 3);
    assert.match(await page.getByTestId('clip-item').nth(2).innerText(), /source[\s\S]*edmarkey/i);
    await shownFrame(page, 0);
  });

  it('starts a proxy export job and cancels it from the jobs panel', async () => {
    await page.getByTestId('clip-item').nth(0).click();
    await page.getByRole('button', { name: 'Export H.264 proxy' }).click();
    const job = page.getByTestId('job-item').first();
    await job.and(page.locator('[data-status=running]')).waitFor({ timeout: 60_000 });
    await page.screenshot({ path: path.join(SHOTS, '05-job-running.png') });
    await job.getByRole('button', { name: 'Cancel' }).click();
    await job.and(page.locator('[data-status=cancelled]')).waitFor({ timeout: 60_000 });
    assert.match(await job.innerText(), /cancelled/);
  });

  it('lists the shortcuts in a help overlay', async () => {
    await page.keyboard.press('?');
    const help = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
    await help.waitFor();
    assert.match(await help.innerText(), /Play forward; again for 2×, 4×, 8×/);
    await page.screenshot({ path: path.join(SHOTS, '06-help.png') });
    await page.keyboard.press('Escape');
    await help.waitFor({ state: 'detached' });
  });

  it('ran without page errors or Content-Security-Policy violations', () => {
    assert.deepEqual(problems, []);
  });
});
