import { realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import { isInside } from '../shared/real-path.js';

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.wasm': 'application/wasm',
  '.map': 'application/json; charset=utf-8',
};

export interface StaticFile {
  file: string;
  contentType: string;
  /** Vite's hashed assets never change under the same name. */
  immutable: boolean;
}

/**
 * Maps a URL path to a file of the built UI, refusing anything that would leave `root`
 * (`..`, encoded separators, absolute paths, a symlink to anywhere else: the real path must
 * lie inside the real `root`) and unknown file types. `/` is index.html.
 */
export function resolveStaticFile(root: string, urlPath: string): StaticFile | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return null;
  const relative = decoded === '/' || decoded === '' ? 'index.html' : decoded.replace(/^\/+/, '');
  if (relative.split('/').some((part) => part === '..' || part === '.')) return null;
  const base = path.resolve(root);
  const file = path.resolve(base, relative);
  if (file !== base && !file.startsWith(base + path.sep)) return null;
  const contentType = CONTENT_TYPES[path.extname(file).toLowerCase()];
  if (!contentType) return null;
  try {
    const real = realpathSync(file);
    if (!isInside(real, realpathSync(base)) || !statSync(real).isFile()) return null;
    return { file: real, contentType, immutable: relative.startsWith('assets/') };
  } catch {
    return null;
  }
}
