import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { importClip } from '../../src-main/engine/project/import-clip.js';
import { Project } from '../../src-main/engine/project/project.js';
import { trackClip } from '../../src-main/engine/track/track-clip.js';
import { createModel } from '../../src-main/engine/translate/checkpoint-store.js';
import { presetConfig } from '../../src-main/engine/translate/config.js';
import { openBrowserSession, type BrowserSession } from './helpers/browser-session.js';
import { media, tempDir } from '../helpers/paths.js';

/** A project whose first clip (id 1) is the tedlieu target, tracked over frames 0–4; `withModel`: it has one (untrained) model. */
async function makeProject(file: string, withModel: boolean): Promise<number> {
  const project = Project.create(file);
  try {
    const { clip } = await importClip(project, media('target-tedlieu-256.mp4'), 'target');
    await trackClip(project, { clipId: clip.id, range: { start: 0, end: 4 } });
    if (withModel) createModel(project, { clipId: clip.id, name: 'only in A', config: presetConfig('cpu-tiny'), data: {} });
    return clip.id;
  } finally {
    project.close();
  }
}

describe('project switch in Chromium (issue 13: state keyed only by clip id)', () => {
  const temp = tempDir('dvp-e2e-switch-');
  const fileA = path.join(temp.dir, 'a.dvp');
  const fileB = path.join(temp.dir, 'b.dvp');
  let session: BrowserSession;
  let page: Page;

  before(async () => {
    const idA = await makeProject(fileA, true);
    const idB = await makeProject(fileB, false);
    assert.equal(idA, idB, 'both projects have a clip with the same id');
    session = await openBrowserSession(temp.dir);
    page = session.page;
    await session.backend.api.call('project.open', { file: fileA });
    await page.goto(session.server.url);
  });

  after(async () => {
    await session?.close();
    temp.cleanup();
  });

  it("shows project B's models in the Training tab after A's, not A's", async () => {
    await page.getByTestId('tab-training').click();
    await page.getByTestId('train-model').waitFor({ timeout: 20_000 });
    assert.equal(await page.getByTestId('train-model').locator('option').count(), 1, "project A's model is listed");

    await session.backend.api.call('project.open', { file: fileB });
    await page.getByTestId('training-panel').waitFor();
    // B has no model: the picker goes away once B's overview is shown.
    await page.getByTestId('train-model').waitFor({ state: 'detached', timeout: 20_000 });
    await page.waitForTimeout(2500);
    assert.equal(await page.getByTestId('train-model').count(), 0, "project A's model is not shown for project B");
    assert.deepEqual(session.problems, []);
  });
});
