import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { PNG } from 'pngjs';

/** The viewer's canvas as the page shows it. */
export async function canvasPixels(page: Page): Promise<PNG> {
  return PNG.sync.read(await page.getByTestId('viewer-canvas').screenshot());
}

/**
 * Pixels that differ by more than 24 in some channel; of those, the ones tinted towards magenta
 * (the mask colour: red and blue up against green), and the near-white ones of `b` (the Mask view).
 */
export function difference(a: PNG, b: PNG): { changed: number; magenta: number; white: number } {
  assert.equal(a.data.length, b.data.length);
  let changed = 0;
  let magenta = 0;
  let white = 0;
  for (let i = 0; i < a.data.length; i += 4) {
    const dr = b.data[i]! - a.data[i]!;
    const dg = b.data[i + 1]! - a.data[i + 1]!;
    const db = b.data[i + 2]! - a.data[i + 2]!;
    if (Math.max(Math.abs(dr), Math.abs(dg), Math.abs(db)) <= 24) continue;
    changed++;
    if (dr > dg && db > dg) magenta++;
    if (Math.min(b.data[i]!, b.data[i + 1]!, b.data[i + 2]!) > 200) white++;
  }
  return { changed, magenta, white };
}
