/**
 * `dvp farm render --slurm` on a real single-node Slurm (test/helpers/slurm.ts starts and stops
 * it; skipped, with the reason, when not root or Slurm is not installed — CI has both): 200 frames
 * of the shared clip target-tedlieu-256.mp4 (farm-fixture.ts: 180 tracked, a tiny trained network)
 * in 4 chunks as a job array, conformed by the dependent job, has the one-piece render's frame count,
 * timecode and audio duration and decodes to the same frames; `dvp farm status` follows it. A
 * damaged piece is refused by conform with its name; `dvp farm resubmit --chunk I` completes the
 * job again; `dvp farm train` trains the project itself as a requeueable job. The workers run the built CLI (bin/dvp.js; npm test builds first).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, truncateSync, statSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { readJob, type FarmJob } from '../../src-main/farm/farm-job.js';
import { buildFarmFixture, FARM_START_TIMECODE, type FarmFixture } from './farm-fixture.js';
import { decodeAudio } from '../render/media-checks.js';
import { audioDuration, dvp, videoStream } from '../helpers/cli.js';
import { tempDir } from '../helpers/paths.js';
import { slurmUnavailable, startSlurm, waitForJob, type SlurmCluster } from '../helpers/slurm.js';

const skip = slurmUnavailable();
const temp = tempDir('dvp-farm-slurm-');
const FRAMES = 200;
const TRACKED_LAST = 179;
const RANGE = `0-${FRAMES - 1}`;
const CHUNKS = 4;

/** One MD5 per decoded video frame. */
function frameHashes(file: string): string[] {
  const result = spawnSync('ffmpeg', ['-v', 'error', '-i', file, '-map', '0:v:0', '-f', 'framemd5', '-'], { encoding: 'utf8', maxBuffer: 1 << 26 });
  assert.equal(result.status, 0, result.stderr);
  return result.stdout.split('\n').filter((l) => l && !l.startsWith('#')).map((l) => l.split(',').pop()!.trim());
}

function assertSameRender(actual: string, expected: string): void {
  const a = videoStream(actual, ['-count_frames']);
  const e = videoStream(expected, ['-count_frames']);
  assert.equal(a.nb_read_frames, e.nb_read_frames, 'frame count');
  assert.equal(Number(a.nb_read_frames), FRAMES);
  assert.equal((a.tags as Record<string, string>).timecode, (e.tags as Record<string, string>).timecode, 'timecode');
  assert.equal((a.tags as Record<string, string>).timecode, FARM_START_TIMECODE);
  assert.equal(a.codec_tag_string, e.codec_tag_string);
  assert.ok(Math.abs(audioDuration(actual) - audioDuration(expected)) < 0.03, `audio ${audioDuration(actual)} s vs ${audioDuration(expected)} s`);
  const rate = 16000;
  assert.ok(Math.abs(decodeAudio(actual, rate).length - decodeAudio(expected, rate).length) <= rate * 0.03);
  assert.deepEqual(frameHashes(actual), frameHashes(expected), 'every decoded frame is identical');
}

