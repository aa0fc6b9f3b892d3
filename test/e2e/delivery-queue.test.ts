import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import type { Job } from '../../src-main/api/schemas.js';
import { renderModelQuality, untrackedSpans, versionedName } from '../../src-renderer/src/lib/state/render-checks.js';
import { tempDir } from '../helpers/paths.js';
import { buildRenderFixture, TRACKED_LAST, type RenderFixture } from '../render/fixture.js';
import { openBrowserSession, type BrowserSession } from './helpers/browser-session.js';

describe('render checks (issue 13: delivery)', () => {
  it('lists the untracked runs of a range', () => {
    assert.deepEqual(untrackedSpans([1, 1, 0, 0, 2, 3, 4, 5, 1], 0, 8), [{ first: 2, last: 3 }, { first: 6, last: 7 }]);
    assert.deepEqual(untrackedSpans([1, 1, 1], 0, 5), [{ first: 3, last: 5 }], 'past the codes: untracked');
  });

  it('proposes the next free versioned name beside the output', () => {
    assert.equal(versionedName('/r/take_0-9.mov', new Set(['take_0-9.mov'])), '/r/take_0-9_v2.mov');
    assert.equal(versionedName('/r/take.mov', new Set(['take.mov', 'take_v2.mov', 'take_v3.mov'])), '/r/take_v4.mov');
    assert.equal(versionedName('/r/take_v2.mov', new Set(['take_v2.mov'])), '/r/take_v3.mov');
  });

  it('takes the render model as the engine does: the newest face model with a checkpoint, its latest held-out score', () => {
    const scores = (psnr: number) => ({ psnr, ssim: null, l1: null });
    const model = (id: number, checkpoints: number, heldOut: [number, number][]) => ({
      id,
      clipId: 1,
      name: `m${id}`,
      preset: 'cpu-tiny',
      resolution: 64,
      configSteps: 10,
      createdAt: '',
      frames: { first: 0, last: 40, heldOutFrom: 35 },
      checkpoints: Array.from({ length: checkpoints }, (_, i) => ({ id: i + 1, step: i, createdAt: '', metrics: {} })),
      runs: [],
      previews: [],
      heldOut: heldOut.map(([m, nn], step) => ({ step, frames: 5, model: scores(m), nearestNeighbour: scores(nn) })),
    });
    assert.deepEqual(renderModelQuality([model(1, 1, [[20, 25]]), model(2, 0, [[30, 25]])]), { modelId: 1, step: 0, psnr: 20, baselinePsnr: 25 });
    assert.equal(renderModelQuality([model(1, 1, [])]), null);
  });
});

