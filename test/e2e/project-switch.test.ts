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

/** A project whose first clip (id 1) is the tedlieu target, tracked over frames 0–`lastTracked`; `withModel`: it has one (untrained) model. */
async function makeProject(file: string, lastTracked: number, withModel: boolean): Promise<number> {
  const project = Project.create(file);
  try {
    const { clip } = await importClip(project, media('target-tedlieu-256.mp4'), 'target');
    await trackClip(project, { clipId: clip.id, range: { first: 0, last: lastTracked } });
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
  let clipId = 0;

  before(async () => {
    clipId = await makeProject(fileA, 4, true);
    assert.equal(await makeProject(fileB, 9, false), clipId, 'both projects have a clip with the same id');
    session = await openBrowserSession(temp.dir);
    page = session.page;
    await session.backend.api.call('project.open', { file: fileA });
    await session.backend.api.call('edit.apply', { edit: { targetClipId: clipId, label: 'Turn', changes: [{ kind: 'setKey', param: 'headYaw', key: { position: 0, value: 5 } }] } });
    const proxy = await session.backend.api.startJob('transcode', { clipId, output: path.join(temp.dir, 'a-proxy.mp4'), format: 'h264', range: { first: 0, last: 4 } });
    for (let i = 0; i < 300 && (await session.backend.api.call('job.list', {})).find((j) => j.id === proxy.id)?.status !== 'succeeded'; i++) await new Promise((r) => setTimeout(r, 100));
    await page.goto(session.server.url);
  });

  after(async () => {
    await session?.close();
    temp.cleanup();
  });

  /** Waits for the render range's last frame, the tracked default, to read `value`. */
  async function renderLastIs(value: string): Promise<void> {
    const last = page.getByTestId('render-last');
    for (let i = 0; i < 200 && (await last.inputValue()) !== value; i++) await page.waitForTimeout(100);
    assert.equal(await last.inputValue(), value);
  }

  const yawLabel = (): ReturnType<Page['locator']> => page.locator('[data-testid="inspector-row"][data-param="headYaw"] .label');

  /** What each panel shows of the open project: tracked frames, models, the render range, the edited yaw lane. */
  async function panels(): Promise<{ tracked: string; models: number; renderLast: string; yawEdited: boolean }> {
    await page.getByTestId('tab-tracking').click();
    const tracked = ((await page.getByTestId('tracked-count').textContent()) ?? '').trim();
    await page.getByTestId('tab-training').click();
    await page.getByTestId('training-panel').waitFor();
    const models = await page.getByTestId('train-model').locator('option').count();
    await page.getByTestId('tab-render').click();
    const renderLast = await page.getByTestId('render-last').inputValue();
    const yawEdited = ((await yawLabel().getAttribute('class')) ?? '').split(' ').includes('edited');
    return { tracked, models, renderLast, yawEdited };
  }

  it("shows project B's tracking, models, render range and edits after A's, not A's", async () => {
    await page.getByTestId('tab-training').click();
    await page.getByTestId('train-model').waitFor({ timeout: 20_000 });
    await page.getByTestId('tab-render').click();
    await renderLastIs('4');
    await yawLabel().waitFor({ timeout: 20_000 });
    assert.deepEqual(await panels(), { tracked: '5 / 1499', models: 1, renderLast: '4', yawEdited: true }, "project A's state");
    assert.equal(await page.getByTestId('job-item').count(), 1, "A's transcode is in the Jobs panel");

    await session.backend.api.call('project.open', { file: fileB });
    // B has no model: the picker goes away once B's overview is shown; the render range follows B's tracking.
    await page.getByTestId('tab-training').click();
    await page.getByTestId('train-model').waitFor({ state: 'detached', timeout: 20_000 });
    await page.getByTestId('tab-render').click();
    await renderLastIs('9');
    await page.waitForTimeout(2500);
    assert.deepEqual(await panels(), { tracked: '10 / 1499', models: 0, renderLast: '9', yawEdited: false }, "project B's state, nothing left of A");
    assert.equal(await page.getByTestId('job-item').count(), 0, "the Jobs panel lists B's jobs only");
    await page.getByTestId('jobs-other-projects').click();
    assert.equal(await page.getByTestId('job-item').count(), 1, "A's job on request");
    assert.equal(await page.getByTestId('job-project').innerText(), 'a.dvp', 'named by its project');
    await page.getByTestId('jobs-other-projects').click();
    await session.screenshot('project-switch-b.png');
    assert.deepEqual(session.problems, []);
  });
});
