import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { openBrowserSession, type BrowserSession } from './helpers/browser-session.js';
import { media, tempDir } from '../helpers/paths.js';

describe('a hung engine in Chromium (issue 13: nothing noticed an engine that stopped answering)', () => {
  const temp = tempDir('dvp-e2e-health-');
  const project = path.join(temp.dir, 'health.dvp');
  let session: BrowserSession;
  let page: Page;

  before(async () => {
    // The engine answers test.hang only with this in its environment (it inherits the test's).
    process.env.DVP_TEST_HOOKS = '1';
    session = await openBrowserSession(temp.dir);
    page = session.page;
    await session.backend.api.call('project.new', { file: project });
    await session.backend.api.call('clip.import', { file: media('target-tedlieu-256.mp4'), role: 'target' });
    await session.backend.api.call('clip.import', { file: media('target-fgnet-franck-360x288-noaudio.mp4'), role: 'target' });
    await page.goto(session.server.url);
    await page.getByTestId('engine-status').filter({ hasText: 'Engine ready' }).waitFor({ timeout: 30_000 });
  });

  after(async () => {
    delete process.env.DVP_TEST_HOOKS;
    await session?.close();
    temp.cleanup();
  });

  it('is reported in the status bar within 10 s, fails the running job with the reason, and a restarted engine serves the project', async () => {
    const clips = await session.backend.api.call('clip.list', {});
    const long = clips.find((clip) => clip.name.includes('franck'));
    assert.ok(long);
    const job = await session.backend.api.startJob('transcode', { clipId: long.id, output: path.join(temp.dir, 'long.mov'), format: 'prores-hq' });
    await page.locator('[data-testid="job-item"][data-status="running"]').waitFor({ timeout: 20_000 });

    const started = performance.now();
    const hang = session.backend.host.call('test.hang', { ms: 600_000 });
    await page.getByTestId('engine-reason').filter({ hasText: 'The engine stopped answering' }).waitFor({ timeout: 10_000 });
    const shownAfter = performance.now() - started;
    assert.ok(shownAfter < 10_000, `reported after ${shownAfter.toFixed(0)} ms`);
    const label = await page.getByTestId('engine-status').textContent();
    assert.doesNotMatch(label ?? '', /Engine ready/);
    await session.screenshot('engine-health-restarting.png');
    assert.equal((await hang).ok, false);

    const failed = page.locator('[data-testid="job-item"][data-status="failed"]');
    await failed.waitFor({ timeout: 10_000 });
    assert.match((await failed.locator('.error').textContent()) ?? '', /failed: The engine stopped answering \(nothing heard for [\d.]+ s\), so it was stopped\. The engine was restarted; start the job again\./);
    assert.equal((await session.backend.api.call('job.list', {})).find((j) => j.id === job.id)?.error?.code, 'ENGINE_CRASHED');
    await page.getByTestId('notice-error').filter({ hasText: 'It is being restarted.' }).first().waitFor();

    await page.getByTestId('engine-status').filter({ hasText: 'Engine ready' }).waitFor({ timeout: 30_000 });
    assert.equal(await page.getByTestId('engine-reason').count(), 0);
    // The new engine has the project open: tracking a range of the selected clip runs as a job and lands.
    await page.getByTestId('clip-item').filter({ hasText: 'tedlieu' }).click();
    await page.getByTestId('tab-tracking').click();
    await page.getByTestId('track-last').fill('2');
    await page.getByTestId('track-range').click();
    await page.locator('[data-testid="job-item"][data-status="succeeded"]').waitFor({ timeout: 60_000 });
    await page.getByTestId('tracked-count').filter({ hasText: /^3 \// }).waitFor({ timeout: 10_000 });
    await session.screenshot('engine-health-recovered.png');
    // A frame the viewer asked for while the engine was lost fails (the media route answers 500); nothing else may.
    assert.deepEqual(session.problems.filter((p) => !/Failed to load resource: the server responded with a status of 500/.test(p)), []);
  });
});
