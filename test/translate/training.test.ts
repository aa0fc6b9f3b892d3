import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { decodePng } from '../../src-main/engine/media/png.js';
import { selectBackend } from '../../src-main/engine/translate/backend.js';
import { createModel, loadLatestCheckpoint, listCheckpoints } from '../../src-main/engine/translate/checkpoint-store.js';
import { presetConfig, inputChannels } from '../../src-main/engine/translate/config.js';
import type { FramesSource } from './fixtures/frames-source.js';
import { TranslationModel } from '../../src-main/engine/translate/model.js';
import { trainStep } from '../../src-main/engine/translate/train-step.js';
import { train, type TrainProgress } from '../../src-main/engine/translate/trainer.js';
import { tempDir } from '../helpers/paths.js';
import { openFrames, projectWithModel, standInSplit } from './fixtures/project.js';

const temp = tempDir('dvp-train-');
let source: FramesSource;
before(async () => {
  await selectBackend('wasm');
  source = await openFrames();
});
after(() => temp.cleanup());

test('the tensor count does not grow across training steps (with dropout and batch 2)', () => {
  const config = presetConfig('cpu-tiny');
  config.network.dropout = [0.5, 0.5];
  config.training.batchSize = 2;
  const model = new TranslationModel(config);
  const r = config.network.resolution;
  const x = tf.randomUniform([2, r, r, inputChannels(config.network)], -1, 1) as tf.Tensor4D;
  const y = tf.randomUniform([2, r, r, 3], -1, 1) as tf.Tensor4D;
  trainStep(model, x, y, 0);
  const counts: number[] = [];
  const bytes: number[] = [];
  for (let step = 1; step <= 3; step++) {
    const losses = trainStep(model, x, y, step);
    assert.ok(Number.isFinite(losses.generator) && Number.isFinite(losses.discriminator));
    counts.push(tf.memory().numTensors);
    bytes.push(tf.memory().numBytes);
  }
  assert.equal(new Set(counts).size, 1, `tensor counts ${counts.join(', ')}`);
  assert.equal(new Set(bytes).size, 1, `bytes ${bytes.join(', ')}`);
  tf.dispose([x, y]);
  model.dispose();
});

test('the initial weights follow the seed: the same seed gives the same network, another seed another', () => {
  const config = presetConfig('cpu-tiny');
  const weights = (seed: number): Float32Array => {
    const model = new TranslationModel(config, seed);
    try {
      return model.snapshot().weights;
    } finally {
      model.dispose();
    }
  };
  const first = weights(7);
  assert.deepEqual(weights(7), first);
  const other = weights(8);
  assert.equal(other.length, first.length);
  assert.ok(other.some((value, i) => value !== first[i]));
});

test('training on real frames lowers the L1 loss, reports progress, writes previews and checkpoints', async () => {
  const { project, model } = await projectWithModel(path.join(temp.dir));
  try {
    const split = standInSplit(source);
    assert.equal(split.train.length, 32);
    assert.equal(split.heldOut[0], 32);
    const events: TrainProgress[] = [];
    const previewDir = path.join(temp.dir, 'previews');
    const result = await train({
      project, model, source, trainIndices: split.train, previewIndex: split.heldOut[0]!, targetStep: 24, checkpointEvery: 8, previewEvery: 12, previewDir, backend: 'wasm',
      onProgress: (p) => events.push(p),
    });
    assert.equal(result.status, 'finished');
    assert.deepEqual(events.map((e) => e.step), Array.from({ length: 24 }, (_, i) => i + 1));
    assert.ok(events.every((e) => e.targetStep === 24 && e.stepsPerSecond > 0 && Number.isFinite(e.etaSeconds)));
    const early = events.slice(0, 4).reduce((s, e) => s + e.losses.l1, 0) / 4;
    const late = events.slice(-4).reduce((s, e) => s + e.losses.l1, 0) / 4;
    assert.ok(late < early * 0.8, `L1 ${early.toFixed(3)} → ${late.toFixed(3)}`);
    assert.deepEqual(events.filter((e) => e.checkpoint !== undefined).map((e) => e.step), [8, 16, 24]);
    assert.deepEqual(listCheckpoints(project, model.id).map((c) => c.step), [16, 24]);
    const preview = events.find((e) => e.step === 12)!.preview!;
    assert.ok(existsSync(preview));
    const image = decodePng(Buffer.from(await import('node:fs').then((fs) => fs.readFileSync(preview))));
    assert.equal(image.height, 64);
    assert.equal(image.width, 3 * 64 + 4);
  } finally {
    project.close();
  }
});

test('a run resumed from a checkpoint continues exactly like the uninterrupted run (weights, Adam state, sample order, decaying rate)', async () => {
  const { project, model } = await projectWithModel(path.join(temp.dir, 'resume'), (config) => {
    config.training.steps = 6;
    config.training.decayFrom = 0.3;
  });
  try {
    const split = standInSplit(source);
    const common = { project, source, trainIndices: split.train, checkpointEvery: 3, backend: 'wasm', seed: 5 };
    const straight = await train({ ...common, model, targetStep: 6 });
    assert.equal(straight.step, 6);
    // A second model that starts from the straight run's step-3 checkpoint.
    const other = createModel(project, { clipId: model.clipId, name: 'resumed', config: model.config, data: model.data });
    const copied = project.db.prepare(`INSERT INTO checkpoints (model_id, run_id, step, created_at, manifest, weights, optimizer, metrics)
      SELECT ?, NULL, step, created_at, manifest, weights, optimizer, metrics FROM checkpoints WHERE model_id = ? AND step = 3`).run(other.id, model.id);
    project.db.prepare(`INSERT INTO checkpoint_parts (checkpoint_id, kind, part, data)
      SELECT ?, kind, part, data FROM checkpoint_parts WHERE checkpoint_id = (SELECT id FROM checkpoints WHERE model_id = ? AND step = 3)`).run(copied.lastInsertRowid, model.id);
    const resumed = await train({ ...common, model: other, targetStep: 6 });
    assert.equal(resumed.startStep, 3);
    assert.equal(resumed.step, 6);
    assert.deepEqual(resumed.losses, straight.losses);
    const a = loadLatestCheckpoint(project, model.id)!;
    const b = loadLatestCheckpoint(project, other.id)!;
    assert.equal(b.manifest.adamSteps.generator, 6);
    assert.deepEqual(b.manifest, a.manifest);
    assert.deepEqual(b.weights, a.weights);
    assert.deepEqual(b.optimizer, a.optimizer);
  } finally {
    project.close();
  }
});
