import type { Migration } from './types.js';

/**
 * One frame-range shape everywhere (issue 14): the tracked gaps stored with each face model
 * become `{first, last}` (they were `{start, end}`).
 */
export const migration0010: Migration = {
  version: 10,
  name: 'frame-ranges',
  up(db) {
    db.exec(`
      UPDATE face_models SET gaps = (
        SELECT COALESCE(json_group_array(json_object('first', json_extract(gap.value, '$.start'), 'last', json_extract(gap.value, '$.end'))), '[]')
        FROM json_each(face_models.gaps) AS gap
      );
    `);
  },
};
