import type { Migration } from './types.js';

/**
 * Quality while training (issue 12): every evaluation a training run makes on the held-out
 * frames — the model's PSNR (dB), SSIM and L1 and the nearest-neighbour baseline's on the
 * same frames — one row per model and step (a step trained again after a resume keeps its
 * latest scores). A score is NULL when it was not a number (a diverged model's NaN output);
 * PSNR is +Inf where the images were identical. See src-main/engine/translate/score-store.ts.
 */
export const migration0008: Migration = {
  version: 8,
  name: 'held-out-scores',
  up(db) {
    db.exec(`
      CREATE TABLE held_out_scores (
        model_id   INTEGER NOT NULL REFERENCES models(id) ON DELETE CASCADE,
        run_id     INTEGER REFERENCES training_runs(id) ON DELETE SET NULL,
        step       INTEGER NOT NULL CHECK (step >= 0),
        frames     INTEGER NOT NULL CHECK (frames > 0),
        psnr       REAL,
        ssim       REAL,
        l1         REAL,
        nn_psnr    REAL,
        nn_ssim    REAL,
        nn_l1      REAL,
        created_at TEXT NOT NULL,
        PRIMARY KEY (model_id, step)
      ) STRICT;
    `);
  },
};
