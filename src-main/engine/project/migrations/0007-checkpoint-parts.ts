import type { Migration } from './types.js';

/**
 * Checkpoints larger than one SQLite value can hold (paper-256's Adam state is over 600 MB;
 * better-sqlite3 binds at most 512 MiB): weights and optimizer state are stored as ordered parts
 * of at most 256 MiB each. A checkpoint with parts keeps empty BLOBs in its own weights and
 * optimizer columns; older checkpoints, without parts, keep theirs there.
 */
export const migration0007: Migration = {
  version: 7,
  name: 'checkpoint-parts',
  up(db) {
    db.exec(`
      CREATE TABLE checkpoint_parts (
        checkpoint_id INTEGER NOT NULL REFERENCES checkpoints(id) ON DELETE CASCADE,
        kind          TEXT NOT NULL CHECK (kind IN ('weights', 'optimizer')),
        part          INTEGER NOT NULL CHECK (part >= 0),
        data          BLOB NOT NULL,
        PRIMARY KEY (checkpoint_id, kind, part)
      ) STRICT;
    `);
  },
};
