import { mkdtempSync, rmdirSync, statSync, type Stats } from 'node:fs';
import path from 'node:path';
import { DvpError } from '../../shared/errors.js';

const WHY: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EROFS: 'it is on a read-only file system',
  ENOSPC: 'the disk is full',
  EDQUOT: 'the disk quota is used up',
  ENOENT: 'it takes no new files (a system folder such as /proc or /sys)',
};

/**
 * Refuses an output that cannot be written before its job starts: the nearest folder of it
 * that exists must be a folder in which an entry can be created. That is tried (an empty
 * folder made and removed), because permission bits do not tell: root passes them, /proc and
 * /sys refuse every new entry, and `mkdir -p` under /proc never returns.
 */
export function checkOutputWritable(file: string): void {
  const absolute = path.resolve(file);
  const { dir, stats } = nearestExisting(path.dirname(absolute), absolute);
  if (!stats.isDirectory()) throw new DvpError('OUTPUT_UNWRITABLE', `${absolute}: ${dir} is a file, not a folder; choose another output folder.`, { file: absolute });
  try {
    rmdirSync(mkdtempSync(path.join(dir, '.dvp-write-check-')));
  } catch (error) {
    throw unwritable(absolute, dir, error);
  }
}

function nearestExisting(start: string, file: string): { dir: string; stats: Stats } {
  let dir = start;
  for (;;) {
    try {
      return { dir, stats: statSync(dir) };
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      const parent = path.dirname(dir);
      if ((code !== 'ENOENT' && code !== 'ENOTDIR') || parent === dir) throw unwritable(file, dir, error);
      dir = parent;
    }
  }
}

function unwritable(file: string, dir: string, error: unknown): DvpError {
  const code = (error as NodeJS.ErrnoException).code ?? '';
  const why = WHY[code] ?? (error as Error).message;
  return new DvpError('OUTPUT_UNWRITABLE', `${file} cannot be written: nothing can be created in ${dir} (${why}); choose another output folder.`, { file, cause: error });
}
