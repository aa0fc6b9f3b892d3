import type { Migration } from './types.js';

/**
 * Face tracking (issue 3). Typed arrays are little-endian Float32/Uint8 BLOBs; layouts are
 * documented in src-main/engine/face/store.ts.
 */
export const migration0002: Migration = {
  version: 2,
  name: 'tracking',
  up(db) {
    db.exec(`
      CREATE TABLE expression_bases (
        version      INTEGER PRIMARY KEY,
        active_count INTEGER NOT NULL,
        components   BLOB NOT NULL,
        stddev       BLOB NOT NULL,
        learned_from TEXT NOT NULL,
        created_at   TEXT NOT NULL
      ) STRICT;

      CREATE TABLE face_detections (
        clip_id    INTEGER NOT NULL REFERENCES clips(id) ON DELETE CASCADE,
        frame      INTEGER NOT NULL,
        status     TEXT NOT NULL CHECK (status IN ('ok', 'none', 'corrupt')),
        face_count INTEGER NOT NULL,
        faces      BLOB,
        colours    BLOB,
        PRIMARY KEY (clip_id, frame)
      ) STRICT;

      CREATE TABLE face_models (
        clip_id            INTEGER PRIMARY KEY REFERENCES clips(id) ON DELETE CASCADE,
        basis_version      INTEGER NOT NULL REFERENCES expression_bases(version),
        neutral_shape      BLOB NOT NULL,
        albedo             BLOB NOT NULL,
        eyeball_centres    BLOB NOT NULL,
        eyeball_radius     REAL NOT NULL,
        iris_radius        REAL NOT NULL,
        fx                 REAL NOT NULL,
        fy                 REAL NOT NULL,
        cx                 REAL NOT NULL,
        cy                 REAL NOT NULL,
        width              INTEGER NOT NULL,
        height             INTEGER NOT NULL,
        neutral_frame      INTEGER NOT NULL,
        neutral_frame_auto INTEGER NOT NULL,
        smoothing          REAL NOT NULL,
        controls           TEXT NOT NULL,
        gaps               TEXT NOT NULL,
        stats              TEXT NOT NULL,
        updated_at         TEXT NOT NULL
      ) STRICT;

      CREATE TABLE face_frames (
        clip_id    INTEGER NOT NULL REFERENCES clips(id) ON DELETE CASCADE,
        frame      INTEGER NOT NULL,
        flags      INTEGER NOT NULL,
        confidence REAL NOT NULL,
        raw        BLOB NOT NULL,
        smoothed   BLOB NOT NULL,
        landmarks  BLOB,
        fit_error  REAL,
        PRIMARY KEY (clip_id, frame)
      ) STRICT;
    `);
  },
};
