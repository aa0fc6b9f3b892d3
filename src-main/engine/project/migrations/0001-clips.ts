import type { Migration } from './types.js';

export const migration0001: Migration = {
  version: 1,
  name: 'clips',
  up(db) {
    db.exec(`
      CREATE TABLE project_meta (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
      ) STRICT;

      CREATE TABLE clips (
        id             INTEGER PRIMARY KEY,
        name           TEXT NOT NULL,
        role           TEXT NOT NULL CHECK (role IN ('target', 'source', 'audio')),
        path           TEXT NOT NULL,
        content_hash   TEXT NOT NULL,
        size_bytes     INTEGER NOT NULL,
        width          INTEGER NOT NULL,
        height         INTEGER NOT NULL,
        frame_count    INTEGER NOT NULL,
        fps_num        INTEGER NOT NULL,
        fps_den        INTEGER NOT NULL,
        duration_s     REAL NOT NULL,
        start_timecode TEXT,
        video_codec    TEXT NOT NULL,
        pix_fmt        TEXT NOT NULL,
        color_space    TEXT,
        color_range    TEXT,
        audio_json     TEXT NOT NULL,
        imported_at    TEXT NOT NULL
      ) STRICT;

      CREATE INDEX clips_content_hash ON clips (content_hash);
    `);
  },
};
