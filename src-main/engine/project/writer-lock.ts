import { readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { DvpError, fromFsError } from '../../shared/errors.js';

/**
 * One writer per project: `<project>.lock` holds the writer's pid and host. A lock
 * left by a killed process (pid gone on this host) is taken over.
 */
export class WriterLock {
  private released = false;

  private constructor(readonly lockFile: string) {}

  static acquire(projectFile: string, displayName: string): WriterLock {
    const lockFile = `${projectFile}.lock`;
    const owner = JSON.stringify({ pid: process.pid, host: hostname(), since: new Date().toISOString() });
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        writeFileSync(lockFile, owner, { flag: 'wx' });
        return new WriterLock(lockFile);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw fromFsError(error, lockFile, 'lock the project for writing');
        const holder = readHolder(lockFile);
        if (holder && holderIsAlive(holder)) {
          throw new DvpError(
            'PROJECT_LOCKED',
            `${displayName}: the project is open for writing in another DVP Studio process (pid ${holder.pid} on ${holder.host}); close it there first.`,
            { file: displayName },
          );
        }
        try {
          unlinkSync(lockFile);
        } catch {
          // Another process may have removed the stale lock first; the next attempt decides.
        }
      }
    }
    throw new DvpError('PROJECT_LOCKED', `${displayName}: could not take the project's write lock.`, { file: displayName });
  }

  release(): void {
    if (this.released) return;
    this.released = true;
    try {
      unlinkSync(this.lockFile);
    } catch {
      // Already gone: nothing to release.
    }
  }
}

interface Holder {
  pid: number;
  host: string;
}

function readHolder(lockFile: string): Holder | undefined {
  try {
    const parsed = JSON.parse(readFileSync(lockFile, 'utf8')) as Partial<Holder>;
    if (typeof parsed.pid === 'number' && typeof parsed.host === 'string') return { pid: parsed.pid, host: parsed.host };
  } catch {
    // An unreadable or half-written lock counts as stale.
  }
  return undefined;
}

function holderIsAlive(holder: Holder): boolean {
  if (holder.host !== hostname()) return true; // cannot check a remote pid: assume it is alive
  if (holder.pid === process.pid) return true;
  try {
    process.kill(holder.pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
