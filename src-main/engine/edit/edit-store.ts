import type { Database } from 'better-sqlite3';
import type { SourceBinding, BindingMode } from './bindings.js';
import type { Lane, LaneMode } from './compose.js';
import type { Keyframe, KeyframeType } from './keyframes.js';

/** Reading and writing the edit tables (migration 0005). Callers own the transaction. */

export interface Shot {
  id: number;
  targetClipId: number;
  createdAt: string;
}

interface ShotRow {
  id: number;
  target_clip_id: number;
  created_at: string;
}

interface KeyRow {
  id: string;
  param: string;
  position: number;
  value: number;
  type: KeyframeType;
  in_x: number;
  in_y: number;
  out_x: number;
  out_y: number;
  connected_right: number;
}

interface BindingRow {
  id: string;
  ord: number;
  source_clip_id: number;
  offset_frames: number;
  mode: BindingMode;
  strength: number;
  source_neutral_frame: number | null;
  target_neutral_frame: number | null;
  range_start: number | null;
  range_end: number | null;
}

/** A keyframe together with the lane it sits on. */
export interface LaneKey {
  param: string;
  key: Keyframe;
}

export interface OrderedBinding {
  binding: SourceBinding;
  order: number;
}

/** True when the project's schema has the edit tables (a read-only older project may not). */
export function hasEditTables(db: Database): boolean {
  return db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'edit_shots'").get() !== undefined;
}

function shotFromRow(row: ShotRow): Shot {
  return { id: row.id, targetClipId: row.target_clip_id, createdAt: row.created_at };
}

export function findShot(db: Database, targetClipId: number): Shot | undefined {
  const row = db.prepare('SELECT * FROM edit_shots WHERE target_clip_id = ?').get(targetClipId) as ShotRow | undefined;
  return row ? shotFromRow(row) : undefined;
}

export function shotById(db: Database, shotId: number): Shot | undefined {
  const row = db.prepare('SELECT * FROM edit_shots WHERE id = ?').get(shotId) as ShotRow | undefined;
  return row ? shotFromRow(row) : undefined;
}

export function listShots(db: Database): Shot[] {
  return (db.prepare('SELECT * FROM edit_shots ORDER BY target_clip_id').all() as ShotRow[]).map(shotFromRow);
}

export function insertShot(db: Database, targetClipId: number): Shot {
  const createdAt = new Date().toISOString();
  const result = db.prepare('INSERT INTO edit_shots (target_clip_id, created_at) VALUES (?, ?)').run(targetClipId, createdAt);
  return { id: Number(result.lastInsertRowid), targetClipId, createdAt };
}

function keyFromRow(row: KeyRow): LaneKey {
  return {
    param: row.param,
    key: {
      id: row.id,
      position: row.position,
      value: row.value,
      type: row.type,
      handles: [row.in_x, row.in_y, row.out_x, row.out_y],
      connectedRight: row.connected_right === 1,
    },
  };
}

export function keyById(db: Database, shotId: number, id: string): LaneKey | undefined {
  const row = db.prepare('SELECT * FROM edit_keyframes WHERE shot_id = ? AND id = ?').get(shotId, id) as KeyRow | undefined;
  return row ? keyFromRow(row) : undefined;
}

export function keyAt(db: Database, shotId: number, param: string, position: number): LaneKey | undefined {
  const row = db.prepare('SELECT * FROM edit_keyframes WHERE shot_id = ? AND param = ? AND position = ?').get(shotId, param, position) as KeyRow | undefined;
  return row ? keyFromRow(row) : undefined;
}

export function writeKey(db: Database, shotId: number, param: string, key: Keyframe): void {
  const [inX, inY, outX, outY] = key.handles;
  db.prepare(
    `INSERT INTO edit_keyframes (shot_id, id, param, position, value, type, in_x, in_y, out_x, out_y, connected_right)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (shot_id, id) DO UPDATE SET param = excluded.param, position = excluded.position, value = excluded.value,
       type = excluded.type, in_x = excluded.in_x, in_y = excluded.in_y, out_x = excluded.out_x, out_y = excluded.out_y,
       connected_right = excluded.connected_right`,
  ).run(shotId, key.id, param, key.position, key.value, key.type, inX, inY, outX, outY, key.connectedRight ? 1 : 0);
}

export function deleteKey(db: Database, shotId: number, id: string): void {
  db.prepare('DELETE FROM edit_keyframes WHERE shot_id = ? AND id = ?').run(shotId, id);
}

export function laneModeRow(db: Database, shotId: number, param: string): LaneMode | undefined {
  return laneRow(db, shotId, param)?.mode;
}

/** A lane's stored settings; undefined when it has no row (an unmuted offset lane). */
export interface LaneSettings {
  mode: LaneMode;
  muted: boolean;
}

