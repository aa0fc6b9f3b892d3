import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import { DvpError, fromFsError } from '../../shared/errors.js';
import { diskFullError, isDiskFull } from './storage-errors.js';

/**
 * One writer per project, safe against any number of processes racing for it and against
 * locks left by killed processes.
 *
 * Files beside the project, all starting with `<project>.lock`:
 * - a claim, `<project>.lock.<pid>.<random>`, one per process that wants or holds the lock,
 *   holding its pid, host and start time. A claim's name is unique and it is never renamed:
 *   it is created (by a rename from a temporary file, so it is never seen half-written)
 *   before its owner looks for rivals, and removed when its owner yields or releases.
 * - `<project>.lock`, the holder's record (same content), written once the lock is won and
 *   removed on release; others use it to refuse at once, and people to see who holds it.
 *
 * The rule: a process holds the lock when, after creating its claim, it lists the folder and
 * finds no other live claim; otherwise it removes its claim and tries again after a random
 * pause, or refuses when the rival is an established holder. Two processes cannot both win:
 * the one that listed the folder last created its claim before that listing began (claims
 * come before listings), and the other's claim existed already and stayed (a winner keeps
 * its claim), so that listing saw it. Claims and records of processes that no longer exist
 * on this host are ignored (claims are deleted); the rule does not depend on the record.
 * A claim from another host is taken to be alive.
 */
export class WriterLock {
  private static readonly held = new Set<WriterLock>();
  private static exitHookInstalled = false;
  private released = false;

  private constructor(readonly lockFile: string, private readonly claimFile: string) {}

  static acquire(projectFile: string, displayName: string): WriterLock {
    const lockFile = `${projectFile}.lock`;
    const claimFile = `${lockFile}.${process.pid}.${randomBytes(6).toString('hex')}`;
    const temporary = `${claimFile}.tmp`;
    const owner = JSON.stringify({ pid: process.pid, host: hostname(), since: new Date().toISOString() });
    let rival: Rival | undefined;
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      writeAtomically(temporary, claimFile, owner, displayName);
      try {
        rival = findRival(projectFile, claimFile);
      } catch (error) {
        removeQuietly(claimFile);
        throw lockError(error, displayName);
      }
      if (!rival) {
        try {
          writeAtomically(`${claimFile}.record.tmp`, lockFile, owner, displayName);
        } catch (error) {
          removeQuietly(claimFile);
          throw error;
        }
        const lock = new WriterLock(lockFile, claimFile);
        WriterLock.remember(lock);
        return lock;
      }
      removeQuietly(claimFile);
      if (rival.holding) break;
      sleep(1 + Math.random() * Math.min(20, 2 + 2 * attempt));
    }
    const holder = rival!;
    const where = `pid ${holder.pid} on ${holder.host}`;
    throw new DvpError(
      'PROJECT_LOCKED',
      holder.holding
        ? `${displayName}: the project is open for writing in another DVP Studio process (${where}); close it there first.`
        : `${displayName}: another DVP Studio process (${where}) is opening the project for writing at this moment; try again when it is done.`,
      { file: displayName },
    );
  }

  release(): void {
    if (this.released) return;
    this.released = true;
    WriterLock.held.delete(this);
    // The record first: once the claim is gone another process may win and write its own record.
    removeQuietly(this.lockFile);
    removeQuietly(this.claimFile);
  }

  /** Locks still held are released when the process exits (an exit without close, an uncaught error). */
  private static remember(lock: WriterLock): void {
    WriterLock.held.add(lock);
    if (WriterLock.exitHookInstalled) return;
    WriterLock.exitHookInstalled = true;
    process.on('exit', () => {
      for (const held of [...WriterLock.held]) held.release();
    });
  }
}

/** Attempts before giving up on rivals that are themselves still contending (about 0.5 s in all). */
const MAX_ATTEMPTS = 40;

interface Holder {
  pid: number;
  host: string;
}

interface Rival extends Holder {
  /** The rival has won the lock (its record is there), rather than being about to try. */
  holding: boolean;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The first live claim or holder record other than `ownClaim`; dead processes' claims are deleted. */
function findRival(projectFile: string, ownClaim: string): Rival | undefined {
  const folder = path.dirname(projectFile);
  const record = `${path.basename(projectFile)}.lock`;
  const claimName = new RegExp(`^${escapeRegExp(record)}\\.(\\d+)\\.[0-9a-f]+$`);
  const own = path.basename(ownClaim);
  let contender: Rival | undefined;
  for (const name of readdirSync(folder)) {
    if (name === own) continue;
    if (name === record) {
      const holder = readHolder(path.join(folder, name));
      if (holder && holderIsAlive(holder)) return { ...holder, holding: true };
      continue; // a record left by a process that has died: the next winner overwrites it
    }
    const match = claimName.exec(name);
    if (!match) continue;
    const file = path.join(folder, name);
    const holder = readHolder(file) ?? { pid: Number(match[1]), host: hostname() };
    if (holderIsAlive(holder)) contender ??= { ...holder, holding: false };
    else removeQuietly(file);
  }
  return contender;
}

function writeAtomically(temporary: string, file: string, content: string, displayName: string): void {
  try {
    writeFileSync(temporary, content);
    renameSync(temporary, file);
  } catch (error) {
    removeQuietly(temporary);
    throw lockError(error, displayName);
  }
}

/** A failure to write the lock's files, said of the project: nothing has been changed yet. */
function lockError(error: unknown, displayName: string): DvpError {
  if (isDiskFull(error)) return diskFullError(displayName, 'lock the project for writing', 'nothing-changed', error);
  return fromFsError(error, displayName, 'lock the project for writing');
}

function removeQuietly(file: string): void {
  try {
    unlinkSync(file);
  } catch {
    // Already gone.
  }
}

const pause = new Int32Array(new SharedArrayBuffer(4));
function sleep(ms: number): void {
  Atomics.wait(pause, 0, 0, ms);
}

function readHolder(file: string): Holder | undefined {
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as Partial<Holder>;
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
