import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { dvpFromSource } from '../helpers/cli.js';
import { openBrowserSession, type BrowserSession } from './helpers/browser-session.js';
import { media, tempDir } from '../helpers/paths.js';

describe('a model trained with `dvp train` in the training panel (issue 13: "0 steps recorded", no loss curve)', () => {
  const temp = tempDir('dvp-e2e-cli-model-');
  const file = path.join(temp.dir, 'cli.dvp');
  let session: BrowserSession;
  let page: Page;

  before(async () => {
    const steps: string[][] = [
      ['new', file],
      ['import', file, media('target-tedlieu-256.mp4'), '--role', 'target'],
      ['track', file, '--range', '0-29'],
      ['train', file, '--preset', 'cpu-tiny', '--frames', '0-29', '--backend', 'wasm', '--steps', '4', '--checkpoint-every', '2', '--preview-every', '0'],
    ];
    for (const args of steps) {
      const result = await dvpFromSource(args);
      assert.equal(result.code, 0, `dvp ${args[0]}: ${result.stderr}`);
    }
    session = await openBrowserSession(temp.dir);
    page = session.page;
    await session.backend.api.call('project.open', { file });
    await page.goto(session.server.url);
  });

  after(async () => {
    await session?.close();
    temp.cleanup();
  });

  it('shows the step it was trained to and a loss curve', async () => {
    await page.getByTestId('tab-training').click();
    await page.getByTestId('train-steps-done').filter({ hasText: 'trained to step 4' }).waitFor({ timeout: 20_000 });
    assert.doesNotMatch((await page.getByTestId('training-panel').textContent()) ?? '', /\b0 steps/);
    const l1 = page.getByTestId('loss-plot').filter({ hasText: 'Reconstruction (L1)' });
    const curve = (await l1.locator('polyline').getAttribute('points')) ?? '';
    assert.ok(curve.trim().split(' ').length >= 2, `the L1 curve has points: '${curve}'`);
    assert.match((await l1.locator('figcaption').textContent()) ?? '', /L1 \d\.\d{4}/);
    await l1.scrollIntoViewIfNeeded();
    await session.screenshot('cli-trained-model.png');
    assert.deepEqual(session.problems, []);
  });
});
