import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { tempDir } from '../helpers/paths.js';
import { openProjectInBrowser, type BrowserSession } from './helpers/browser-session.js';
import { canvasPixels, difference } from './helpers/canvas.js';
import { editProjectFile, lookAside, makeEditProject, type EditProject } from './helpers/edit-project.js';

describe('viewer: the region composite mask in Chromium', () => {
  const temp = tempDir('dvp-e2e-mask-');
  let project: EditProject;
  let session: BrowserSession;
  let page: Page;

  before(async () => {
    project = await makeEditProject(path.join(temp.dir, 'mask.dvp'), { trackedLast: 29 });
    // Look aside over frames 11–19.
    editProjectFile(project.file, lookAside(project.targetId, 11, 19));
    session = await openProjectInBrowser(temp.dir, project.file);
    page = session.page;
    await page.locator('[data-testid=viewer-canvas][data-shown-frame="0"]').waitFor({ timeout: 60_000 });
  });

  after(async () => {
    await session?.close();
    temp.cleanup();
  });

  it('tints what a region render replaces: nothing on an unedited frame, the eyes under a gaze edit', async () => {
    const plain0 = await canvasPixels(page);
    await page.getByTestId('overlay-mask').click();
    await page.locator('[data-testid=viewer-canvas][data-mask-frame="0"]').waitFor({ timeout: 60_000 });
    assert.equal(await page.getByTestId('mask-regions').innerText(), 'mask: none (plate)');
    const unedited = difference(plain0, await canvasPixels(page));
    assert.ok(unedited.magenta < 20, `an unedited frame shows no mask (${unedited.magenta} tinted px; ${unedited.changed} changed with the badge text)`);

    for (let i = 0; i < 15; i++) await page.keyboard.press('ArrowRight');
    await page.locator('[data-testid=viewer-canvas][data-shown-frame="15"][data-mask-frame="15"]').waitFor({ timeout: 60_000 });
    assert.equal(await page.getByTestId('mask-regions').innerText(), 'mask: eyes');
    const masked = await canvasPixels(page);
    await session.screenshot('mask-01-gaze.png');
    await page.getByTestId('overlay-mask').click();
    await page.locator('[data-testid=overlay-mask][aria-pressed=false]').waitFor();
    await page.waitForTimeout(200);
    const plain = await canvasPixels(page);
    const { changed, magenta } = difference(plain, masked);
    assert.ok(changed > 1500, `the eye region is tinted (${changed} px)`);
    assert.ok(magenta > 0.9 * changed, `in the mask colour (${magenta} of ${changed} px)`);
    // Only around the eyes: the tint stays in the upper part of the face (tinted pixels only: the
    // mask badge's text changes pixels too, at the top of the canvas).
    let lowest = 0;
    let highest = masked.height;
    for (let y = 0; y < masked.height; y++) {
      for (let x = 0; x < masked.width; x++) {
        const i = 4 * (y * masked.width + x);
        const [dr, dg, db] = [masked.data[i]! - plain.data[i]!, masked.data[i + 1]! - plain.data[i + 1]!, masked.data[i + 2]! - plain.data[i + 2]!];
        if (Math.max(Math.abs(dr), Math.abs(dg), Math.abs(db)) > 24 && dr > dg && db > dg) {
          lowest = Math.max(lowest, y);
          highest = Math.min(highest, y);
        }
      }
    }
    assert.ok(lowest - highest < masked.height * 0.45, `a band around the eyes, not the whole face (rows ${highest}-${lowest} of ${masked.height})`);
  });
});
