import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { LATEST_SCHEMA_VERSION } from '../../src-main/engine/project/migrations/index.js';
import { Project } from '../../src-main/engine/project/project.js';
import { selectBackend } from '../../src-main/engine/translate/backend.js';
import { listRuns, loadLatestCheckpoint } from '../../src-main/engine/translate/checkpoint-store.js';
import type { TrainingSource } from '../../src-main/engine/translate/dataset.js';
import type { ParameterGroup } from '../../src-main/engine/translate/nearest-neighbour.js';
import { listHeldOutScores, saveHeldOutScores } from '../../src-main/engine/translate/score-store.js';
import { train, type TrainProgress } from '../../src-main/engine/translate/trainer.js';
import { DvpError } from '../../src-main/shared/errors.js';
import { tempDir } from '../helpers/paths.js';
import type { FramesSource } from './fixtures/frames-source.js';
import { openFrames, projectWithModel, standInSplit } from './fixtures/project.js';

const temp = tempDir('dvp-heldout-');
let source: FramesSource;
/** The stand-in source's parameters: 8×8 block colours (see fixtures/frames-source.ts). */
let groups: ParameterGroup[];
before(async () => {
  await selectBackend('wasm');
  source = await openFrames();
  groups = [{ name: 'thumbnail', start: 0, length: source.parameters(0).length, weight: 1 }];
});
after(() => temp.cleanup());