export function laneRow(db: Database, shotId: number, param: string): LaneSettings | undefined {
  const row = db.prepare('SELECT mode, muted FROM edit_lanes WHERE shot_id = ? AND param = ?').get(shotId, param) as { mode: LaneMode; muted: number } | undefined;
  return row ? { mode: row.mode, muted: row.muted === 1 } : undefined;
}

export function writeLaneRow(db: Database, shotId: number, param: string, settings: LaneSettings): void {
  db.prepare('INSERT INTO edit_lanes (shot_id, param, mode, muted) VALUES (?, ?, ?, ?) ON CONFLICT (shot_id, param) DO UPDATE SET mode = excluded.mode, muted = excluded.muted').run(
    shotId,
    param,
    settings.mode,
    settings.muted ? 1 : 0,
  );
}

export function keysOnLane(db: Database, shotId: number, param: string): LaneKey[] {
  return (db.prepare('SELECT * FROM edit_keyframes WHERE shot_id = ? AND param = ? ORDER BY position').all(shotId, param) as KeyRow[]).map(keyFromRow);
}

export function writeLaneMode(db: Database, shotId: number, param: string, mode: LaneMode): void {
  db.prepare('INSERT INTO edit_lanes (shot_id, param, mode) VALUES (?, ?, ?) ON CONFLICT (shot_id, param) DO UPDATE SET mode = excluded.mode').run(shotId, param, mode);
}

export function deleteLaneMode(db: Database, shotId: number, param: string): void {
  db.prepare('DELETE FROM edit_lanes WHERE shot_id = ? AND param = ?').run(shotId, param);
}

/** Every lane that has keys or a row, keys sorted by position, lanes by name. */
export function readLanes(db: Database, shotId: number): Lane[] {
  const lanes = new Map<string, { param: string; mode: LaneMode; muted: boolean; keys: Keyframe[] }>();
  for (const row of db.prepare('SELECT param, mode, muted FROM edit_lanes WHERE shot_id = ?').all(shotId) as { param: string; mode: LaneMode; muted: number }[]) {
    lanes.set(row.param, { param: row.param, mode: row.mode, muted: row.muted === 1, keys: [] });
  }
  for (const row of db.prepare('SELECT * FROM edit_keyframes WHERE shot_id = ? ORDER BY param, position').all(shotId) as KeyRow[]) {
    const { param, key } = keyFromRow(row);
    let lane = lanes.get(param);
    if (!lane) {
      lane = { param, mode: 'offset', muted: false, keys: [] };
      lanes.set(param, lane);
    }
    lane.keys.push(key);
  }
  return [...lanes.values()].sort((a, b) => (a.param < b.param ? -1 : a.param > b.param ? 1 : 0));
}

function bindingFromRow(row: BindingRow): OrderedBinding {
  return {
    order: row.ord,
    binding: {
      id: row.id,
      sourceClipId: row.source_clip_id,
      offset: row.offset_frames,
      mode: row.mode,
      strength: row.strength,
      sourceNeutralFrame: row.source_neutral_frame,
      targetNeutralFrame: row.target_neutral_frame,
      rangeStart: row.range_start,
      rangeEnd: row.range_end,
    },
  };
}

export function bindingById(db: Database, shotId: number, id: string): OrderedBinding | undefined {
  const row = db.prepare('SELECT * FROM edit_bindings WHERE shot_id = ? AND id = ?').get(shotId, id) as BindingRow | undefined;
  return row ? bindingFromRow(row) : undefined;
}

/** The shot's bindings in application order. */
export function readBindings(db: Database, shotId: number): OrderedBinding[] {
  return (db.prepare('SELECT * FROM edit_bindings WHERE shot_id = ? ORDER BY ord, id').all(shotId) as BindingRow[]).map(bindingFromRow);
}

export function nextBindingOrder(db: Database, shotId: number): number {
  const row = db.prepare('SELECT MAX(ord) AS top FROM edit_bindings WHERE shot_id = ?').get(shotId) as { top: number | null };
  return (row.top ?? -1) + 1;
}

export function writeBinding(db: Database, shotId: number, { binding: b, order }: OrderedBinding): void {
  db.prepare(
    `INSERT INTO edit_bindings (shot_id, id, ord, source_clip_id, offset_frames, mode, strength,
       source_neutral_frame, target_neutral_frame, range_start, range_end)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (shot_id, id) DO UPDATE SET ord = excluded.ord, source_clip_id = excluded.source_clip_id,
       offset_frames = excluded.offset_frames, mode = excluded.mode, strength = excluded.strength,
       source_neutral_frame = excluded.source_neutral_frame, target_neutral_frame = excluded.target_neutral_frame,
       range_start = excluded.range_start, range_end = excluded.range_end`,
  ).run(shotId, b.id, order, b.sourceClipId, b.offset, b.mode, b.strength, b.sourceNeutralFrame, b.targetNeutralFrame, b.rangeStart, b.rangeEnd);
}

export function deleteBinding(db: Database, shotId: number, id: string): void {
  db.prepare('DELETE FROM edit_bindings WHERE shot_id = ? AND id = ?').run(shotId, id);
}
