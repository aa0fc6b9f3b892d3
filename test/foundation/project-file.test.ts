import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { LATEST_SCHEMA_VERSION, migrations } from '../../src-main/engine/project/migrations/index.js';
import { Project } from '../../src-main/engine/project/project.js';
import { DvpError } from '../../src-main/shared/errors.js';
import { sha256 } from '../helpers/cli.js';
import { tempDir } from '../helpers/paths.js';

describe('the .dvp project file', () => {
  let dir: string;
  let cleanup: () => void;
  before(() => ({ dir, cleanup } = tempDir()));
  after(() => cleanup());

  it('is created with WAL, full sync, foreign keys, STRICT tables and the latest schema', () => {
    const file = path.join(dir, 'new.dvp');
    const project = Project.create(file);
    try {
      assert.equal(project.db.pragma('journal_mode', { simple: true }), 'wal');
      assert.equal(project.db.pragma('synchronous', { simple: true }), 2); // FULL
      assert.equal(project.db.pragma('foreign_keys', { simple: true }), 1);
      assert.equal(project.db.pragma('user_version', { simple: true }), LATEST_SCHEMA_VERSION);
      const clips = project.db.prepare("SELECT sql FROM sqlite_schema WHERE name = 'clips'").get() as { sql: string };
      assert.match(clips.sql, /STRICT/);
      assert.deepEqual(project.integrityCheck(), ['ok']);
    } finally {
      project.close();
    }
    assert.equal(existsSync(`${file}.lock`), false, 'closing releases the writer lock');
  });

  it('lists migrations in strictly ascending version order', () => {
    const versions = migrations.map((m) => m.version);
    assert.deepEqual(versions, [...versions].sort((a, b) => a - b));
    assert.equal(new Set(versions).size, versions.length);
    assert.equal(LATEST_SCHEMA_VERSION, versions.at(-1));
  });

  it('migrates the tracked gaps of a version-9 project to {first, last}', () => {
    const db = new Database(':memory:');
    db.exec('CREATE TABLE face_models (clip_id INTEGER PRIMARY KEY, gaps TEXT NOT NULL)');
    const insert = db.prepare('INSERT INTO face_models (clip_id, gaps) VALUES (?, ?)');
    insert.run(1, JSON.stringify([{ start: 0, end: 2 }, { start: 45, end: 69 }]));
    insert.run(2, '[]');
    migrations.find((m) => m.version === 10)!.up(db);
    const gaps = (db.prepare('SELECT clip_id, gaps FROM face_models ORDER BY clip_id').all() as { clip_id: number; gaps: string }[]).map((row) => JSON.parse(row.gaps) as unknown);
    assert.deepEqual(gaps, [[{ first: 0, last: 2 }, { first: 45, last: 69 }], []]);
    db.close();
  });

  it('refuses to overwrite an existing file', () => {
    const file = path.join(dir, 'exists.dvp');
    writeFileSync(file, 'precious');
    assert.throws(() => Project.create(file), (e: unknown) => e instanceof DvpError && e.code === 'INVALID_ARGUMENT');
  });

  it('refuses a project from a newer version and leaves the file untouched', () => {
    const file = path.join(dir, 'future.dvp');
    Project.create(file).close();
    const raw = new Database(file);
    raw.pragma(`user_version = ${LATEST_SCHEMA_VERSION + 5}`);
    raw.close();
    const before = sha256(file);
    for (const readonly of [false, true]) {
      assert.throws(
        () => Project.open(file, { readonly }),
        (e: unknown) => e instanceof DvpError && e.code === 'PROJECT_TOO_NEW' && e.message.includes(file) && e.message.includes('newer version'),
      );
    }
    assert.equal(sha256(file), before);
    assert.equal(existsSync(`${file}.lock`), false);
  });

  it('refuses files that are not DVP projects', () => {
    const text = path.join(dir, 'notes.dvp');
    writeFileSync(text, 'this is not a database at all, just some text that is long enough');
    assert.throws(() => Project.open(text), (e: unknown) => e instanceof DvpError && e.code === 'PROJECT_INVALID');
    const other = path.join(dir, 'other.sqlite');
    const db = new Database(other);
    db.exec('CREATE TABLE t (x)');
    db.close();
    assert.throws(() => Project.open(other), (e: unknown) => e instanceof DvpError && e.code === 'PROJECT_INVALID' && /not a DVP Studio project/.test(e.message));
    assert.throws(() => Project.open(path.join(dir, 'missing.dvp')), (e: unknown) => e instanceof DvpError && e.code === 'FILE_NOT_FOUND');
  });

  it("allows one writer at a time, readers alongside, and takes over a dead writer's lock", () => {
    const file = path.join(dir, 'locked.dvp');
    const writer = Project.create(file);
    try {
      assert.throws(() => Project.open(file), (e: unknown) => e instanceof DvpError && e.code === 'PROJECT_LOCKED');
      const reader = Project.open(file, { readonly: true });
      assert.equal(reader.meta('created_at'), writer.meta('created_at'));
      reader.close();
    } finally {
      writer.close();
    }
    // A lock left by a process that no longer exists (SIGKILL) does not block.
    writeFileSync(`${file}.lock`, JSON.stringify({ pid: 2 ** 22 + 12345, host: hostname() }));
    const again = Project.open(file);
    again.close();
  });

  it('keeps metadata across close and reopen', () => {
    const file = path.join(dir, 'meta.dvp');
    const project = Project.create(file);
    project.setMeta('note', 'hello');
    project.close();
    const reopened = Project.open(file, { readonly: true });
    assert.equal(reopened.meta('note'), 'hello');
    reopened.close();
  });
});
