import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { importClip } from '../../src-main/engine/project/import-clip.js';
import { Project } from '../../src-main/engine/project/project.js';
import { openBrowserSession, type BrowserSession } from './helpers/browser-session.js';
import { media, tempDir } from '../helpers/paths.js';

function shown(page: Page): Promise<string | null> {
  return page.getByTestId('viewer-canvas').getAttribute('data-shown-frame');
}

describe('viewer playback in Chromium (issue 13: playback never freezes)', () => {
  const temp = tempDir('dvp-e2e-playback-');
  let session: BrowserSession;
  let page: Page;

  before(async () => {
    const file = path.join(temp.dir, 'playback.dvp');
    const project = Project.create(file);
    try {
      await importClip(project, media('target-tedlieu-256.mp4'), 'target');
    } finally {
      project.close();
    }
    session = await openBrowserSession(temp.dir);
    page = session.page;
    await session.backend.api.call('project.open', { file });
    await page.goto(session.server.url);
    await page.locator('[data-testid=viewer-canvas][data-shown-frame="0"]').waitFor({ timeout: 60_000 });
  });

  after(async () => {
    await session?.close();
    temp.cleanup();
  });

  it('shows the latest decoded frame while playing instead of waiting for the newest (the picture moves within 2 s)', async () => {
    await page.keyboard.press('Home');
    const before = await page.getByTestId('viewer-canvas').screenshot();
    await page.keyboard.press('l');
    const seen: string[] = [];
    const started = Date.now();
    while (Date.now() - started < 2000) {
      seen.push((await shown(page)) ?? '');
      await page.waitForTimeout(100);
    }
    const after = await page.getByTestId('viewer-canvas').screenshot();
    await page.keyboard.press('k');
    const distinct = new Set(seen);
    assert.ok(distinct.size >= 4, `the picture changes several times in 2 s of playback (frames shown: ${[...distinct].join(', ')})`);
    const numbers = seen.map(Number);
    for (let i = 1; i < numbers.length; i++) assert.ok(numbers[i]! >= numbers[i - 1]!, 'playing forward, the picture never steps back');
    assert.ok(!before.equals(after), 'the canvas shows a different picture after 2 s of playback');
    assert.equal(await page.getByTestId('speed').innerText(), 'Stopped');
    assert.deepEqual(session.problems, []);
  });
});