/** The source, counting the calls of `parameters` (the nearest-neighbour baseline is the only caller). */
function counting(inner: TrainingSource): { source: TrainingSource; calls: () => number } {
  let calls = 0;
  const wrapped = new Proxy(inner, {
    get(target, key) {
      if (key === 'parameters') {
        return (index: number) => {
          calls += 1;
          return target.parameters(index);
        };
      }
      const value: unknown = Reflect.get(target, key);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
  return { source: wrapped, calls: () => calls };
}

test('every N steps and at the end the held-out frames are scored against a baseline scored once, and the scores are kept in the project', async () => {
  const dir = path.join(temp.dir, 'scores');
  const { file, project, model } = await projectWithModel(dir);
  const split = standInSplit(source);
  const { source: counted, calls } = counting(source);
  const events: TrainProgress[] = [];
  let runId: number;
  try {
    const result = await train({
      project, model, source: counted, trainIndices: split.train, targetStep: 10, checkpointEvery: 5, backend: 'wasm',
      evaluateEvery: 4, evaluation: { heldOut: split.heldOut, parameterGroups: groups },
      onProgress: (p) => events.push(p),
    });
    assert.equal(result.status, 'finished');
    assert.equal(result.step, 10);
    runId = listRuns(project, model.id).at(-1)!.id;
  } finally {
    project.close();
  }
  const scored = events.filter((e) => e.heldOut !== undefined);
  assert.deepEqual(scored.map((e) => e.step), [4, 8, 10]);
  for (const { step, heldOut } of scored) {
    assert.equal(heldOut!.step, step);
    assert.equal(heldOut!.frames, split.heldOut.length);
    for (const scores of [heldOut!.model, heldOut!.nearestNeighbour]) {
      assert.ok(Number.isFinite(scores.psnr) && scores.psnr > 5 && scores.psnr < 60, `PSNR ${scores.psnr}`);
      assert.ok(scores.ssim > -1 && scores.ssim <= 1, `SSIM ${scores.ssim}`);
      assert.ok(scores.l1 > 0 && scores.l1 < 1, `L1 ${scores.l1}`);
    }
  }
  // The baseline does not depend on the model: one set of values, computed at the first evaluation only
  // (each of the two retrievals, by all parameters and by head pose, reads every training frame's
  // parameters and each scored frame's, once).
  assert.deepEqual(scored[1]!.heldOut!.nearestNeighbour, scored[0]!.heldOut!.nearestNeighbour);
  assert.deepEqual(scored[2]!.heldOut!.nearestNeighbour, scored[0]!.heldOut!.nearestNeighbour);
  assert.equal(calls(), 2 * (split.train.length + split.heldOut.length));
  // The model's scores move as it trains.
  assert.notDeepEqual(scored[2]!.heldOut!.model, scored[0]!.heldOut!.model);

  // Listed back from the SQLite file, opened afresh.
  const reopened = Project.open(file, { readonly: true });
  try {
    assert.equal(reopened.db.pragma('user_version', { simple: true }), LATEST_SCHEMA_VERSION);
    const stored = listHeldOutScores(reopened, model.id);
    assert.deepEqual(stored.map((s) => s.step), [4, 8, 10]);
    stored.forEach((s, i) => {
      const { heldOut } = scored[i]!;
      assert.equal(s.modelId, model.id);
      assert.equal(s.runId, runId);
      assert.equal(s.frames, heldOut!.frames);
      assert.deepEqual(s.model, heldOut!.model);
      assert.deepEqual(s.nearestNeighbour, heldOut!.nearestNeighbour);
      assert.ok(!Number.isNaN(Date.parse(s.createdAt)));
    });
    assert.deepEqual(listHeldOutScores(reopened, model.id + 1), []);
  } finally {
    reopened.close();
  }
});

test('early stop ends the run before its target once the held-out PSNR stops improving, with a checkpoint at that step', async () => {
  const { project, model } = await projectWithModel(path.join(temp.dir, 'early'));
  try {
    const split = standInSplit(source);
    const events: TrainProgress[] = [];
    // No evaluation can beat the first by 100 dB: the second one ends the run.
    const result = await train({
      project, model, source, trainIndices: split.train, targetStep: 40, checkpointEvery: 100, backend: 'wasm',
      evaluateEvery: 3, evaluation: { heldOut: split.heldOut, parameterGroups: groups, maxFrames: 4 },
      earlyStop: { patience: 1, minDelta: 100 },
      onProgress: (p) => events.push(p),
    });
    assert.equal(result.status, 'converged');
    assert.equal(result.step, 6);
    assert.match(result.message ?? '', /Stopped early at step 6: the held-out PSNR has not improved on [\d.]+ dB \(step 3\) by more than 100 dB in 1 evaluation\./);
    assert.equal(events.at(-1)!.step, 6);
    assert.deepEqual(events.filter((e) => e.heldOut).map((e) => [e.step, e.heldOut!.frames]), [[3, 4], [6, 4]]);
    assert.equal(events.at(-1)!.checkpoint, loadLatestCheckpoint(project, model.id)!.id);
    assert.equal(loadLatestCheckpoint(project, model.id)!.step, 6);
    const run = listRuns(project, model.id).at(-1)!;
    assert.deepEqual([run.status, run.endStep, run.targetStep], ['finished', 6, 40]);
    const message = project.db.prepare('SELECT message FROM training_runs WHERE id = ?').get(run.id) as { message: string };
    assert.equal(message.message, result.message);
    assert.deepEqual(listHeldOutScores(project, model.id).map((s) => s.step), [3, 6]);

    // A patient run on the same model resumes at step 6 and trains on to its target.
    const patient = await train({
      project, model, source, trainIndices: split.train, targetStep: 9, backend: 'wasm',
      evaluateEvery: 3, evaluation: { heldOut: split.heldOut, parameterGroups: groups, maxFrames: 4 },
      earlyStop: { patience: 5 },
    });
    assert.deepEqual([patient.status, patient.startStep, patient.step], ['finished', 6, 9]);
    assert.deepEqual(listHeldOutScores(project, model.id).map((s) => s.step), [3, 6, 9]);
  } finally {
    project.close();
  }
});

test('early stop without held-out scoring is refused before training starts', async () => {
  const { project, model } = await projectWithModel(path.join(temp.dir, 'refused'));
  try {
    const split = standInSplit(source);
    await assert.rejects(
      train({ project, model, source, trainIndices: split.train, targetStep: 2, backend: 'wasm', earlyStop: { patience: 2 } }),
      (e: unknown) => e instanceof DvpError && e.code === 'INVALID_ARGUMENT' && /Early stopping needs held-out scores/.test(e.message),
    );
    await assert.rejects(
      train({ project, model, source, trainIndices: split.train, targetStep: 2, backend: 'wasm', evaluateEvery: 1, evaluation: { heldOut: [], parameterGroups: groups } }),
      (e: unknown) => e instanceof DvpError && e.code === 'INVALID_ARGUMENT',
    );
    assert.deepEqual(listRuns(project, model.id), []);
  } finally {
    project.close();
  }
});

test('scores that are not numbers (a diverged model) and infinite PSNR (identical images) are kept; a step scored again keeps its latest scores', async () => {
  const { project, model } = await projectWithModel(path.join(temp.dir, 'odd'));
  try {
    saveHeldOutScores(project, { modelId: model.id, runId: null, step: 5, frames: 3, model: { psnr: 1, ssim: 0.5, l1: 0.5 }, nearestNeighbour: { psnr: 2, ssim: 0.6, l1: 0.4 } });
    saveHeldOutScores(project, { modelId: model.id, runId: null, step: 5, frames: 3, model: { psnr: NaN, ssim: NaN, l1: NaN }, nearestNeighbour: { psnr: Infinity, ssim: 1, l1: 0 } });
    const [stored, ...rest] = listHeldOutScores(project, model.id);
    assert.equal(rest.length, 0);
    assert.deepEqual([stored!.step, stored!.runId, stored!.model, stored!.nearestNeighbour], [5, null, { psnr: NaN, ssim: NaN, l1: NaN }, { psnr: Infinity, ssim: 1, l1: 0 }]);
  } finally {
    project.close();
  }
});
