import Database from 'better-sqlite3';
import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import path from 'node:path';
import { DvpError, fromFsError } from '../../shared/errors.js';
import { LATEST_SCHEMA_VERSION } from './migrations/index.js';
import { migrate } from './migrate.js';
import { WriterLock } from './writer-lock.js';

const SQLITE_MAGIC = 'SQLite format 3\0';
export const PROJECT_APPLICATION_ID = 0x44565031; // "DVP1"

export interface OpenOptions {
  /** Open for reading only: no migration, no write lock. */
  readonly?: boolean;
}

/**
 * A `.dvp` project file: one SQLite database, opened by one writer at a time.
 * Every write goes through a transaction, so a killed process leaves the last
 * committed state (WAL, synchronous=FULL).
 */
export class Project {
  readonly db: Database.Database;
  readonly file: string;
  readonly readonly: boolean;
  private readonly lock: WriterLock | undefined;

  private constructor(db: Database.Database, file: string, lock: WriterLock | undefined) {
    this.db = db;
    this.file = file;
    this.readonly = lock === undefined;
    this.lock = lock;
  }

  /** Creates a new, empty project. Refuses to overwrite an existing file. */
  static create(file: string): Project {
    const absolute = path.resolve(file);
    if (existsSync(absolute)) {
      throw new DvpError('INVALID_ARGUMENT', `${file}: a file already exists there; choose another name or delete it first.`, { file });
    }
    let db: Database.Database;
    try {
      db = new Database(absolute);
    } catch (error) {
      throw fromFsError(error, file, 'create the project file');
    }
    const lock = WriterLock.acquire(absolute, file);
    try {
      db.pragma(`application_id = ${PROJECT_APPLICATION_ID}`);
      configure(db);
      migrate(db, file);
      db.prepare('INSERT INTO project_meta (key, value) VALUES (?, ?)').run('created_at', new Date().toISOString());
    } catch (error) {
      db.close();
      lock.release();
      throw error instanceof DvpError ? error : fromFsError(error, file, 'initialise the project file');
    }
    return new Project(db, absolute, lock);
  }

  static open(file: string, options: OpenOptions = {}): Project {
    const absolute = path.resolve(file);
    assertLooksLikeProject(absolute, file);
    const readonly = options.readonly ?? false;
    const lock = readonly ? undefined : WriterLock.acquire(absolute, file);
    let db: Database.Database;
    try {
      db = new Database(absolute, { readonly, fileMustExist: true, timeout: 5000 });
    } catch (error) {
      lock?.release();
      throw fromFsError(error, file, 'open the project');
    }
    try {
      const appId = db.pragma('application_id', { simple: true }) as number;
      if (appId !== PROJECT_APPLICATION_ID) {
        throw new DvpError('PROJECT_INVALID', `${file}: this SQLite file is not a DVP Studio project.`, { file });
      }
      if (readonly) {
        const version = db.pragma('user_version', { simple: true }) as number;
        if (version > LATEST_SCHEMA_VERSION) migrate(db, file); // throws PROJECT_TOO_NEW
      } else {
        configure(db);
        migrate(db, file);
      }
    } catch (error) {
      db.close();
      lock?.release();
      if (error instanceof DvpError) throw error;
      throw new DvpError('PROJECT_INVALID', `${file}: the project file is damaged (${(error as Error).message}).`, { file, cause: error });
    }
    return new Project(db, absolute, lock);
  }

  /** Runs `work` in one IMMEDIATE transaction: all of it lands, or none. */
  transaction<T>(work: () => T): T {
    return this.db.transaction(work).immediate();
  }

  get directory(): string {
    return path.dirname(this.file);
  }

  meta(key: string): string | undefined {
    const row = this.db.prepare('SELECT value FROM project_meta WHERE key = ?').get(key) as { value: string } | undefined;
    return row?.value;
  }

  setMeta(key: string, value: string): void {
    this.db.prepare('INSERT INTO project_meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(key, value);
  }

  integrityCheck(): string[] {
    const rows = this.db.pragma('integrity_check') as { integrity_check: string }[];
    return rows.map((r) => r.integrity_check);
  }

  close(): void {
    if (!this.db.open) return;
    if (!this.readonly) this.db.pragma('wal_checkpoint(TRUNCATE)');
    this.db.close();
    this.lock?.release();
  }
}

function configure(db: Database.Database): void {
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
}

function assertLooksLikeProject(absolute: string, file: string): void {
  let size: number;
  try {
    size = statSync(absolute).size;
  } catch (error) {
    throw fromFsError(error, file, 'open the project');
  }
  const header = Buffer.alloc(16);
  if (size >= 16) {
    const fd = openSync(absolute, 'r');
    try {
      readSync(fd, header, 0, 16, 0);
    } finally {
      closeSync(fd);
    }
  }
  if (size < 16 || header.toString('latin1') !== SQLITE_MAGIC) {
    throw new DvpError('PROJECT_INVALID', `${file}: not a DVP Studio project (the file is not an SQLite database).`, { file });
  }
}
