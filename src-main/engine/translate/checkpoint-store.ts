/**
 * Models, training runs, checkpoints and evaluations in the project file (migration 0003).
 * Each checkpoint is one row written in one transaction: a killed process leaves either
 * the previous checkpoint or the new one, never half of one.
 */
import { DvpError } from '../../shared/errors.js';
import type { Project } from '../project/project.js';
import { validateConfig, type ModelConfig } from './config.js';
import type { CheckpointManifest, Snapshot } from './model.js';

export interface ModelRecord {
  id: number;
  clipId: number;
  name: string;
  config: ModelConfig;
  /** Where the training data came from and how it was split (free-form, JSON). */
  data: Record<string, unknown>;
  createdAt: string;
}

export interface CheckpointRecord {
  id: number;
  modelId: number;
  step: number;
  createdAt: string;
  metrics: Record<string, number>;
}

export interface LoadedCheckpoint extends CheckpointRecord {
  manifest: CheckpointManifest;
  weights: Float32Array;
  optimizer: Float32Array;
}

interface ModelRow { id: number; clip_id: number; name: string; config: string; data: string; created_at: string }
interface CheckpointRow { id: number; model_id: number; step: number; created_at: string; metrics: string; manifest?: string; weights?: Buffer; optimizer?: Buffer }

function toModel(row: ModelRow): ModelRecord {
  return { id: row.id, clipId: row.clip_id, name: row.name, config: JSON.parse(row.config) as ModelConfig, data: JSON.parse(row.data) as Record<string, unknown>, createdAt: row.created_at };
}

function floats(buffer: Buffer): Float32Array {
  // Copy into an aligned buffer: SQLite hands back arbitrary byte offsets.
  const out = new Float32Array(buffer.byteLength / 4);
  new Uint8Array(out.buffer).set(buffer);
  return out;
}

/** Largest part of a stored tensor buffer (better-sqlite3 binds at most 512 MiB per value). */
export const CHECKPOINT_PART_BYTES = 256 * 2 ** 20;

type BufferKind = 'weights' | 'optimizer';

function writeParts(project: Project, checkpointId: number, kind: BufferKind, data: Float32Array, partBytes: number): void {
  const insert = project.db.prepare('INSERT INTO checkpoint_parts (checkpoint_id, kind, part, data) VALUES (?, ?, ?, ?)');
  const all = bytes(data);
  for (let part = 0, offset = 0; offset < all.byteLength || part === 0; part++, offset += partBytes) {
    insert.run(checkpointId, kind, part, all.subarray(offset, Math.min(all.byteLength, offset + partBytes)));
  }
}

/** The stored buffer: its parts in order, or (checkpoints written before parts) the row's own column. */
function readBuffer(project: Project, row: CheckpointRow, kind: BufferKind): Float32Array {
  const parts = project.db.prepare('SELECT data FROM checkpoint_parts WHERE checkpoint_id = ? AND kind = ? ORDER BY part').all(row.id, kind) as { data: Buffer }[];
  if (parts.length === 0) return floats(row[kind]!);
  const out = new Float32Array(parts.reduce((n, p) => n + p.data.byteLength, 0) / 4);
  const view = new Uint8Array(out.buffer);
  let offset = 0;
  for (const { data } of parts) {
    view.set(data, offset);
    offset += data.byteLength;
  }
  return out;
}

function bytes(data: Float32Array): Buffer {
  return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
}

export function createModel(project: Project, options: { clipId: number; name: string; config: ModelConfig; data: Record<string, unknown> }): ModelRecord {
  validateConfig(options.config);
  const createdAt = new Date().toISOString();
  const result = project.db
    .prepare('INSERT INTO models (clip_id, name, preset, config, data, created_at) VALUES (?, ?, ?, ?, ?, ?)')
    .run(options.clipId, options.name, options.config.preset, JSON.stringify(options.config), JSON.stringify(options.data), createdAt);
  return { id: Number(result.lastInsertRowid), clipId: options.clipId, name: options.name, config: options.config, data: options.data, createdAt };
}

export function getModel(project: Project, id: number): ModelRecord {
  const row = project.db.prepare('SELECT * FROM models WHERE id = ?').get(id) as ModelRow | undefined;
  if (!row) throw new DvpError('NOT_FOUND', `${project.file}: there is no model ${id} in this project.`, { file: project.file });
  return toModel(row);
}

export function listModels(project: Project): ModelRecord[] {
  return (project.db.prepare('SELECT * FROM models ORDER BY id').all() as ModelRow[]).map(toModel);
}

/** The most recently created model, or undefined. */
export function latestModel(project: Project): ModelRecord | undefined {
  const row = project.db.prepare('SELECT * FROM models ORDER BY id DESC LIMIT 1').get() as ModelRow | undefined;
  return row ? toModel(row) : undefined;
}

