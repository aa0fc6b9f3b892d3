/**
 * The writer lock under a race: RACERS processes ask for the lock of one project at the same
 * moment, 200 rounds, each round with what a killed writer leaves behind (its record, its
 * claim, or both, with a pid that cannot exist). Exactly one process wins each round, the
 * others are refused with PROJECT_LOCKED, and releasing leaves no lock file behind.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { readdirSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { after, test } from 'node:test';
import { REPO_ROOT, tempDir } from '../helpers/paths.js';

const ROUNDS = Number(process.env.DVP_LOCK_ROUNDS ?? 200);
const RACERS = 5;
/** Above the largest pid Linux hands out (pid_max is at most 2^22). */
const DEAD_PID = 2 ** 22 + 12345;

const temp = tempDir('dvp-lock-race-');
after(() => temp.cleanup());

interface Racer {
  child: ChildProcessWithoutNullStreams;
  next(): Promise<string>;
}

function startRacer(): Racer {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(REPO_ROOT, 'test/foundation/fixtures/lock-racer.ts')], { cwd: REPO_ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
  const queued: string[] = [];
  const waiting: ((line: string) => void)[] = [];
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  createInterface({ input: child.stdout }).on('line', (line) => {
    const wake = waiting.shift();
    if (wake) wake(line);
    else queued.push(line);
  });
  child.on('exit', (code) => {
    for (const wake of waiting.splice(0)) wake(`exited ${code}: ${stderr}`);
  });
  return {
    child,
    next: () => new Promise((resolve) => {
      const line = queued.shift();
      if (line !== undefined) resolve(line);
      else waiting.push(resolve);
    }),
  };
}

function lockFiles(file: string): string[] {
  return readdirSync(path.dirname(file)).filter((name) => name.startsWith(`${path.basename(file)}.lock`)).sort();
}

test(`exactly one of ${RACERS} racing processes takes the write lock, ${ROUNDS} rounds, over a dead writer's lock`, { timeout: 120_000 }, async () => {
  const racers = Array.from({ length: RACERS }, startRacer);
  try {
    const file = path.join(temp.dir, 'race.dvp');
    const dead = JSON.stringify({ pid: DEAD_PID, host: hostname(), since: new Date(0).toISOString() });
    const refusals = new Map<string, number>();
    for (let round = 0; round < ROUNDS; round++) {
      // What a SIGKILL leaves: the old-style lock / the record, the claim, or both.
      if (round % 3 !== 2) writeFileSync(`${file}.lock`, dead);
      if (round % 3 !== 0) writeFileSync(`${file}.lock.${DEAD_PID}.0badc0de`, dead);
      for (const racer of racers) racer.child.stdin.write(`go ${file}\n`);
      const answers = await Promise.all(racers.map((r) => r.next()));
      const winners = racers.filter((_, i) => answers[i] === 'won');
      for (const answer of answers) if (answer !== 'won') refusals.set(answer, (refusals.get(answer) ?? 0) + 1);
      assert.equal(winners.length, 1, `round ${round}: ${winners.length} processes hold the lock (${answers.join(', ')})`);
      assert.ok(answers.every((a) => a === 'won' || a === 'locked PROJECT_LOCKED'), `round ${round}: ${answers.join(', ')}`);
      assert.deepEqual(lockFiles(file).filter((name) => name.includes(String(DEAD_PID))), [], `round ${round}: the dead writer's claim is cleared`);
      winners[0]!.child.stdin.write('release\n');
      assert.equal(await winners[0]!.next(), 'released');
      assert.deepEqual(lockFiles(file), [], `round ${round}: releasing leaves no lock file`);
    }
    assert.deepEqual([...refusals.keys()], ['locked PROJECT_LOCKED']);
  } finally {
    for (const racer of racers) racer.child.stdin.end();
    await Promise.all(racers.map((r) => new Promise((resolve) => (r.child.exitCode !== null ? resolve(null) : r.child.on('exit', resolve)))));
  }
});
