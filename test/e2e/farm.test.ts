/**
 * The render panel's "Submit to farm" in Chromium: absent while no farm answers, offered once a
 * single-node Slurm runs (test/helpers/slurm.ts; skipped with the reason when not root or Slurm is
 * missing), and a 2-chunk farm render shows its job ids and follows the chunks to a completed
 * conform. The Slurm tasks run the built CLI (bin/dvp.js): `npx tsc -p tsconfig.json` first.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { farmInfo } from '../../src-main/farm/farm-info.js';
import { tempDir } from '../helpers/paths.js';
import { slurmUnavailable, startSlurm, type SlurmCluster } from '../helpers/slurm.js';
import { buildFarmFixture, type FarmFixture } from '../farm/farm-fixture.js';
import { openBrowserSession, type BrowserSession } from './helpers/browser-session.js';

const FRAMES = 20;

describe('Submit to farm in the render panel (Chromium, single-node Slurm)', { skip: slurmUnavailable() ?? false }, () => {
  const temp = tempDir('dvp-e2e-farm-');
  let fixture: FarmFixture;
  let cluster: SlurmCluster | undefined;
  let session: BrowserSession;
  let page: Page;

  async function openRenderPanel(): Promise<void> {
    await page.goto(session.server.url);
    await page.getByTestId('clip-item').first().click();
    await page.getByTestId('tab-render').click();
    await page.getByTestId('render-start').waitFor();
  }

  before(async () => {
    fixture = await buildFarmFixture(temp.dir, FRAMES, 14);
    session = await openBrowserSession(temp.dir);
    page = session.page;
    await session.backend.api.call('project.open', { file: fixture.projectFile });
  });
  after(async () => {
    await session?.close();
    await cluster?.stop();
    temp.cleanup();
  });

  it('offers no farm while none answers', async (t) => {
    // A machine with its own slurm.conf has a farm before the test's cluster starts.
    if ((await farmInfo()).available) return t.skip('a Slurm farm already answers on this machine');
    await openRenderPanel();
    await page.locator('[data-testid=render-panel][data-farm=unavailable]').waitFor({ timeout: 30_000 });
    assert.equal(await page.getByTestId('farm-submit').count(), 0);
  });

  it('submits 2 chunks, shows the job ids and follows them to the conformed file', async () => {
    cluster = await startSlurm(path.join(temp.dir, 'slurm'));
    // The engine learns of the cluster (SLURM_CONF) when it starts again; the host reopens the project.
    const pid = session.backend.host.enginePid;
    assert.ok(pid);
    process.kill(pid, 'SIGKILL');
    for (let i = 0; i < 300 && (session.backend.host.enginePid === pid || session.backend.host.status.state !== 'ready'); i++) await new Promise((r) => setTimeout(r, 100));
    assert.equal(session.backend.host.status.state, 'ready');
    await session.backend.api.call('project.open', { file: fixture.projectFile });
    await openRenderPanel();

    await page.locator('[data-testid=render-panel][data-farm=available]').waitFor({ timeout: 30_000 });
    // The range defaults to the tracked frames (0–14) once tracking.status answers; the output name follows it.
    await page.locator('[data-testid=render-start]', { hasText: 'Render frames 0–14' }).waitFor();
    await page.getByTestId('farm-chunks').fill('2');
    const output = await page.getByTestId('render-output').inputValue();
    await page.getByTestId('farm-submit').click();
    const run = page.getByTestId('farm-run').first();
    await run.waitFor({ timeout: 60_000 });
    assert.match(await run.getByTestId('farm-job-ids').innerText(), /^render array \d+ · conform \d+$/);
    await page.locator('[data-testid=farm-run][data-ended=true]').waitFor({ timeout: 240_000 });
    assert.equal(await run.getByTestId('farm-progress').innerText(), '2/2 chunks done · conform completed');
    assert.ok(existsSync(output), `${output} was written`);
    await run.scrollIntoViewIfNeeded();
    await session.screenshot('farm-01-conformed.png');
  });
});
