import type { Migration } from './types.js';

/**
 * The shot crop (issue 4): one fixed square window per clip (a clip is one shot), in plate
 * pixels. Conditioning images, training targets and the composite all use it. An automatic
 * crop records the face model (`face_models.updated_at`) it was chosen from, so a later
 * tracking run re-chooses it; a crop set by the user (auto = 0) stays.
 */
export const migration0006: Migration = {
  version: 6,
  name: 'shot-crops',
  up(db) {
    db.exec(`
      CREATE TABLE shot_crops (
        clip_id    INTEGER PRIMARY KEY REFERENCES clips(id) ON DELETE CASCADE,
        x          INTEGER NOT NULL CHECK (x >= 0),
        y          INTEGER NOT NULL CHECK (y >= 0),
        size       INTEGER NOT NULL CHECK (size > 0),
        auto       INTEGER NOT NULL CHECK (auto IN (0, 1)),
        margin     REAL NOT NULL,
        tracked_at TEXT,
        updated_at TEXT NOT NULL
      ) STRICT;
    `);
  },
};
