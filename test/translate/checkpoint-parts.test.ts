import assert from 'node:assert/strict';
import path from 'node:path';
import { after, test } from 'node:test';
import { loadLatestCheckpoint, saveCheckpoint } from '../../src-main/engine/translate/checkpoint-store.js';
import type { Snapshot } from '../../src-main/engine/translate/model.js';
import { tempDir } from '../helpers/paths.js';
import { projectWithModel } from './fixtures/project.js';

const temp = tempDir('dvp-parts-');
after(() => temp.cleanup());

function snapshot(weights: number, optimizer: number, seed: number): Snapshot {
  const fill = (n: number, k: number): Float32Array => Float32Array.from({ length: n }, (_, i) => Math.sin(i * 0.37 + k));
  return {
    manifest: { weights: [{ name: 'w', shape: [weights], offset: 0 }], optimizer: [{ name: 'w/adam_m', shape: [optimizer], offset: 0 }], adamSteps: { generator: seed, discriminator: seed } },
    weights: fill(weights, seed),
    optimizer: fill(optimizer, seed + 1),
  };
}

test('a checkpoint larger than one stored value is written in parts and read back whole; re-saving a step replaces its parts', async () => {
  const { project, model } = await projectWithModel(path.join(temp.dir, 'a'));
  try {
    const first = snapshot(2500, 5001, 1);
    const id = saveCheckpoint(project, { modelId: model.id, runId: null, step: 10, snapshot: first, metrics: {}, partBytes: 4000 });
    const parts = project.db.prepare('SELECT kind, COUNT(*) AS n FROM checkpoint_parts WHERE checkpoint_id = ? GROUP BY kind ORDER BY kind').all(id);
    assert.deepEqual(parts, [{ kind: 'optimizer', n: 6 }, { kind: 'weights', n: 3 }]);
    const loaded = loadLatestCheckpoint(project, model.id)!;
    assert.deepEqual(loaded.weights, first.weights);
    assert.deepEqual(loaded.optimizer, first.optimizer);

    const second = snapshot(2500, 5001, 7);
    saveCheckpoint(project, { modelId: model.id, runId: null, step: 10, snapshot: second, metrics: {}, partBytes: 1 << 20 });
    assert.deepEqual(loadLatestCheckpoint(project, model.id)!.optimizer, second.optimizer);
    assert.equal((project.db.prepare('SELECT COUNT(*) AS n FROM checkpoint_parts').get() as { n: number }).n, 2);
    // Dropping old checkpoints drops their parts.
    for (const step of [20, 30]) saveCheckpoint(project, { modelId: model.id, runId: null, step, snapshot: second, metrics: {} });
    assert.equal((project.db.prepare('SELECT COUNT(*) AS n FROM checkpoint_parts WHERE checkpoint_id = ?').get(id) as { n: number }).n, 0);
  } finally {
    project.close();
  }
});

test('a checkpoint written before parts existed (buffers in its own row) still loads', async () => {
  const { project, model } = await projectWithModel(path.join(temp.dir, 'b'));
  try {
    const old = snapshot(300, 600, 3);
    project.db
      .prepare('INSERT INTO checkpoints (model_id, run_id, step, created_at, manifest, weights, optimizer, metrics) VALUES (?, NULL, 5, ?, ?, ?, ?, ?)')
      .run(model.id, new Date().toISOString(), JSON.stringify(old.manifest), Buffer.from(old.weights.buffer), Buffer.from(old.optimizer.buffer), '{}');
    const loaded = loadLatestCheckpoint(project, model.id)!;
    assert.deepEqual(loaded.weights, old.weights);
    assert.deepEqual(loaded.optimizer, old.optimizer);
  } finally {
    project.close();
  }
});
