import assert from 'node:assert/strict';
import type { Locator, Page } from 'playwright-core';
import type { BrowserSession } from './browser-session.js';

/** Page helpers for the timeline's e2e tests. */

/** The page's centre of an element (keyframes are small rotated squares). */
export async function centre(locator: Locator): Promise<{ x: number; y: number }> {
  const box = await locator.boundingBox();
  assert.ok(box, 'the element is on screen');
  return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
}

export function lane(page: Page, param: string): Locator {
  return page.locator(`[data-testid=lane][data-param=${param}]`);
}

export function keyAt(page: Page, param: string, frame: number): Locator {
  return lane(page, param).locator(`[data-testid=keyframe][data-frame="${frame}"]`);
}

export async function frameShown(page: Page): Promise<number> {
  return Number(/fr (\d+)/.exec(await page.getByTestId('frame-number').innerText())?.[1]);
}

/** Types a frame number or timecode into the transport's go-to entry. */
export async function goTo(page: Page, entry: string | number): Promise<void> {
  await page.getByTestId('timecode').click();
  const input = page.getByTestId('goto-input');
  await input.fill(String(entry));
  await input.press('Enter');
}

/** The labels of the project's undo history, oldest first. */
export async function history(session: BrowserSession): Promise<string[]> {
  return (await session.backend.api.call('edit.history', {})).undo.map((e) => e.label);
}

/** Waits until the project's history has `count` entries (an edit's answer has come back and is drawn). */
export async function edits(session: BrowserSession, page: Page, count: number): Promise<string[]> {
  for (let i = 0; i < 200; i++) {
    const labels = await history(session);
    if (labels.length === count) {
      await page.locator('[data-testid=save-status].saved').waitFor();
      return labels;
    }
    await page.waitForTimeout(50);
  }
  throw new Error(`the history never reached ${count} entries (it has ${(await history(session)).join(', ')})`);
}

/** Pixels per frame on screen, measured between two keys of a lane. */
export async function pxPerFrame(page: Page, param: string, a: number, b: number): Promise<number> {
  return ((await centre(keyAt(page, param, b))).x - (await centre(keyAt(page, param, a))).x) / (b - a);
}

/** A drag with the mouse, in steps, holding `modifiers` while it moves. */
export async function drag(page: Page, from: { x: number; y: number }, path: { x: number; y: number }[], modifiers: string[] = []): Promise<void> {
  await page.mouse.move(from.x, from.y);
  await page.mouse.down();
  for (const key of modifiers) await page.keyboard.down(key);
  for (const point of path) await page.mouse.move(point.x, point.y, { steps: 4 });
  await page.mouse.up();
  for (const key of modifiers) await page.keyboard.up(key);
}
