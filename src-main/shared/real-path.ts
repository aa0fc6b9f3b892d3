import { lstatSync, readlinkSync, realpathSync } from 'node:fs';
import path from 'node:path';

/**
 * The real path of `absolute` as far as it exists: the nearest existing ancestor resolved
 * with realpath, a dangling link followed to where it points, the missing rest appended.
 */
export function realPathOf(absolute: string, depth = 0): string {
  const missing: string[] = [];
  let current = absolute;
  for (;;) {
    try {
      return path.join(realpathSync(current), ...missing);
    } catch {
      // Not there (or not reachable): a dangling link is followed; anything else, one level up.
    }
    let link: string | undefined;
    try {
      if (lstatSync(current).isSymbolicLink()) link = readlinkSync(current, 'utf8');
    } catch {
      link = undefined;
    }
    if (link !== undefined && depth < 40) return realPathOf(path.resolve(path.dirname(current), link, ...missing), depth + 1);
    const parent = path.dirname(current);
    if (parent === current) return path.join(current, ...missing);
    missing.unshift(path.basename(current));
    current = parent;
  }
}

const CASE_INSENSITIVE = process.platform === 'win32' || process.platform === 'darwin';

/** Whether two real paths name the same entry (case-folded where the file system usually is). */
export function samePath(a: string, b: string): boolean {
  return CASE_INSENSITIVE ? a.toLowerCase() === b.toLowerCase() : a === b;
}

/** Whether real path `inner` is `root` or lies under it. */
export function isInside(inner: string, root: string): boolean {
  const a = CASE_INSENSITIVE ? inner.toLowerCase() : inner;
  const b = CASE_INSENSITIVE ? root.toLowerCase() : root;
  return a === b || a.startsWith(b.endsWith(path.sep) ? b : `${b}${path.sep}`);
}
