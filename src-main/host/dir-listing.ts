import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import type { DirEntry, DirListing } from '../api/schemas.js';
import { fromFsError } from '../shared/errors.js';

/**
 * One folder for the in-app file browser (browser mode has no native dialogs, and on a
 * remote GPU box the files live on the server). Hidden entries are left out; folders come
 * first; files are filtered by extension when `extensions` is given.
 */
export function listDirectory(dir: string, extensions?: readonly string[]): DirListing {
  const absolute = path.resolve(dir);
  let names: string[];
  try {
    names = readdirSync(absolute);
  } catch (error) {
    throw fromFsError(error, absolute, 'list the folder');
  }
  const wanted = extensions?.map((e) => e.toLowerCase());
  const entries: DirEntry[] = [];
  for (const name of names) {
    if (name.startsWith('.')) continue;
    const full = path.join(absolute, name);
    let stats;
    try {
      stats = statSync(full);
    } catch {
      continue; // a dangling link or a file removed meanwhile
    }
    if (stats.isDirectory()) entries.push({ name, path: full, kind: 'dir', sizeBytes: null });
    else if (stats.isFile() && (!wanted || wanted.includes(path.extname(name).toLowerCase()))) {
      entries.push({ name, path: full, kind: 'file', sizeBytes: stats.size });
    }
  }
  entries.sort((a, b) => (a.kind === b.kind ? a.name.localeCompare(b.name) : a.kind === 'dir' ? -1 : 1));
  const parent = path.dirname(absolute);
  return { dir: absolute, parent: parent === absolute ? null : parent, entries };
}
