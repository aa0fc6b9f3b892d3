import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { importClip } from '../../src-main/engine/project/import-clip.js';
import { Project } from '../../src-main/engine/project/project.js';
import { trackClip } from '../../src-main/engine/track/track-clip.js';
import { openBrowserSession, type BrowserSession } from './helpers/browser-session.js';
import { media, tempDir } from '../helpers/paths.js';

describe('inspector in Chromium (issue 13: a value that failed to save stayed displayed)', () => {
  const temp = tempDir('dvp-e2e-inspector-');
  const file = path.join(temp.dir, 'shot.dvp');
  let session: BrowserSession;
  let page: Page;

  before(async () => {
    const project = Project.create(file);
    try {
      const { clip } = await importClip(project, media('target-tedlieu-256.mp4'), 'target');
      await trackClip(project, { clipId: clip.id, range: { first: 0, last: 4 } });
    } finally {
      project.close();
    }
    session = await openBrowserSession(temp.dir);
    page = session.page;
    // Read-only: every edit is refused by the engine, as a save that fails would be.
    await session.backend.api.call('project.open', { file, readonly: true });
    await page.goto(session.server.url);
  });

  after(async () => {
    await session?.close();
    temp.cleanup();
  });

  it('shows the stored value again after the engine refused the new one', async () => {
    const row = page.locator('[data-testid="inspector-row"][data-param="headYaw"]');
    const number = row.getByTestId('inspector-number');
    await number.waitFor({ timeout: 30_000 });
    const stored = await number.inputValue();
    const storedSlider = await row.getByTestId('inspector-slider').inputValue();
    assert.notEqual(stored, '');
    const typed = String(Math.round(Number(stored)) + 17);

    await number.fill(typed);
    await number.press('Enter');
    await page.getByTestId('notice-error').filter({ hasText: 'read-only' }).waitFor({ timeout: 10_000 });
    for (let i = 0; i < 50 && (await number.inputValue()) !== stored; i++) await page.waitForTimeout(100);
    assert.equal(await number.inputValue(), stored, 'the number shows the stored value again');
    assert.equal(await row.getByTestId('inspector-slider').inputValue(), storedSlider);
    assert.equal((await session.backend.api.call('edit.history', {})).undo.length, 0, 'nothing was written');
    assert.deepEqual(session.problems, []);
  });
});
