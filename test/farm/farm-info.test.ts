/**
 * `farm.info` without Slurm: with no `sbatch` on PATH the farm is unavailable and says why
 * (the render panel then offers no "Submit to farm"); a farm output outside the allowed folders
 * is refused before anything is made. Needs no Slurm.
 */
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { ApiCallError } from '../../src-main/api/client.js';
import { farmInfo } from '../../src-main/farm/farm-info.js';
import { nodeEngineSpawner } from '../../src-main/host/node-engine.js';
import { startTestBackend, type TestBackend } from '../helpers/engine-host.js';
import { tempDir } from '../helpers/paths.js';

const temp = tempDir('dvp-farm-info-');

describe('farm.info without Slurm on PATH', () => {
  let backend: TestBackend;
  const emptyBin = path.join(temp.dir, 'empty-bin');

  before(async () => {
    mkdirSync(emptyBin);
    // The engine is a node child process started by absolute path: it runs with a PATH holding nothing.
    backend = await startTestBackend(path.join(temp.dir, 'config'), { host: { spawn: nodeEngineSpawner({ env: { ...process.env, PATH: emptyBin } }) } });
  });
  after(async () => {
    await backend?.stop();
    temp.cleanup();
  });

  it('is unavailable, naming sbatch and PATH', async () => {
    const info = await farmInfo(emptyBin);
    assert.equal(info.available, false);
    assert.match(info.reason ?? '', /sbatch and scontrol not found on PATH/);
    assert.equal(info.partitions, undefined);
  });

  it('says so through the API when the engine runs with PATH stripped', async () => {
    const info = await backend.api.call('farm.info', {});
    assert.equal(info.available, false);
    assert.match(info.reason ?? '', /sbatch.* not found on PATH/);
  });

  it('refuses a farm output outside the allowed folders', async () => {
    await assert.rejects(
      backend.api.call('farm.submit', { clipId: 1, range: { first: 0, last: 9 }, chunks: 2, output: '/nonexistent-dvp-root/shot.mov' }),
      (error: ApiCallError) => error.code === 'PATH_NOT_ALLOWED',
    );
  });
});
