import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { EngineStatus, Job } from '../../src-main/api/schemas.js';
import { probeVideo } from '../../src-main/engine/media/probe.js';
import { startTestBackend, waitForEvent, type TestBackend } from '../helpers/engine-host.js';
import { media, tempDir } from '../helpers/paths.js';
import './fixtures/test-jobs.js';

const FIXTURE = fileURLToPath(new URL('./fixtures/test-jobs.ts', import.meta.url));

function jobEvent(backend: TestBackend, predicate: (job: Job) => boolean, timeoutMs?: number): Promise<Job> {
  return waitForEvent<Job>((listener) => backend.api.on('job.updated', listener), predicate, timeoutMs);
}

describe('engine host: jobs, cancel, crash and quit', () => {
  const temp = tempDir('dvp-jobs-');
  let backend: TestBackend;
  const project = path.join(temp.dir, 'jobs.dvp');
  let shortClip = 0;
  let longClip = 0;

  before(async () => {
    backend = await startTestBackend(path.join(temp.dir, 'config'), { execArgv: ['--import', FIXTURE], host: { cpuSlots: 2 } });
    await backend.api.call('project.new', { file: project });
    shortClip = (await backend.api.call('clip.import', { file: media('target-tedlieu-256.mp4'), role: 'target' })).id;
    longClip = (await backend.api.call('clip.import', { file: media('target-fgnet-franck-360x288-noaudio.mp4'), role: 'target' })).id;
  });
  after(async () => {
    await backend.stop();
    temp.cleanup();
  });

  it('runs a transcode job to completion with progress events', async () => {
    const output = path.join(temp.dir, 'proxy.mp4');
    const progressed: number[] = [];
    const off = backend.api.on('job.updated', (job) => {
      if (job.progress) progressed.push(job.progress.done);
    });
    const job = await backend.api.startJob('transcode', { clipId: shortClip, output, format: 'h264', range: { first: 0, last: 24 } });
    assert.equal(job.resource, 'cpu');
    const done = await jobEvent(backend, (j) => j.id === job.id && j.status !== 'queued' && j.status !== 'running');
    off();
    assert.equal(done.status, 'succeeded', JSON.stringify(done.error));
    assert.deepEqual(done.result, { output, frames: 25, timecode: '00:00:00:00' });
    assert.equal((await probeVideo(output)).frameCount, 25);
    assert.ok(progressed.length > 0 && progressed.at(-1) === 25);
  });

  it('cancels a long transcode from the API and leaves no output behind', async () => {
    const output = path.join(temp.dir, 'long.mov');
    const job = await backend.api.startJob('transcode', { clipId: longClip, output, format: 'prores-hq' });
    await jobEvent(backend, (j) => j.id === job.id && (j.progress?.done ?? 0) > 0);
    const cancelling = await backend.api.call('job.cancel', { id: job.id });
    assert.equal(cancelling.status, 'cancelling');
    const finished = await jobEvent(backend, (j) => j.id === job.id && j.status !== 'cancelling', 30_000);
    assert.equal(finished.status, 'cancelled');
    assert.ok(finished.progress && finished.progress.done < finished.progress.total, 'stopped before the end');
    assert.ok(!existsSync(output) && !existsSync(output.replace('.mov', '.partial.mov')), 'no final or partial file');
  });

  it('marks the running job failed with the reason when the engine is killed, restarts it and reopens the project', async () => {
    const output = path.join(temp.dir, 'killed.mov');
    const pidBefore = backend.host.enginePid;
    const job = await backend.api.startJob('transcode', { clipId: longClip, output, format: 'prores-hq' });
    await jobEvent(backend, (j) => j.id === job.id && (j.progress?.done ?? 0) > 0);
    const ready = waitForEvent<EngineStatus>((listener) => backend.api.on('engine.status', listener), (s) => s.state === 'ready');
    process.kill(pidBefore as number, 'SIGKILL');
    const failed = await jobEvent(backend, (j) => j.id === job.id && j.status === 'failed');
    assert.equal(failed.error?.code, 'ENGINE_CRASHED');
    assert.match(failed.error?.message ?? '', /SIGKILL/);
    const status = await ready;
    assert.equal(status.restarts, 1);
    assert.notEqual(backend.host.enginePid, pidBefore);
    const info = await backend.api.call('project.info', {});
    assert.equal(info?.file, project, 'the project was reopened by the new engine');
    assert.equal(info?.clipCount, 2);
    const again = await backend.api.startJob('transcode', { clipId: shortClip, output: path.join(temp.dir, 'after.mp4'), format: 'h264', range: { first: 0, last: 4 } });
    assert.equal((await jobEvent(backend, (j) => j.id === again.id && j.status === 'succeeded')).status, 'succeeded');
  });

  it('survives a job that crashes its own engine, saying how it ended', async () => {
    const job = await backend.api.startJob('test.crash' as 'transcode', {} as never);
    const failed = await jobEvent(backend, (j) => j.id === job.id && j.status === 'failed');
    assert.match(failed.error?.message ?? '', /exited with code 86/);
    await waitForEvent<EngineStatus>((listener) => backend.api.on('engine.status', listener), (s) => s.state === 'ready');
    assert.equal((await backend.api.call('clip.list', {})).length, 2);
  });

  it('runs one GPU job at a time while CPU jobs run alongside', async () => {
    const marker = (name: string): string => path.join(temp.dir, `${name}.marker`);
    const spin = (resource: 'cpu' | 'gpu', name: string, steps: number): Promise<Job> =>
      backend.api.startJob(`test.spin-${resource}` as 'transcode', { steps, checkpointMs: 0, marker: marker(name), resource } as never);
    const gpu1 = await spin('gpu', 'g1', 40);
    const gpu2 = await spin('gpu', 'g2', 5);
    const cpu1 = await spin('cpu', 'c1', 5);
    await jobEvent(backend, (j) => j.id === cpu1.id && j.status === 'succeeded');
    const jobs = await backend.api.call('job.list', {});
    assert.equal(jobs.find((j) => j.id === gpu2.id)?.status, 'queued', 'the second GPU job waits');
    assert.equal(jobs.find((j) => j.id === gpu1.id)?.status, 'running');
    const second = await jobEvent(backend, (j) => j.id === gpu2.id && j.status === 'succeeded');
    const first = (await backend.api.call('job.list', {})).find((j) => j.id === gpu1.id);
    assert.equal(first?.status, 'succeeded');
    assert.ok((first?.finishedAt ?? '') <= (second.startedAt ?? ''), 'the second GPU job started after the first finished');
  });

  it('keeps the project while its jobs are queued or running: another cannot be opened, nor this one closed', async () => {
    const marker = path.join(temp.dir, 'busy.marker');
    const other = path.join(temp.dir, 'other.dvp');
    const running = await backend.api.startJob('test.spin-gpu' as 'transcode', { steps: 100_000, checkpointMs: 0, marker, resource: 'gpu' } as never);
    assert.equal(running.project, project, 'the job records the project it was started in');
    assert.equal(running.clipId, null, 'a job without a clip names none');
    await jobEvent(backend, (j) => j.id === running.id && (j.progress?.done ?? 0) > 0);
    for (const [method, params] of [['project.new', { file: other }], ['project.open', { file: other }], ['project.close', {}]] as const) {
      const refused = await backend.api.request(method, params as never);
      assert.ok(!refused.ok && refused.error.code === 'PROJECT_BUSY', `${method} is refused while a job runs: ${JSON.stringify(refused)}`);
      assert.match(refused.error.message, /queued or running/);
      assert.match(refused.error.remedy?.gui ?? '', /Jobs panel/);
    }
    assert.ok(!existsSync(other), 'nothing was created');
    assert.equal((await backend.api.call('project.open', { file: project })).file, project, 'reopening the same project is no switch');
    assert.equal((await backend.api.call('project.info', {}))?.file, project);
    await backend.api.call('job.cancel', { id: running.id });
    await jobEvent(backend, (j) => j.id === running.id && j.status === 'cancelled', 30_000);
    assert.equal((await backend.api.call('project.new', { file: other })).file, other, 'with no job left the switch goes through');
    assert.equal((await backend.api.call('project.open', { file: project })).file, project);
  });

  it('quits gracefully: the running job finishes its checkpoint write, queued jobs never start, the project closes cleanly', async () => {
    const marker = path.join(temp.dir, 'quit.marker');
    const running = await backend.api.startJob('test.spin-gpu' as 'transcode', { steps: 100_000, checkpointMs: 400, marker, resource: 'gpu' } as never);
    const queued = await backend.api.startJob('test.spin-gpu' as 'transcode', { steps: 10, checkpointMs: 0, marker: `${marker}2`, resource: 'gpu' } as never);
    await jobEvent(backend, (j) => j.id === running.id && (j.progress?.done ?? 0) > 0);
    const started = performance.now();
    await backend.host.shutdown();
    assert.ok(performance.now() - started >= 400, 'shutdown waited for the checkpoint write');
    assert.match(readFileSync(marker, 'utf8'), /checkpoint at step \d+: .*quitting/);
    const jobs = backend.host.jobs.list();
    assert.equal(jobs.find((j) => j.id === running.id)?.status, 'cancelled');
    assert.equal(jobs.find((j) => j.id === queued.id)?.status, 'cancelled');
    assert.ok(!existsSync(`${marker}2`));
    assert.equal(backend.host.status.state, 'stopped');
    assert.ok(!existsSync(`${project}.lock`), 'the engine closed the project and released its lock');
  });
});