export function startRun(project: Project, modelId: number, backend: string, startStep: number, targetStep: number): number {
  return project.transaction(() => {
    // One writer at a time holds the project, so a run still marked running was killed.
    project.db.prepare("UPDATE training_runs SET status = 'interrupted' WHERE model_id = ? AND status = 'running'").run(modelId);
    const result = project.db
      .prepare("INSERT INTO training_runs (model_id, backend, started_at, start_step, target_step, status) VALUES (?, ?, ?, ?, ?, 'running')")
      .run(modelId, backend, new Date().toISOString(), startStep, targetStep);
    return Number(result.lastInsertRowid);
  });
}

export function endRun(project: Project, runId: number, status: 'finished' | 'cancelled' | 'failed', endStep: number, secondsPerStep: number | null, message: string | null = null): void {
  project.db
    .prepare('UPDATE training_runs SET status = ?, ended_at = ?, end_step = ?, seconds_per_step = ?, message = ? WHERE id = ?')
    .run(status, new Date().toISOString(), endStep, secondsPerStep, message, runId);
}

export interface RunRecord { id: number; status: string; startStep: number; endStep: number | null; targetStep: number; backend: string }

export function listRuns(project: Project, modelId: number): RunRecord[] {
  const rows = project.db.prepare('SELECT id, status, start_step, end_step, target_step, backend FROM training_runs WHERE model_id = ? ORDER BY id').all(modelId) as
    { id: number; status: string; start_step: number; end_step: number | null; target_step: number; backend: string }[];
  return rows.map((r) => ({ id: r.id, status: r.status, startStep: r.start_step, endStep: r.end_step, targetStep: r.target_step, backend: r.backend }));
}

/** Saves a checkpoint and drops all but the newest `keep` of the model, in one transaction. */
export function saveCheckpoint(project: Project, options: {
  modelId: number; runId: number | null; step: number; snapshot: Snapshot; metrics: Record<string, number>; keep?: number;
  /** Bytes per stored part (default CHECKPOINT_PART_BYTES; a multiple of 4). */
  partBytes?: number;
}): number {
  const keep = options.keep ?? 2;
  const partBytes = options.partBytes ?? CHECKPOINT_PART_BYTES;
  return project.transaction(() => {
    project.db
      .prepare(`INSERT INTO checkpoints (model_id, run_id, step, created_at, manifest, weights, optimizer, metrics) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (model_id, step) DO UPDATE SET run_id = excluded.run_id, created_at = excluded.created_at, manifest = excluded.manifest,
                weights = excluded.weights, optimizer = excluded.optimizer, metrics = excluded.metrics`)
      .run(options.modelId, options.runId, options.step, new Date().toISOString(), JSON.stringify(options.snapshot.manifest),
        Buffer.alloc(0), Buffer.alloc(0), JSON.stringify(options.metrics));
    const { id } = project.db.prepare('SELECT id FROM checkpoints WHERE model_id = ? AND step = ?').get(options.modelId, options.step) as { id: number };
    project.db.prepare('DELETE FROM checkpoint_parts WHERE checkpoint_id = ?').run(id);
    writeParts(project, id, 'weights', options.snapshot.weights, partBytes);
    writeParts(project, id, 'optimizer', options.snapshot.optimizer, partBytes);
    project.db
      .prepare('DELETE FROM checkpoints WHERE model_id = ? AND id NOT IN (SELECT id FROM checkpoints WHERE model_id = ? ORDER BY step DESC LIMIT ?)')
      .run(options.modelId, options.modelId, keep);
    return id;
  });
}

export function listCheckpoints(project: Project, modelId: number): CheckpointRecord[] {
  const rows = project.db.prepare('SELECT id, model_id, step, created_at, metrics FROM checkpoints WHERE model_id = ? ORDER BY step').all(modelId) as CheckpointRow[];
  return rows.map((r) => ({ id: r.id, modelId: r.model_id, step: r.step, createdAt: r.created_at, metrics: JSON.parse(r.metrics) as Record<string, number> }));
}

export function loadLatestCheckpoint(project: Project, modelId: number): LoadedCheckpoint | undefined {
  const row = project.db.prepare('SELECT * FROM checkpoints WHERE model_id = ? ORDER BY step DESC LIMIT 1').get(modelId) as CheckpointRow | undefined;
  if (!row) return undefined;
  return {
    id: row.id, modelId: row.model_id, step: row.step, createdAt: row.created_at,
    metrics: JSON.parse(row.metrics) as Record<string, number>,
    manifest: JSON.parse(row.manifest!) as CheckpointManifest,
    weights: readBuffer(project, row, 'weights'),
    optimizer: readBuffer(project, row, 'optimizer'),
  };
}

export function saveEvaluation(project: Project, options: { modelId: number; checkpointId: number | null; step: number; frames: number[]; metrics: Record<string, unknown> }): number {
  const result = project.db
    .prepare('INSERT INTO evaluations (model_id, checkpoint_id, step, created_at, frames, metrics) VALUES (?, ?, ?, ?, ?, ?)')
    .run(options.modelId, options.checkpointId, options.step, new Date().toISOString(), JSON.stringify(options.frames), JSON.stringify(options.metrics));
  return Number(result.lastInsertRowid);
}
