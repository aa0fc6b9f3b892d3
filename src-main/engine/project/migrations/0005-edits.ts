import type { Migration } from './types.js';

/**
 * The edit model: one shot per target clip, keyframe lanes, source bindings, and the undo
 * history (so undo/redo survive closing the project). See src-main/engine/edit/.
 */
export const migration0005: Migration = {
  version: 5,
  name: 'edits',
  up(db) {
    db.exec(`
      CREATE TABLE edit_shots (
        id             INTEGER PRIMARY KEY,
        target_clip_id INTEGER NOT NULL UNIQUE REFERENCES clips(id) ON DELETE CASCADE,
        created_at     TEXT NOT NULL
      ) STRICT;

      -- A lane row exists only once its mode was set; a lane without one is an offset lane.
      CREATE TABLE edit_lanes (
        shot_id INTEGER NOT NULL REFERENCES edit_shots(id) ON DELETE CASCADE,
        param   TEXT NOT NULL,
        mode    TEXT NOT NULL CHECK (mode IN ('offset', 'absolute')),
        PRIMARY KEY (shot_id, param)
      ) STRICT;

      CREATE TABLE edit_keyframes (
        shot_id         INTEGER NOT NULL REFERENCES edit_shots(id) ON DELETE CASCADE,
        id              TEXT NOT NULL,
        param           TEXT NOT NULL,
        position        INTEGER NOT NULL CHECK (position >= 0),
        value           REAL NOT NULL,
        type            TEXT NOT NULL CHECK (type IN ('hold', 'linear', 'bezier')),
        in_x            REAL NOT NULL CHECK (in_x BETWEEN 0 AND 1),
        in_y            REAL NOT NULL,
        out_x           REAL NOT NULL CHECK (out_x BETWEEN 0 AND 1),
        out_y           REAL NOT NULL,
        connected_right INTEGER NOT NULL CHECK (connected_right IN (0, 1)),
        PRIMARY KEY (shot_id, id),
        UNIQUE (shot_id, param, position)
      ) STRICT;

      CREATE TABLE edit_bindings (
        shot_id              INTEGER NOT NULL REFERENCES edit_shots(id) ON DELETE CASCADE,
        id                   TEXT NOT NULL,
        ord                  INTEGER NOT NULL,
        source_clip_id       INTEGER NOT NULL REFERENCES clips(id) ON DELETE CASCADE,
        offset_frames        INTEGER NOT NULL,
        mode                 TEXT NOT NULL CHECK (mode IN ('full', 'expression', 'mouth', 'gaze')),
        strength             REAL NOT NULL CHECK (strength BETWEEN 0 AND 1),
        source_neutral_frame INTEGER CHECK (source_neutral_frame >= 0),
        target_neutral_frame INTEGER CHECK (target_neutral_frame >= 0),
        range_start          INTEGER CHECK (range_start >= 0),
        range_end            INTEGER CHECK (range_end >= range_start),
        PRIMARY KEY (shot_id, id)
      ) STRICT;

      CREATE INDEX edit_bindings_source ON edit_bindings (source_clip_id);

      -- One row per user edit: the primitive operations that do it and those that undo it
      -- (JSON). Rows in state 'undone' form the redo stack; they always have the highest seq.
      CREATE TABLE edit_history (
        seq           INTEGER PRIMARY KEY,
        shot_id       INTEGER NOT NULL REFERENCES edit_shots(id) ON DELETE CASCADE,
        label         TEXT NOT NULL,
        forward_json  TEXT NOT NULL,
        backward_json TEXT NOT NULL,
        state         TEXT NOT NULL CHECK (state IN ('done', 'undone')),
        created_at    TEXT NOT NULL
      ) STRICT;

      CREATE INDEX edit_history_shot ON edit_history (shot_id);
    `);
  },
};
