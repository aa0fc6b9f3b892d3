/**
 * The render farm through the API (what the render panel's "Submit to farm" calls): on a real
 * single-node Slurm (test/helpers/slurm.ts; skipped with the reason when not root or Slurm is
 * missing), `farm.info` reports the farm, `farm.submit` freezes the open project and submits a
 * 2-chunk array and its conform, and `farm.status` follows them to a finished conform with the
 * output written. The Slurm tasks run the built CLI (bin/dvp.js): `npx tsc -p tsconfig.json` first.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { ApiCallError } from '../../src-main/api/client.js';
import type { FarmStatus } from '../../src-main/api/farm-schemas.js';
import { ffprobeJson } from '../helpers/cli.js';
import { startTestBackend, type TestBackend } from '../helpers/engine-host.js';
import { tempDir } from '../helpers/paths.js';
import { slurmUnavailable, startSlurm, type SlurmCluster } from '../helpers/slurm.js';
import { buildFarmFixture, FARM_START_TIMECODE, type FarmFixture } from './farm-fixture.js';

const skip = slurmUnavailable();
const temp = tempDir('dvp-farm-api-');
const FRAMES = 20;

describe('farm.info, farm.submit and farm.status on a single-node Slurm', { skip: skip ?? false }, () => {
  let fixture: FarmFixture;
  let cluster: SlurmCluster;
  let backend: TestBackend;

  before(async () => {
    fixture = await buildFarmFixture(temp.dir, FRAMES, 14);
    cluster = await startSlurm(path.join(temp.dir, 'slurm'));
    // Started after the cluster: the engine inherits SLURM_CONF.
    backend = await startTestBackend(path.join(temp.dir, 'config'));
    await backend.api.call('project.open', { file: fixture.projectFile });
  });
  after(async () => {
    await backend?.stop();
    await cluster?.stop();
    temp.cleanup();
  });

  it('reports the farm, submits 2 chunks and a conform, and follows them to the conformed file', async () => {
    const info = await backend.api.call('farm.info', {});
    assert.equal(info.available, true, info.reason);
    assert.deepEqual(info.partitions, ['debug']);

    const clip = (await backend.api.call('clip.list', {})).find((c) => c.role === 'target')!;
    const output = path.join(temp.dir, 'farm out', 'shot.mov');
    const submitted = await backend.api.call('farm.submit', { clipId: clip.id, range: { first: 0, last: FRAMES - 1 }, chunks: 2, output });
    assert.match(submitted.arrayJobId, /^\d+$/);
    assert.match(submitted.conformJobId, /^\d+$/);
    assert.equal(submitted.jobDir, `${output}.farm`);
    assert.equal(submitted.chunks.length, 2);
    assert.equal(submitted.chunks[0]!.first, 0);
    assert.equal(submitted.chunks[1]!.last, FRAMES - 1);

    let status: FarmStatus | undefined;
    const deadline = Date.now() + 240_000;
    while (Date.now() < deadline) {
      status = await backend.api.call('farm.status', { jobDir: submitted.jobDir });
      if (status.ended) break;
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
    assert.ok(status?.ended, `the conform did not end: ${JSON.stringify(status)}`);
    assert.equal(status.conform.state, 'COMPLETED', JSON.stringify(status));
    assert.equal(status.conform.jobId, submitted.conformJobId);
    assert.deepEqual([status.done, status.total], [2, 2]);
    assert.deepEqual(status.chunks.map((c) => c.task), [`${submitted.arrayJobId}_0`, `${submitted.arrayJobId}_1`]);
    assert.ok(existsSync(output) && (status.outputBytes ?? 0) > 0);
    const video = ffprobeJson(output, ['-count_frames']).streams.find((s) => s.codec_type === 'video')!;
    assert.equal(Number(video.nb_read_frames), FRAMES);
    assert.equal((video.tags as Record<string, string>).timecode, FARM_START_TIMECODE);

    // The same output again is refused until the user agrees to replace it.
    await assert.rejects(
      backend.api.call('farm.submit', { clipId: clip.id, range: { first: 0, last: FRAMES - 1 }, chunks: 2, output }),
      (error: ApiCallError) => error.code === 'OUTPUT_EXISTS',
    );
  });
});
