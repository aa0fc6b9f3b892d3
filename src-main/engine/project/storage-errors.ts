import { statfsSync } from 'node:fs';
import path from 'node:path';
import { DvpError, isDvpError } from '../../shared/errors.js';

/**
 * Failures of the storage under a project that are the environment's, not a bug: a full disk
 * (ENOSPC, EDQUOT, SQLite's SQLITE_FULL, or an SQLite I/O error on a disk with almost no room
 * left) and damaged pages (SQLITE_CORRUPT, SQLITE_NOTADB). Everything else is left alone.
 */

/** Below this many free bytes an SQLite I/O error is taken to be the disk filling up. */
const NEARLY_FULL_BYTES = 4 * 1024 * 1024;

/** What survives the failure, said to the user after "the disk is full". */
export type KeptWork = 'committed' | 'nothing-changed';

export function diskFullError(file: string | undefined, action: string | undefined, kept: KeptWork, cause?: unknown): DvpError {
  const what = `${file ? `${file}: ` : ''}the disk is full${action ? ` (while trying to ${action})` : ''}.`;
  const after = kept === 'committed'
    ? ' The work already committed to the project is kept; free some space and run the command again to continue.'
    : ' Nothing was changed; free some space and try again.';
  return new DvpError('DISK_FULL', `${what}${after}`, { ...(file ? { file } : {}), ...(cause === undefined ? {} : { cause }) });
}

export function damagedProjectError(file: string | undefined, detail: string, cause?: unknown): DvpError {
  return new DvpError(
    'PROJECT_INVALID',
    `${file ? `${file}: ` : ''}the project file is damaged: ${detail}; restore it from a backup.`,
    { ...(file ? { file } : {}), ...(cause === undefined ? {} : { cause }) },
  );
}

function errorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null | undefined)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** Free bytes for an unprivileged writer in `folder`, or undefined when it cannot be told. */
function freeBytes(folder: string): number | undefined {
  try {
    const stats = statfsSync(folder);
    return Number(stats.bavail) * Number(stats.bsize);
  } catch {
    return undefined;
  }
}

export function isDiskFull(error: unknown, projectFiles: readonly string[] = []): boolean {
  if (isDvpError(error)) return error.code === 'DISK_FULL';
  const code = errorCode(error);
  if (code === 'ENOSPC' || code === 'EDQUOT' || code === 'SQLITE_FULL') return true;
  if (code?.startsWith('SQLITE_IOERR')) {
    return projectFiles.some((file) => {
      const free = freeBytes(path.dirname(path.resolve(file)));
      return free !== undefined && free < NEARLY_FULL_BYTES;
    });
  }
  return false;
}

export function isDamaged(error: unknown): boolean {
  const code = errorCode(error);
  return code !== undefined && (code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB');
}

/**
 * The DvpError for a storage failure while working on `projectFile` (or, from the CLI, on
 * one of the project files it was given), or undefined when `error` is something else.
 */
export function storageError(error: unknown, projectFiles: readonly string[], options: { display?: string; action?: string; kept?: KeptWork } = {}): DvpError | undefined {
  if (isDvpError(error)) return undefined;
  if (isDiskFull(error, projectFiles)) return diskFullError(options.display, options.action, options.kept ?? 'committed', error);
  if (isDamaged(error)) return damagedProjectError(options.display, (error as Error).message, error);
  return undefined;
}
