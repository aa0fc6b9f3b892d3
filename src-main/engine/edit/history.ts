import type { Database } from 'better-sqlite3';
import { DvpError } from '../../shared/errors.js';
import type { Project } from '../project/project.js';
import { hasEditTables, shotById } from './edit-store.js';
import { applyOperations, type Operation } from './operations.js';

/**
 * The undo history, stored in the project so it survives closing and reopening. Each row is
 * one whole user edit (committed on release, not per mouse move). Rows in state 'done' are the
 * undo stack, rows in state 'undone' the redo stack; a new edit clears the redo stack.
 */
export const DEFAULT_HISTORY_LIMIT = 500;

export interface HistoryEntry {
  seq: number;
  label: string;
  shotId: number;
  targetClipId: number;
  createdAt: string;
}

interface HistoryRow {
  seq: number;
  shot_id: number;
  label: string;
  forward_json: string;
  backward_json: string;
  created_at: string;
  state: 'done' | 'undone';
  target_clip_id: number;
}

const ENTRY_SELECT = `SELECT h.seq, h.shot_id, h.label, h.forward_json, h.backward_json, h.created_at, h.state, s.target_clip_id
  FROM edit_history h JOIN edit_shots s ON s.id = h.shot_id`;

function entryFromRow(row: HistoryRow): HistoryEntry {
  return { seq: row.seq, label: row.label, shotId: row.shot_id, targetClipId: row.target_clip_id, createdAt: row.created_at };
}

/** Records an applied edit, clears the redo stack and drops the oldest entries beyond `limit`. */
export function recordEdit(db: Database, shotId: number, label: string, forward: readonly Operation[], backward: readonly Operation[], limit: number): number {
  if (!Number.isInteger(limit) || limit < 1) throw new DvpError('INVALID_ARGUMENT', `the history limit must be a whole number of at least 1, not ${limit}.`);
  db.prepare("DELETE FROM edit_history WHERE state = 'undone'").run();
  const result = db
    .prepare("INSERT INTO edit_history (shot_id, label, forward_json, backward_json, state, created_at) VALUES (?, ?, ?, ?, 'done', ?)")
    .run(shotId, label, JSON.stringify(forward), JSON.stringify(backward), new Date().toISOString());
  db.prepare(
    "DELETE FROM edit_history WHERE state = 'done' AND seq NOT IN (SELECT seq FROM edit_history WHERE state = 'done' ORDER BY seq DESC LIMIT ?)",
  ).run(limit);
  return Number(result.lastInsertRowid);
}

function assertWritable(project: Project, action: string): void {
  project.requireWritable(action);
}

function replay(project: Project, row: HistoryRow, json: string, state: 'done' | 'undone'): HistoryEntry {
  const operations = JSON.parse(json) as Operation[];
  if (!shotById(project.db, row.shot_id)) {
    throw new DvpError('PROJECT_INVALID', `${project.file}: the edit history refers to shot ${row.shot_id}, which is missing.`, { file: project.file });
  }
  applyOperations(project.db, row.shot_id, operations);
  project.db.prepare('UPDATE edit_history SET state = ? WHERE seq = ?').run(state, row.seq);
  return entryFromRow(row);
}

/** Undoes the latest edit; undefined when there is nothing to undo. */
export function undo(project: Project): HistoryEntry | undefined {
  assertWritable(project, 'undo');
  return project.transaction(() => {
    const row = project.db.prepare(`${ENTRY_SELECT} WHERE h.state = 'done' ORDER BY h.seq DESC LIMIT 1`).get() as HistoryRow | undefined;
    return row ? replay(project, row, row.backward_json, 'undone') : undefined;
  });
}

/** Redoes the most recently undone edit; undefined when there is nothing to redo. */
export function redo(project: Project): HistoryEntry | undefined {
  assertWritable(project, 'redo');
  return project.transaction(() => {
    const row = project.db.prepare(`${ENTRY_SELECT} WHERE h.state = 'undone' ORDER BY h.seq ASC LIMIT 1`).get() as HistoryRow | undefined;
    return row ? replay(project, row, row.forward_json, 'done') : undefined;
  });
}

export interface HistoryState {
  /** Oldest first; the last one is what `undo` undoes. */
  undo: HistoryEntry[];
  /** Next first: the first one is what `redo` redoes. */
  redo: HistoryEntry[];
}

export function historyState(project: Project): HistoryState {
  if (!hasEditTables(project.db)) return { undo: [], redo: [] };
  const rows = project.db.prepare(`${ENTRY_SELECT} ORDER BY h.seq`).all() as HistoryRow[];
  return {
    undo: rows.filter((r) => r.state === 'done').map(entryFromRow),
    redo: rows.filter((r) => r.state === 'undone').map(entryFromRow),
  };
}
