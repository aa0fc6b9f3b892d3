import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import type { Binding } from '../../src-main/api/edit-schemas.js';
import { applyEdit } from '../../src-main/engine/edit/apply-edit.js';
import { Project } from '../../src-main/engine/project/project.js';
import { psnr } from '../helpers/image-metrics.js';
import { tempDir } from '../helpers/paths.js';
import { buildRenderFixture, type RenderFixture } from '../render/fixture.js';
import { openBrowserSession, type BrowserSession } from './helpers/browser-session.js';

/** Frames 10–12 of a render, decoded to RGB. */
function decode(file: string): Uint8Array {
  return new Uint8Array(execFileSync('ffmpeg', ['-v', 'error', '-i', file, '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-'], { maxBuffer: 64 * 1024 * 1024 }));
}

describe('source binding controls in Chromium (issue 13: strength, keyed strength, mode, trim, neutral frames)', () => {
  const temp = tempDir('dvp-e2e-bindings-');
  let fixture: RenderFixture;
  let session: BrowserSession;
  let page: Page;
  let renders = 0;

  const binding = async (): Promise<Binding> => {
    const shot = await session.backend.api.call('edit.shot', { clipId: fixture.targetId });
    assert.equal(shot.bindings.length, 1);
    return shot.bindings[0]!;
  };
  const strengthKeys = async (): Promise<number[]> => {
    const shot = await session.backend.api.call('edit.shot', { clipId: fixture.targetId });
    return shot.lanes.find((l) => l.param === `strength:${shot.bindings[0]!.id}`)?.keys.map((k) => k.position) ?? [];
  };
  const until = async (what: string, check: () => Promise<boolean>): Promise<void> => {
    const deadline = Date.now() + 60_000;
    while (!(await check())) {
      assert.ok(Date.now() < deadline, `timed out waiting until ${what}`);
      await page.waitForTimeout(100);
    }
  };
  const seek = async (frame: number): Promise<void> => {
    await page.getByTestId('timeline-frame').click();
    await page.keyboard.press('Home');
    for (let i = 0; i < frame; i++) await page.keyboard.press('ArrowRight');
    await page.locator(`[data-testid=timeline-frame]`, { hasText: `fr ${frame}` }).waitFor();
  };
  const undo = async (): Promise<void> => {
    await page.getByTestId('timeline-frame').click();
    await page.keyboard.press('Control+z');
  };
  const render = async (): Promise<Uint8Array> => {
    const output = path.join(temp.dir, `render-${++renders}.mp4`);
    const job = await session.backend.api.startJob('render', { clipId: fixture.targetId, output, format: 'h264', range: { first: 10, last: 12 }, audio: 'none' });
    const deadline = Date.now() + 180_000;
    for (;;) {
      const now = (await session.backend.api.call('job.list', {})).find((j) => j.id === job.id);
      if (now?.status === 'succeeded') break;
      assert.ok(now && now.status !== 'failed' && Date.now() < deadline, `render ${renders}: ${now?.status} ${now?.error?.message ?? ''}`);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    return decode(output);
  };

  before(async () => {
    fixture = await buildRenderFixture(temp.dir);
    const writable = Project.open(fixture.projectFile);
    try {
      applyEdit(writable, { targetClipId: fixture.targetId, label: 'Bind source', changes: [{ kind: 'setBinding', binding: { sourceClipId: fixture.sourceId, mode: 'expression', offset: 0 } }] });
    } finally {
      writable.close();
    }
    session = await openBrowserSession(temp.dir);
    page = session.page;
    await session.backend.api.call('project.open', { file: fixture.projectFile });
    await page.goto(session.server.url);
    await page.getByTestId('binding-block').waitFor({ timeout: 60_000 });
  });

  after(async () => {
    await session?.close();
    temp.cleanup();
  });

  it('labels the block readably: the whole text in its tooltip, ellipsis when narrow', async () => {
    const block = page.getByTestId('binding-block');
    assert.match((await block.getAttribute('title')) ?? '', / · Expression · 100 % · frames 0–39 · offset 0$/);
    const overflow = await block.locator('.label').evaluate((el) => el.ownerDocument.defaultView?.getComputedStyle(el).textOverflow);
    assert.equal(overflow, 'ellipsis');
  });

  it('changes the strength (one undo step) and renders it: strength 0 gives another picture than 100 %', async () => {
    const full = await render();
    await page.getByTestId('binding-block').click();
    await page.getByTestId('binding-inspector').waitFor();
    await page.getByTestId('binding-strength-value').fill('0');
    await page.getByTestId('binding-strength-value').press('Enter');
    await until('strength 0', async () => (await binding()).strength === 0);
    assert.match((await page.getByTestId('binding-block').getAttribute('title')) ?? '', /· 0 %/);
    const none = await render();
    assert.ok(psnr(full, none) < 60, `strength 0 renders another face (PSNR ${psnr(full, none).toFixed(1)} dB)`);
    await undo();
    await until('undo restores 100 %', async () => (await binding()).strength === 1);
    assert.ok(psnr(full, await render()) > 60, 'back at 100 % the render is the first one again');
  });

  it('changes the mode after binding (one undo step) and the render follows', async () => {
    const expression = await render();
    await page.getByTestId('binding-mode').selectOption('mouth');
    await until('mouth mode', async () => (await binding()).mode === 'mouth');
    const mouth = await render();
    assert.ok(psnr(expression, mouth) < 60, `mouth only renders another face than the whole expression (PSNR ${psnr(expression, mouth).toFixed(1)} dB)`);
    await undo();
    await until('undo restores expression', async () => (await binding()).mode === 'expression');
  });

  it('keys the strength at the playhead so the dub fades, drawn in the block; undo removes a key', async () => {
    await seek(5);
    await page.getByTestId('binding-key-strength').click();
    await until('a key at 5', async () => (await strengthKeys()).join() === '5');
    await seek(20);
    await page.getByTestId('binding-strength-value').fill('0');
    await page.getByTestId('binding-strength-value').press('Enter');
    await until('a key at 20', async () => (await strengthKeys()).join() === '5,20');
    await page.locator('[data-testid=strength-key]').nth(1).waitFor();
    assert.deepEqual(await page.getByTestId('strength-key').evaluateAll((els) => els.map((e) => e.getAttribute('data-frame'))), ['5', '20']);
    assert.equal((await binding()).strength, 1, 'the keys fade it; the binding keeps its own strength');
    await session.screenshot('bindings-keyed-strength.png');
    await seek(12);
    assert.equal(await page.getByTestId('binding-strength-value').inputValue(), String(Math.round(100 - (100 * 7) / 15)), 'the strength between the keys is interpolated');
    await undo();
    await until('undo removes the key at 20', async () => (await strengthKeys()).join() === '5');
    await seek(5);
    await page.getByTestId('binding-delete-key').click();
    await until('no keys', async () => (await strengthKeys()).length === 0);
    assert.equal(await page.getByTestId('strength-key').count(), 0);
  });

  it('trims the block at its start with a handle (one undo step)', async () => {
    const handle = page.getByTestId('binding-trim-start');
    const box = (await handle.boundingBox())!;
    const blockBox = (await page.getByTestId('binding-block').boundingBox())!;
    const pxPerFrame = blockBox.width / 40;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width / 2 + 8 * pxPerFrame, box.y + box.height / 2, { steps: 5 });
    await page.mouse.up();
    await until('trimmed', async () => (await binding()).rangeStart !== null);
    const start = (await binding()).rangeStart!;
    assert.ok(start >= 6 && start <= 10, `trimmed to start near frame 8 (${start})`);
    await until('the block shows the trim', async () => (await page.getByTestId('binding-block').getAttribute('data-range')) === `${start}-39`);
    await undo();
    await until('untrimmed', async () => (await binding()).rangeStart === null);
  });

  it('picks the neutral frames from the viewer: the target frame shown and the source frame bound to it', async () => {
    await seek(12);
    await page.getByTestId('binding-target-neutral-set').click();
    await until('target neutral 12', async () => (await binding()).targetNeutralFrame === 12);
    assert.equal(await page.getByTestId('binding-target-neutral').innerText(), '12');
    await page.getByTestId('binding-source-neutral-set').click();
    await until('source neutral 12', async () => (await binding()).sourceNeutralFrame === 12);
    await seek(45);
    assert.equal(await page.getByTestId('binding-source-neutral-set').isDisabled(), true, 'past the source: no source frame to pick');
    assert.deepEqual(session.problems, []);
  });
});
