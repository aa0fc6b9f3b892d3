/**
 * The README's exit-code contract on the failures issue 15 found: every failure prints one
 * message and exits 1 (input or environment), 2 (usage) or 70 (internal), never silently, and
 * the project's write lock is always released. On a real project (target-tedlieu-256.mp4,
 * frames 0-29 tracked).
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { copyFileSync, openSync, readdirSync, readFileSync, writeSync, closeSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { Project } from '../../src-main/engine/project/project.js';
import { dvp, sha256 } from '../helpers/cli.js';
import { media, REPO_ROOT, tempDir } from '../helpers/paths.js';

const temp = tempDir('dvp-exit-contract-');
const tracked = path.join(temp.dir, 'tracked.dvp');
after(() => temp.cleanup());

before(async () => {
  for (const args of [['new', tracked], ['import', tracked, media('target-tedlieu-256.mp4'), '--role', 'target'], ['track', tracked, '--range', '0-29']]) {
    const result = await dvp(args);
    assert.equal(result.code, 0, `${args[0]}: ${result.stderr}`);
  }
});

/** A fresh copy of the tracked project (the lock files of one test never meet another's). */
function copyOf(name: string): string {
  const file = path.join(temp.dir, name);
  copyFileSync(tracked, file);
  return file;
}

function lockFiles(file: string): string[] {
  return readdirSync(path.dirname(file)).filter((name) => name.startsWith(`${path.basename(file)}.lock`));
}

function rowCount(file: string, table: string): number {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    return (db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n;
  } finally {
    db.close();
  }
}

/** One message line, no stack trace. */
function assertOneMessage(stderr: string, pattern: RegExp): void {
  assert.match(stderr, pattern);
  assert.doesNotMatch(stderr, /^\s+at /m, `no stack trace: ${stderr}`);
}

function run(args: string[], options: { timeoutMs?: number } = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

describe('usage errors exit 2 with a message and change nothing', () => {
  it('dvp track --workers 0 (and other non-counts) is a usage error, the lock is not left', async () => {
    const file = copyOf('workers.dvp');
    const before = sha256(file);
    for (const workers of ['0', '-1', '1.5', 'two']) {
      const result = await dvp(['track', file, '--workers', workers]);
      assert.equal(result.code, 2, `--workers ${workers}: ${result.stderr}`);
      assertOneMessage(result.stderr, /^dvp track: --workers must be (a whole number of at least 1|a number)/m);
      assert.match(result.stderr, /^Usage: dvp track /m);
    }
    assert.equal(sha256(file), before);
    assert.deepEqual(lockFiles(file), []);
  });

  it('dvp train --steps 0 (or --checkpoint-every 0) is a usage error and records nothing', async () => {
    const file = copyOf('steps.dvp');
    const before = sha256(file);
    for (const args of [['--steps', '0'], ['--checkpoint-every', '0'], ['--checkpoint-minutes', '-1'], ['--steps', 'many']]) {
      const result = await dvp(['train', file, '--preset', 'cpu-tiny', '--backend', 'wasm', ...args]);
      assert.equal(result.code, 2, `${args.join(' ')}: ${result.stderr}`);
      assertOneMessage(result.stderr, new RegExp(`^dvp train: ${args[0]} must be`, 'm'));
    }
    assert.equal(sha256(file), before, 'the project file is untouched');
    assert.equal(rowCount(file, 'models'), 0);
    assert.equal(rowCount(file, 'training_runs'), 0);
    assert.deepEqual(lockFiles(file), []);
  });
});

describe('environment failures exit 1 with a message', () => {
  it('dvp serve on a project open for writing elsewhere exits 1 with the lock message, not a usage error', async () => {
    const file = copyOf('locked.dvp');
    const holder = Project.open(file);
    try {
      const result = await dvp(['serve', file, '--port', '0']);
      assert.equal(result.code, 1, result.stderr);
      assertOneMessage(result.stderr, new RegExp(`^dvp serve: .*the project is open for writing in another DVP Studio process \\(pid ${process.pid} on `, 'm'));
      assert.doesNotMatch(result.stderr, /^Usage:/m);
    } finally {
      holder.close();
    }
    assert.deepEqual(lockFiles(file), []);
  });

  it('a project with damaged pages in the middle is refused on open for writing, untouched', async () => {
    const file = copyOf('damaged.dvp');
    const bytes = readFileSync(file);
    const pageSize = bytes.readUInt16BE(16) === 1 ? 65536 : bytes.readUInt16BE(16);
    const pages = bytes.length / pageSize;
    assert.ok(pages >= 20, `${pages} pages`);
    // Random bytes (seeded) over five pages in the middle; the header page stays intact.
    let seed = 12345;
    const noise = Buffer.alloc(5 * pageSize, 0).map(() => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 24));
    const fd = openSync(file, 'r+');
    writeSync(fd, noise, 0, noise.length, Math.floor(pages / 2 - 2) * pageSize);
    closeSync(fd);
    const damaged = sha256(file);

    const info = await dvp(['info', file]);
    assert.equal(info.code, 0, 'reading needs no check: info still opens it');
    for (const args of [['track', file, '--range', '0-29'], ['key', file, '--param', 'headYaw', '--frame', '3', '--value', '2'], ['undo', file]]) {
      const result = await dvp(args);
      assert.equal(result.code, 1, `${args[0]}: ${result.stderr}`);
      assertOneMessage(result.stderr, new RegExp(`^dvp ${args[0]}: .*damaged\\.dvp: the project file is damaged: .+; restore it from a backup\\.$`, 'm'));
      assert.doesNotMatch(result.stderr, /internal error/);
      assert.equal(sha256(file), damaged, `${args[0]} left the file untouched`);
      assert.deepEqual(lockFiles(file), []);
    }
  });
});

describe('failures outside a command\'s promise chain', () => {
  const stray = (mode: string, file: string) => run(['--import', 'tsx', path.join(REPO_ROOT, 'test/cli/fixtures/stray-command.ts'), mode, file]);

  it('a command that can no longer finish (nothing left to wait for) exits 70 with a message and releases the lock', async () => {
    const file = copyOf('stray-1.dvp');
    const result = await stray('never-settles', file);
    assert.equal(result.code, 70, result.stderr);
    assert.match(result.stderr, /^dvp stray: internal error: the command stopped before finishing/m);
    assert.deepEqual(lockFiles(file), []);
  });

  it('an exception thrown outside the command exits 70 with a message and releases the lock', async () => {
    const file = copyOf('stray-2.dvp');
    const result = await stray('uncaught', file);
    assert.equal(result.code, 70, result.stderr);
    assert.match(result.stderr, /^dvp stray: internal error: Error: thrown from a timer/m);
    assert.deepEqual(lockFiles(file), []);
  });

  it('an unhandled rejection with a full disk exits 1 "the disk is full" and releases the lock', async () => {
    const file = copyOf('stray-3.dvp');
    const result = await stray('disk-full-rejection', file);
    assert.equal(result.code, 1, result.stderr);
    assertOneMessage(result.stderr, /^dvp stray: .*stray-3\.dvp: the disk is full\. The work already committed to the project is kept/m);
    assert.deepEqual(lockFiles(file), []);
  });
});
