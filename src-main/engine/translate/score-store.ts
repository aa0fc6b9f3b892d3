/**
 * Held-out scores recorded while a model trains (migration 0008): at each evaluation step,
 * the model's PSNR, SSIM and L1 on the held-out frames and the nearest-neighbour baseline's
 * on the same frames. One row per model and step; a step evaluated again (a killed run
 * resumed from an earlier checkpoint) keeps its latest scores. NaN scores (a diverged model)
 * are kept as NULL and read back as NaN.
 */
import type { Project } from '../project/project.js';
import type { ImageScores } from './metrics.js';

export interface HeldOutScores {
  step: number;
  /** Held-out frames scored. */
  frames: number;
  model: ImageScores;
  nearestNeighbour: ImageScores;
}

export interface HeldOutScoreRecord extends HeldOutScores {
  modelId: number;
  /** The training run that made the evaluation (null once that run was deleted). */
  runId: number | null;
  createdAt: string;
}

interface ScoreRow {
  model_id: number; run_id: number | null; step: number; frames: number; created_at: string;
  psnr: number | null; ssim: number | null; l1: number | null; nn_psnr: number | null; nn_ssim: number | null; nn_l1: number | null;
}

/** SQLite stores NaN as NULL. */
const score = (value: number | null): number => value ?? NaN;

export function saveHeldOutScores(project: Project, options: { modelId: number; runId: number | null } & HeldOutScores): void {
  const { model: m, nearestNeighbour: nn } = options;
  project.db
    .prepare(`INSERT INTO held_out_scores (model_id, run_id, step, frames, psnr, ssim, l1, nn_psnr, nn_ssim, nn_l1, created_at)
              VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
              ON CONFLICT (model_id, step) DO UPDATE SET run_id = excluded.run_id, frames = excluded.frames, psnr = excluded.psnr,
              ssim = excluded.ssim, l1 = excluded.l1, nn_psnr = excluded.nn_psnr, nn_ssim = excluded.nn_ssim, nn_l1 = excluded.nn_l1,
              created_at = excluded.created_at`)
    .run(options.modelId, options.runId, options.step, options.frames, m.psnr, m.ssim, m.l1, nn.psnr, nn.ssim, nn.l1, new Date().toISOString());
}

/** A model's held-out scores by step; empty for a project opened read-only before migration 0008. */
export function listHeldOutScores(project: Project, modelId: number): HeldOutScoreRecord[] {
  const table = project.db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'held_out_scores'").get();
  if (!table) return [];
  const rows = project.db.prepare('SELECT * FROM held_out_scores WHERE model_id = ? ORDER BY step').all(modelId) as ScoreRow[];
  return rows.map((r) => ({
    modelId: r.model_id, runId: r.run_id, step: r.step, frames: r.frames, createdAt: r.created_at,
    model: { psnr: score(r.psnr), ssim: score(r.ssim), l1: score(r.l1) },
    nearestNeighbour: { psnr: score(r.nn_psnr), ssim: score(r.nn_ssim), l1: score(r.nn_l1) },
  }));
}
