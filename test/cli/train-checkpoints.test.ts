/**
 * Training checkpoints from the command line (cpu-tiny on the wasm backend, frames 0-29 of
 * target-tedlieu-256.mp4 tracked): SIGTERM or SIGINT (Ctrl-C) saves a checkpoint at the step reached and exits
 * 130, and the next run resumes from that step, not from 0; a checkpoint is due after
 * --checkpoint-minutes of training even when --checkpoint-every is far away; `dvp help train`
 * says both defaults; the run records the per-step loss history the training panel plots.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Project } from '../../src-main/engine/project/project.js';
import { listCheckpoints, listModels, listRuns } from '../../src-main/engine/translate/checkpoint-store.js';
import { readLossHistory } from '../../src-main/engine/translate/training-files.js';
import { dvp } from '../helpers/cli.js';
import { DVP_BIN, media, REPO_ROOT, tempDir } from '../helpers/paths.js';

const temp = tempDir('dvp-train-checkpoints-');
const file = path.join(temp.dir, 'train.dvp');
const TRAIN = ['--preset', 'cpu-tiny', '--frames', '0-29', '--backend', 'wasm', '--preview-every', '0'];
after(() => temp.cleanup());

before(async () => {
  for (const args of [['new', file], ['import', file, media('target-tedlieu-256.mp4'), '--role', 'target'], ['track', file, '--range', '0-29']]) {
    const result = await dvp(args);
    assert.equal(result.code, 0, `${args[0]}: ${result.stderr}`);
  }
});

function checkpointSteps(modelId: number): number[] {
  const project = Project.open(file, { readonly: true });
  try {
    return listCheckpoints(project, modelId).map((c) => c.step);
  } finally {
    project.close();
  }
}

describe('dvp train checkpoints', () => {
  it('says the checkpoint defaults and what Ctrl-C/SIGTERM do in dvp help train', async () => {
    const help = await dvp(['help', 'train']);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /--checkpoint-minutes M/);
    assert.match(help.stdout, /every 100 steps \(--checkpoint-every N\) or every 2 minutes of training/);
    assert.match(help.stdout, /Ctrl-C or SIGTERM saves a checkpoint at the current step and exits\s+with code 130/);
  });

  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it(`${signal} after the first step saves a checkpoint at the step reached, exits 130, and the next run resumes there`, async () => {
      // A new model; neither the step count (1000) nor the clock (0: off) makes a checkpoint: only the signal does.
      const child = spawn(process.execPath, [DVP_BIN, 'train', file, ...TRAIN, '--new', '--steps', '1000', '--checkpoint-every', '1000', '--checkpoint-minutes', '0'], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      let signalled = false;
      child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
      child.stderr.setEncoding('utf8').on('data', (c: string) => {
        stderr += c;
        if (!signalled && /^train [1-9]\d*\/1000/m.test(stderr)) {
          signalled = true;
          child.kill(signal);
        }
      });
      const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
      const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
      clearTimeout(timer);
      assert.ok(signalled, `training never reported a step: ${stderr}`);
      assert.equal(code, 130, `${stdout}\n${stderr}`);
      const stopped = Number(/model \d+: cancelled at step (\d+)/.exec(stdout)?.[1]);
      assert.ok(stopped >= 1 && stopped < 1000, stdout);
      assert.match(stderr, new RegExp(`^dvp train: Training was cancelled at step ${stopped}; the checkpoint is saved, run the same command to resume\\.$`, 'm'));

      const project = Project.open(file, { readonly: true });
      let modelId: number;
      try {
        const model = listModels(project).at(-1)!;
        modelId = model.id;
        assert.deepEqual(listCheckpoints(project, modelId).map((c) => c.step), [stopped], 'one checkpoint, at the step the signal stopped');
        assert.equal(listRuns(project, modelId).at(-1)!.status, 'cancelled');
      } finally {
        project.close();
      }

      const resumed = await dvp(['train', file, ...TRAIN, '--steps', String(stopped + 2)]);
      assert.equal(resumed.code, 0, resumed.stderr);
      assert.match(resumed.stdout, new RegExp(`resuming at step ${stopped}, target ${stopped + 2} steps`));
      assert.match(resumed.stdout, new RegExp(`model ${modelId}: finished at step ${stopped + 2}`));
      assert.equal(checkpointSteps(modelId).at(-1), stopped + 2);
    });
  }

  it('checkpoints after --checkpoint-minutes of training even when --checkpoint-every is far off', async () => {
    // 0.0001 minutes (6 ms) is shorter than one step: every step is due on time, none on count.
    const result = await dvp(['train', file, ...TRAIN, '--new', '--steps', '3', '--checkpoint-every', '1000', '--checkpoint-minutes', '0.0001']);
    assert.equal(result.code, 0, result.stderr);
    const modelId = Number(/model (\d+): finished at step 3/.exec(result.stdout)?.[1]);
    assert.ok(modelId > 0, result.stdout);
    // The newest two are kept: step 2 is there only because time made it due.
    assert.deepEqual(checkpointSteps(modelId), [2, 3]);
    // The loss history the training panel plots, one point per step, as a training job records it.
    const project = Project.open(file, { readonly: true });
    try {
      assert.deepEqual(readLossHistory(project, modelId).map((p) => p.step), [1, 2, 3]);
    } finally {
      project.close();
    }
  });
});
