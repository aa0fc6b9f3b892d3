import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The folder holding package.json, found from this module whether it runs from src-main or dist. */
function packageRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(path.join(dir, 'package.json'))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error('DVP Studio cannot find its package folder.');
    dir = parent;
  }
}

/** Where `npm run build:renderer` puts the UI; DVP_UI_DIR overrides. */
export function defaultUiDir(): string {
  return process.env.DVP_UI_DIR ?? path.join(packageRoot(), 'dist', 'renderer');
}

/** Per-user settings of the CLI and browser mode (recent projects); DVP_CONFIG_DIR overrides. */
export function defaultConfigDir(): string {
  if (process.env.DVP_CONFIG_DIR) return process.env.DVP_CONFIG_DIR;
  const base = process.env.XDG_CONFIG_HOME ?? path.join(homedir(), '.config');
  return path.join(base, 'dvp-studio');
}

export function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(path.join(packageRoot(), 'package.json'), 'utf8')) as { version?: unknown };
  return typeof pkg.version === 'string' ? pkg.version : '0.0.0';
}
