import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { REPO_ROOT, tempDir } from '../helpers/paths.js';
import { buildRenderFixture, type RenderFixture } from '../render/fixture.js';
import { openProjectInBrowser, type BrowserSession } from './helpers/browser-session.js';
import { canvasPixels, difference } from './helpers/canvas.js';
import { editProjectFile, lookAside } from './helpers/edit-project.js';

const canvas = (page: Page) => page.getByTestId('viewer-canvas');

async function attribute(page: Page, name: string): Promise<string> {
  return (await canvas(page).getAttribute(name)) ?? '';
}

describe('viewer Result view in Chromium (issue 13: full-size result, A/B, mask overlay, result playback)', () => {
  const temp = tempDir('dvp-e2e-result-');
  let fixture: RenderFixture;
  let session: BrowserSession;
  let page: Page;

  before(async () => {
    fixture = await buildRenderFixture(temp.dir);
    // Look aside over frames 5–15, so the composite mask covers the eyes there.
    editProjectFile(fixture.projectFile, lookAside(fixture.targetId, 5, 15));
    session = await openProjectInBrowser(temp.dir, fixture.projectFile);
    page = session.page;
    await page.locator('[data-testid=viewer-canvas][data-shown-frame="0"]').waitFor({ timeout: 60_000 });
  });

  after(async () => {
    await session?.close();
    temp.cleanup();
  });

  it('shows the synthesized frame full size in single view, and A/B switches back to the original', async () => {
    for (let i = 0; i < 8; i++) await page.keyboard.press('ArrowRight');
    await page.locator('[data-testid=viewer-canvas][data-shown-frame="8"]').waitFor({ timeout: 30_000 });
    await page.waitForTimeout(200);
    const original = await canvasPixels(page);

    await page.getByTestId('show-synthesized').click();
    await page.locator('[data-testid=viewer-canvas][data-synth-frame="8"][data-contents="synthesized"]').waitFor({ timeout: 120_000 });
    await page.waitForTimeout(200);
    const result = await canvasPixels(page);
    const { changed } = difference(original, result);
    assert.ok(changed > 500, `the Result view shows the network's face, not the plate (${changed} px differ)`);
    assert.ok(changed < 0.5 * result.width * result.height, `full size, the plate around the face unchanged (${changed} of ${result.width * result.height} px differ)`);
    assert.match(await page.getByTestId('pane-label').innerText(), /Synthesized \(model \d+ · step \d+\)/);
    mkdirSync(path.join(REPO_ROOT, 'test-output'), { recursive: true });
    await page.locator('.viewer').screenshot({ path: path.join(REPO_ROOT, 'test-output', 'result-view.png') });

    await page.getByTestId('show-swap').click();
    await page.locator('[data-testid=viewer-canvas][data-contents="original"]').waitFor();
    assert.equal(await page.getByTestId('show-original').getAttribute('aria-pressed'), 'true');
    await page.waitForTimeout(200);
    assert.ok(difference(original, await canvasPixels(page)).changed < 50, 'A/B: back to the plate');
    await page.getByTestId('show-swap').click();
    await page.locator('[data-testid=viewer-canvas][data-contents="synthesized"]').waitFor();
    await page.waitForTimeout(200);
    assert.ok(difference(result, await canvasPixels(page)).changed < 50, 'A/B again: the result, from the cache at once');

    // The same from the keyboard: A swaps, the number keys pick a view.
    await page.keyboard.press('a');
    await page.locator('[data-testid=viewer-canvas][data-contents="original"]').waitFor();
    await page.keyboard.press('a');
    await page.locator('[data-testid=viewer-canvas][data-contents="synthesized"]').waitFor();
    await page.keyboard.press('3');
    await page.locator('[data-testid=viewer-canvas][data-contents="conditioning"]').waitFor();
    assert.equal(await page.getByTestId('show-conditioning').getAttribute('aria-pressed'), 'true');
    await page.keyboard.press('a');
    await page.locator('[data-testid=viewer-canvas][data-contents="synthesized"]').waitFor();
    await page.keyboard.press('1');
    await page.locator('[data-testid=viewer-canvas][data-contents="original"]').waitFor();
    await page.keyboard.press('2');
    await page.locator('[data-testid=viewer-canvas][data-contents="synthesized"][data-synth-frame="8"]').waitFor();
  });

  it('draws the composite mask over the Result view, and shows it alone as the Mask view', async () => {
    const plain = await canvasPixels(page);
    await page.getByTestId('overlay-mask').click();
    await page.locator('[data-testid=viewer-canvas][data-mask-frame="8"]').waitFor({ timeout: 60_000 });
    await page.waitForTimeout(200);
    const tinted = difference(plain, await canvasPixels(page));
    assert.ok(tinted.changed > 300, `the eyes are tinted over the result (${tinted.changed} px)`);
    assert.ok(tinted.magenta > 0.9 * tinted.changed, `in the mask colour (${tinted.magenta} of ${tinted.changed})`);
    assert.equal(await page.getByTestId('mask-regions').innerText(), 'mask: eyes');
    await page.getByTestId('overlay-mask').click();

    const result = await canvasPixels(page);
    await page.getByTestId('show-mask').click();
    await page.locator('[data-testid=viewer-canvas][data-contents="mask"][data-mask-frame="8"]').waitFor({ timeout: 60_000 });
    await page.waitForTimeout(200);
    const mask = difference(result, await canvasPixels(page));
    assert.ok(mask.white > 300, `the Mask view shows the weights in white (${mask.white} px)`);
    await page.getByTestId('show-synthesized').click();
  });

  it('plays the synthesized result: the Result view advances while playing, from the cache and ahead of the playhead', async () => {
    // Frames 0-6 were never made (the earlier tests stood on frame 8 and made the frames after it).
    const held = Number(await attribute(page, 'data-result-cached'));
    await page.keyboard.press('Home');
    await page.locator('[data-testid=viewer-canvas][data-synth-frame="0"]').waitFor({ timeout: 120_000 });
    // Stopped, the next frames are made ahead of the playhead: frame 0 and at least three after it.
    const counts: number[] = [];
    const deadline = Date.now() + 240_000;
    while (Number(await attribute(page, 'data-result-cached')) < held + 4) {
      counts.push(Number(await attribute(page, 'data-result-cached')));
      assert.ok(Date.now() < deadline, `frames are prefetched while stopped (cached: ${held}, then ${[...new Set(counts)].join(', ')})`);
      await page.waitForTimeout(500);
    }
    await page.keyboard.press('l');
    const seen: number[] = [];
    const started = Date.now();
    while (Date.now() - started < 5000) {
      const frame = await attribute(page, 'data-synth-frame');
      if (frame !== '') seen.push(Number(frame));
      if ((await page.getByTestId('speed').innerText()) === 'Stopped') break;
      await page.waitForTimeout(100);
    }
    await page.keyboard.press('k');
    const distinct = [...new Set(seen)];
    // On a loaded machine the playhead may pass the prefetched frames between two repaints; the picture must still move on.
    assert.ok(distinct.length >= 2 && Math.max(...distinct) > 0, `the result picture changes while playing (result frames shown: ${distinct.join(', ')})`);
    for (let i = 1; i < seen.length; i++) assert.ok(seen[i]! >= seen[i - 1]!, `playing forward, the result never steps back (${seen.join(', ')})`);
    assert.deepEqual(session.problems, []);
  });
});
