import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { after, test } from 'node:test';
import Database from 'better-sqlite3';
import { Project } from '../../src-main/engine/project/project.js';
import { selectBackend } from '../../src-main/engine/translate/backend.js';
import { getModel, listCheckpoints, listRuns } from '../../src-main/engine/translate/checkpoint-store.js';
import { train } from '../../src-main/engine/translate/trainer.js';
import { REPO_ROOT, tempDir } from '../helpers/paths.js';
import { openFrames, projectWithModel, standInSplit } from './fixtures/project.js';

const temp = tempDir('dvp-kill-');
after(() => temp.cleanup());

function latestStep(file: string): number {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const row = db.prepare('SELECT MAX(step) AS step FROM checkpoints').get() as { step: number | null };
    return row.step ?? 0;
  } finally {
    db.close();
  }
}

test('SIGKILL during training loses at most one checkpoint interval, keeps the project intact, and training resumes', async () => {
  const { file, project, model } = await projectWithModel(temp.dir);
  project.close();

  const child = spawn(process.execPath, ['--import', 'tsx', path.join(REPO_ROOT, 'test/translate/fixtures/train-child.ts'), file, String(model.id), '1000'], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let lastReported = 0;
  child.stdout.on('data', (chunk: Buffer) => {
    for (const m of chunk.toString().matchAll(/step (\d+)/g)) lastReported = Number(m[1]);
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));

  const deadline = Date.now() + 120_000;
  while (latestStep(file) < 5 && Date.now() < deadline) {
    if (child.exitCode !== null) assert.fail(`the training child exited early: ${stderr}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  assert.ok(latestStep(file) >= 5 || lastReported >= 5, `no checkpoint past step 4 in time: ${stderr}`);
  child.kill('SIGKILL');
  assert.equal(await exited, 'SIGKILL');

  const reopened = Project.open(file);
  try {
    assert.deepEqual(reopened.integrityCheck(), ['ok']);
    const checkpoints = listCheckpoints(reopened, model.id);
    const saved = checkpoints.at(-1)!.step;
    assert.ok(saved >= 4, `latest checkpoint at step ${saved}`);
    // Checkpoints every 2 steps: the kill lost fewer than 2 steps of those the child finished.
    assert.ok(lastReported - saved < 2 + 1, `reported ${lastReported}, saved ${saved}`);
    assert.ok(checkpoints.length <= 2, 'old checkpoints are pruned');
    assert.equal(listRuns(reopened, model.id).at(-1)!.status, 'running');

    const backend = await selectBackend('wasm');
    const source = await openFrames();
    const result = await train({
      project: reopened, model: getModel(reopened, model.id), source, trainIndices: standInSplit(source).train,
      targetStep: saved + 2, checkpointEvery: 2, backend: backend.name,
    });
    assert.equal(result.startStep, saved);
    assert.equal(result.step, saved + 2);
    const runs = listRuns(reopened, model.id);
    assert.deepEqual(runs.map((r) => r.status), ['interrupted', 'finished']);
    assert.equal(listCheckpoints(reopened, model.id).at(-1)!.step, saved + 2);
    assert.deepEqual(reopened.integrityCheck(), ['ok']);
  } finally {
    reopened.close();
  }
});
