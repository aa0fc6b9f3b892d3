import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The shared real clips (never copied into the repository). DVP_MEDIA_DIR overrides. */
export const MEDIA_DIR = process.env.DVP_MEDIA_DIR ?? path.resolve(REPO_ROOT, '..', 'shared', 'media');

export function media(name: string): string {
  return path.join(MEDIA_DIR, name);
}

/** A fresh temporary directory, removed when `after` hooks call the returned cleanup. */
export function tempDir(prefix = 'dvp-test-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export const DVP_BIN = path.join(REPO_ROOT, 'bin', 'dvp.js');