describe('dvp farm render on a single-node Slurm', { skip: skip ?? false }, () => {
  let fixture: FarmFixture;
  let cluster: SlurmCluster;
  let onePiece: string;
  let job: FarmJob;
  const out = path.join(temp.dir, 'farm out', 'shot.mov');

  before(async () => {
    fixture = await buildFarmFixture(temp.dir, FRAMES, TRACKED_LAST);
    cluster = await startSlurm(path.join(temp.dir, 'slurm'));
    onePiece = path.join(temp.dir, 'one-piece.mov');
    const started = Date.now();
    const result = await dvp(['render', fixture.projectFile, '--range', RANGE, '--out', onePiece]);
    assert.equal(result.code, 0, result.stderr);
    process.stderr.write(`# one-piece render of ${FRAMES} frames: ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  });
  after(async () => {
    await cluster?.stop();
    temp.cleanup();
  });

  it('renders 4 chunks as an array and conforms them after it: the one-piece render, frame for frame', async () => {
    const started = Date.now();
    const submit = await dvp(['farm', 'render', fixture.projectFile, '--range', RANGE, '--chunks', String(CHUNKS), '--out', out, '--slurm', '--sbatch-arg=--time=10']);
    assert.equal(submit.code, 0, submit.stderr);
    job = readJob(`${out}.farm`);
    const submission = job.slurm!.submissions[0]!;
    assert.match(submit.stdout, new RegExp(`render array ${submission.arrayJobId} \\(${CHUNKS} task`));
    assert.match(submit.stdout, new RegExp(`conform ${submission.conformJobId} \\(after all of ${submission.arrayJobId}`));
    assert.equal(job.chunks.length, CHUNKS);
    assert.match(readFileSync(path.join(job.jobDir, 'render.sh'), 'utf8'), /--chunk "\$SLURM_ARRAY_TASK_ID"/);

    const state = await waitForJob(submission.conformJobId, 150_000);
    const logs = (): string => spawnSync('sh', ['-c', `tail -n 5 ${JSON.stringify(job.logsDir)}/*`], { encoding: 'utf8' }).stdout;
    assert.equal(state, 'COMPLETED', logs());
    process.stderr.write(`# farm render (submit to conformed, 4 chunks): ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
    assertSameRender(out, onePiece);

    const status = await dvp(['farm', 'status', job.jobDir]);
    assert.equal(status.code, 0, status.stderr);
    for (let i = 0; i < CHUNKS; i++) assert.match(status.stdout, new RegExp(`chunk ${i} frames \\d+-\\d+: COMPLETED`));
    assert.match(status.stdout, /conform: COMPLETED/);
    const json = JSON.parse((await dvp(['farm', 'status', path.join(job.jobDir, 'job.json'), '--json'])).stdout) as { chunks: { state: string; piece: unknown }[] };
    assert.ok(json.chunks.every((c) => c.state === 'COMPLETED' && c.piece !== null));
  });

  it('a damaged piece is refused by conform naming the chunk; resubmitting that chunk completes the job', async () => {
    const damaged = path.join(job.piecesDir, 'chunk-0002.mov');
    truncateSync(damaged, Math.floor(statSync(damaged).size / 2));
    const refused = await dvp(['conform', job.snapshot, '--range', RANGE, '--chunks', String(CHUNKS), '--pieces', job.piecesDir, '--out', path.join(temp.dir, 'refused.mov')]);
    assert.equal(refused.code, 1, refused.stderr);
    assert.match(refused.stderr, /chunk-0002\.mov/);

    const resubmit = await dvp(['farm', 'resubmit', job.jobDir, '--chunk', '2', '--overwrite']);
    assert.equal(resubmit.code, 0, resubmit.stderr);
    const again = readJob(job.jobDir).slurm!.submissions;
    assert.equal(again.length, 2);
    assert.deepEqual(again[1]!.tasks, [2]);
    assert.equal(await waitForJob(again[1]!.conformJobId, 120_000), 'COMPLETED');
    assertSameRender(out, onePiece);
    const status = await dvp(['farm', 'status', job.jobDir]);
    assert.match(status.stdout, new RegExp(`chunk 2 frames \\d+-\\d+: COMPLETED \\(${again[1]!.arrayJobId}_2`));
  });

  it('farm train submits dvp train on the project itself as a requeueable job, resuming from its checkpoint', async () => {
    const submit = await dvp(['farm', 'train', fixture.projectFile, '--preset', 'cpu-tiny', '--steps', '8', '--slurm']);
    assert.equal(submit.code, 0, submit.stderr);
    const id = /submitted training (\d+)/.exec(submit.stdout)?.[1];
    assert.ok(id, submit.stdout);
    const state = await waitForJob(id, 120_000);
    const log = readFileSync(path.join(`${fixture.projectFile}.train.farm`, 'logs', `train-${id}.log`), 'utf8');
    assert.equal(state, 'COMPLETED', log);
    assert.match(spawnSync('scontrol', ['show', 'job', '-o', id], { encoding: 'utf8' }).stdout, /Requeue=1/);
    assert.match(log, /resuming at step 6/);
    assert.match(log, /at step 8/);
  });

  it('cancel cancels a pending array and its conform', async () => {
    // Hold the array so nothing starts, then cancel it.
    const held = path.join(temp.dir, 'held.mov');
    const submit = await dvp(['farm', 'render', fixture.projectFile, '--range', '0-9', '--chunks', '2', '--out', held, '--slurm', '--sbatch-arg=--hold']);
    assert.equal(submit.code, 0, submit.stderr);
    const cancel = await dvp(['farm', 'cancel', `${held}.farm`]);
    assert.equal(cancel.code, 0, cancel.stderr);
    const { arrayJobId, conformJobId } = readJob(`${held}.farm`).slurm!.submissions[0]!;
    assert.match(cancel.stdout, new RegExp(`cancelled .*${arrayJobId}`));
    assert.equal(await waitForJob(conformJobId, 30_000), 'CANCELLED');
    assert.match(await waitForJob(arrayJobId, 30_000), /^CANCELLED/);
  });
});
