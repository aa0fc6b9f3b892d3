import type { Database } from 'better-sqlite3';
import { DvpError } from '../../shared/errors.js';
import { LATEST_SCHEMA_VERSION, migrations } from './migrations/index.js';

export function schemaVersion(db: Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/**
 * Brings the schema to the latest version in one transaction, so a crash leaves
 * either the old or the new schema. A file from a newer DVP Studio is refused untouched.
 */
export function migrate(db: Database, file: string): void {
  const current = schemaVersion(db);
  if (current > LATEST_SCHEMA_VERSION) {
    throw new DvpError(
      'PROJECT_TOO_NEW',
      `${file}: this project was written by a newer version of DVP Studio (schema ${current}; this version reads up to ${LATEST_SCHEMA_VERSION}). Update DVP Studio to open it.`,
      { file },
    );
  }
  const pending = migrations.filter((m) => m.version > current);
  if (pending.length === 0) return;
  db.transaction(() => {
    for (const migration of pending) {
      migration.up(db);
      db.pragma(`user_version = ${migration.version}`);
    }
  }).immediate();
}
