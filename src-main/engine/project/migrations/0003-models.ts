import type { Migration } from './types.js';

/**
 * Translation networks (issue 5): a model is a person-specific generator/discriminator
 * pair trained on one target clip; its checkpoints hold the weights and the Adam state
 * as little-endian Float32 BLOBs laid out by `manifest` (see src-main/engine/translate/checkpoint-store.ts).
 */
export const migration0003: Migration = {
  version: 3,
  name: 'models',
  up(db) {
    db.exec(`
      CREATE TABLE models (
        id          INTEGER PRIMARY KEY,
        clip_id     INTEGER NOT NULL REFERENCES clips(id) ON DELETE CASCADE,
        name        TEXT NOT NULL,
        preset      TEXT NOT NULL,
        config      TEXT NOT NULL,
        data        TEXT NOT NULL,
        created_at  TEXT NOT NULL
      ) STRICT;

      CREATE INDEX models_clip ON models (clip_id);

      CREATE TABLE training_runs (
        id               INTEGER PRIMARY KEY,
        model_id         INTEGER NOT NULL REFERENCES models(id) ON DELETE CASCADE,
        backend          TEXT NOT NULL,
        started_at       TEXT NOT NULL,
        ended_at         TEXT,
        start_step       INTEGER NOT NULL,
        target_step      INTEGER NOT NULL,
        end_step         INTEGER,
        status           TEXT NOT NULL CHECK (status IN ('running', 'finished', 'cancelled', 'failed', 'interrupted')),
        seconds_per_step REAL,
        message          TEXT
      ) STRICT;

      CREATE INDEX training_runs_model ON training_runs (model_id);

      CREATE TABLE checkpoints (
        id         INTEGER PRIMARY KEY,
        model_id   INTEGER NOT NULL REFERENCES models(id) ON DELETE CASCADE,
        run_id     INTEGER REFERENCES training_runs(id) ON DELETE SET NULL,
        step       INTEGER NOT NULL,
        created_at TEXT NOT NULL,
        manifest   TEXT NOT NULL,
        weights    BLOB NOT NULL,
        optimizer  BLOB NOT NULL,
        metrics    TEXT NOT NULL,
        UNIQUE (model_id, step)
      ) STRICT;

      CREATE TABLE evaluations (
        id            INTEGER PRIMARY KEY,
        model_id      INTEGER NOT NULL REFERENCES models(id) ON DELETE CASCADE,
        checkpoint_id INTEGER REFERENCES checkpoints(id) ON DELETE SET NULL,
        step          INTEGER NOT NULL,
        created_at    TEXT NOT NULL,
        frames        TEXT NOT NULL,
        metrics       TEXT NOT NULL
      ) STRICT;
    `);
  },
};
