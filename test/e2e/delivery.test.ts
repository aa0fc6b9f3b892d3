import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { formatSize } from '../../src-renderer/src/lib/format-size.js';
import { makeEditProject, type EditProject } from './helpers/edit-project.js';
import { openBrowserSession, type BrowserSession } from './helpers/browser-session.js';
import { tempDir } from '../helpers/paths.js';

describe('render panel sizes: a small H.264 file is not "0.0 MB" (issue 13)', () => {
  it('formats bytes, KB, MB and GB', () => {
    assert.equal(formatSize(812), '812 B');
    assert.equal(formatSize(41_000), '40.0 KB');
    assert.equal(formatSize(5_000), '4.88 KB');
    assert.equal(formatSize(3.5 * 1024 * 1024), '3.50 MB');
    assert.equal(formatSize(250 * 1024 * 1024), '250.0 MB');
    assert.equal(formatSize(2 * 1024 ** 3), '2.00 GB');
    assert.notEqual(formatSize(30_000), '0.0 MB');
  });
});

describe('render panel defaults in Chromium (issue 13: delivery)', () => {
  const temp = tempDir('dvp-e2e-delivery-');
  let project: EditProject;
  let session: BrowserSession;
  let page: Page;

  before(async () => {
    // The 1499-frame target tracked over frames 0–29 only.
    project = await makeEditProject(path.join(temp.dir, 'delivery.dvp'), { trackedLast: 29 });
    session = await openBrowserSession(temp.dir);
    page = session.page;
    await session.backend.api.call('project.open', { file: project.file });
    await page.goto(session.server.url);
    await page.getByTestId('tab-render').click();
    await page.getByTestId('render-panel').waitFor();
  });

  after(async () => {
    await session?.close();
    temp.cleanup();
  });

  it('defaults the range to the tracked frames, not the whole clip', async () => {
    await page.locator('[data-testid=render-start]', { hasText: 'Render frames 0–29' }).waitFor({ timeout: 20_000 });
    assert.equal(await page.getByTestId('render-first').inputValue(), '0');
    assert.equal(await page.getByTestId('render-last').inputValue(), String(project.trackedLast));
    assert.match(await page.getByTestId('render-start').innerText(), /Render frames 0–29/);
  });

  it('makes the disabled Render button look disabled', async () => {
    const button = page.getByTestId('render-start');
    assert.equal(await button.isDisabled(), true, 'no trained model: nothing to render');
    const opacity = Number(await button.evaluate((el) => el.ownerDocument.defaultView?.getComputedStyle(el).opacity ?? '1'));
    assert.ok(opacity < 0.6, `a disabled button is dimmed (opacity ${opacity})`);
    assert.deepEqual(session.problems, []);
  });
});
