import type { Migration } from './types.js';

/**
 * Lane mute (issue 13): a muted lane keeps its keys, and the composition ignores it.
 * See src-main/engine/edit/compose.ts.
 */
export const migration0009: Migration = {
  version: 9,
  name: 'lane-mute',
  up(db) {
    db.exec(`ALTER TABLE edit_lanes ADD COLUMN muted INTEGER NOT NULL DEFAULT 0 CHECK (muted IN (0, 1));`);
  },
};