describe('delivery in Chromium (issue 13: marks, untracked frames, overwrite, render queue, quality warning)', () => {
  const temp = tempDir('dvp-e2e-delivery-queue-');
  let fixture: RenderFixture;
  let session: BrowserSession;
  let page: Page;

  const jobs = async (): Promise<Job[]> => (await session.backend.api.call('job.list', {})).filter((j) => j.kind === 'render');
  const waitJobs = async (count: number): Promise<Job[]> => {
    const deadline = Date.now() + 240_000;
    for (;;) {
      const list = await jobs();
      if (list.length >= count && list.every((j) => j.status === 'succeeded' || j.status === 'failed')) return list;
      assert.ok(Date.now() < deadline, `renders end (${list.map((j) => j.status).join(', ')})`);
      await page.waitForTimeout(500);
    }
  };
  const seek = async (frame: number): Promise<void> => {
    await page.getByTestId('timeline-frame').click();
    await page.keyboard.press('Home');
    for (let i = 0; i < Math.floor(frame / 10); i++) await page.keyboard.press('Shift+ArrowRight');
    for (let i = 0; i < frame % 10; i++) await page.keyboard.press('ArrowRight');
    await page.locator('[data-testid=timeline-frame]', { hasText: `fr ${frame}` }).waitFor();
  };

  before(async () => {
    fixture = await buildRenderFixture(temp.dir);
    session = await openBrowserSession(temp.dir);
    page = session.page;
    await session.backend.api.call('project.open', { file: fixture.projectFile });
    await page.goto(session.server.url);
    await page.getByTestId('tab-render').click();
    await page.locator('[data-testid=render-start]', { hasText: `Render frames 0–${TRACKED_LAST}` }).waitFor({ timeout: 60_000 });
  });

  after(async () => {
    await session?.close();
    temp.cleanup();
  });

  it('sets the range from I and O at the playhead, draws it on the ruler, and lists the untracked frames in it', async () => {
    assert.equal(await page.getByTestId('render-untracked-warning').count(), 0, 'the tracked default has no untracked frames');
    await seek(5);
    await page.keyboard.press('i');
    await seek(55);
    await page.keyboard.press('o');
    assert.equal(await page.getByTestId('render-first').inputValue(), '5');
    assert.equal(await page.getByTestId('render-last').inputValue(), '55');
    assert.match((await page.getByTestId('ruler-marks').textContent()) ?? '', /5–55/);
    const warning = await page.getByTestId('render-untracked-warning').innerText();
    assert.match(warning, /6 frames of the range are not tracked \(50–55\)/);
  });

  it('queues a second render while the first runs, asks before writing the same file, and runs them in order', async () => {
    await seek(10);
    await page.keyboard.press('i');
    await seek(12);
    await page.keyboard.press('o');
    await page.locator('[data-testid=render-start]', { hasText: 'frames 10–12' }).waitFor();
    await page.getByTestId('render-format-h264').check();
    const output = await page.getByTestId('render-output').inputValue();
    await page.getByTestId('render-start').click();
    await page.locator('[data-testid=render-start]', { hasText: /^Queue frames 10–12/ }).waitFor({ timeout: 10_000 });
    await page.getByTestId('render-start').click();
    // The first render is to write that file: the panel asks instead of starting a second one onto it.
    await page.getByTestId('render-overwrite').waitFor();
    assert.equal(await page.getByTestId('render-start').isDisabled(), true, 'Render waits for the answer');
    await page.getByTestId('render-overwrite-versioned').click();
    const second = output.replace(/\.mp4$/, '_v2.mp4');
    assert.equal(await page.getByTestId('render-output').inputValue(), second);
    await page.locator('[data-testid=render-item]').nth(1).waitFor();
    const [a, b] = await waitJobs(2);
    assert.equal(a!.status, 'succeeded', a!.error?.message);
    assert.equal(b!.status, 'succeeded', b!.error?.message);
    assert.ok(b!.startedAt! >= a!.finishedAt!, `the second render starts after the first ends (${a!.finishedAt} / ${b!.startedAt})`);
    assert.ok(existsSync(output) && existsSync(second));
    assert.equal(await page.locator('[data-testid=render-item][data-status=succeeded]').count(), 2);
  });

  it('asks before overwriting an existing file: Cancel starts nothing, Replace renders over it', async () => {
    await page.getByTestId('render-start').click();
    await page.getByTestId('render-overwrite').waitFor();
    assert.match(await page.getByTestId('render-overwrite').innerText(), /_v2\.mp4 already exists/);
    assert.match(await page.getByTestId('render-overwrite-versioned').innerText(), /_v3\.mp4/);
    await page.getByTestId('render-overwrite-cancel').click();
    await page.waitForTimeout(500);
    assert.equal((await jobs()).length, 2, 'Cancel starts nothing');
    await page.getByTestId('render-start').click();
    await page.getByTestId('render-overwrite-replace').click();
    const list = await waitJobs(3);
    assert.equal(list[2]!.status, 'succeeded', list[2]!.error?.message);
    assert.equal(path.basename(String((list[2]!.result as { output: string }).output)), path.basename(await page.getByTestId('render-output').inputValue()));
  });

  it('warns at render time when the model scores below the nearest-neighbour baseline on its held-out frames', async () => {
    assert.equal(await page.getByTestId('render-baseline-warning').count(), 0, 'no held-out scores yet: no warning');
    const job = await session.backend.api.startJob('train', { clipId: fixture.targetId, modelId: fixture.modelId, steps: 8, evaluateEvery: 2, backend: 'wasm' });
    const deadline = Date.now() + 240_000;
    for (;;) {
      const now = (await session.backend.api.call('job.list', {})).find((j) => j.id === job.id);
      if (now?.status === 'succeeded') break;
      assert.ok(now && now.status !== 'failed' && Date.now() < deadline, `training: ${now?.status} ${now?.error?.message ?? ''}`);
      await page.waitForTimeout(1000);
    }
    const overview = await session.backend.api.call('training.overview', { clipId: fixture.targetId });
    const point = overview.models.find((m) => m.id === fixture.modelId)!.heldOut.at(-1)!;
    assert.ok(point.model.psnr! < point.nearestNeighbour.psnr!, `an 8-step network is worse than the nearest neighbour (${point.model.psnr} / ${point.nearestNeighbour.psnr} dB)`);
    const warning = page.getByTestId('render-baseline-warning');
    await warning.waitFor({ timeout: 20_000 });
    assert.match(await warning.innerText(), new RegExp(`Model ${fixture.modelId} scores ${point.model.psnr!.toFixed(2)} dB .* below the nearest-neighbour baseline’s ${point.nearestNeighbour.psnr!.toFixed(2)} dB`));
    assert.deepEqual(session.problems, []);
  });
});
