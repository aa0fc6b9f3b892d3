import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { ApiCallError } from '../../src-main/api/client.js';
import { RecentProjects } from '../../src-main/host/recent-projects.js';
import { ApiRouter } from '../../src-main/host/router.js';
import { startTestBackend, type TestBackend } from '../helpers/engine-host.js';
import { MEDIA_DIR, media, tempDir } from '../helpers/paths.js';

describe('host: outputs that cannot be written, the open project, Recents (issue 13)', () => {
  const temp = tempDir('dvp-host-checks-');
  const project = path.join(temp.dir, 'checks.dvp');
  const other = path.join(temp.dir, 'other.dvp');
  let backend: TestBackend;
  let clipId = 0;

  before(async () => {
    // '/' is allowed, so the refusals below come from the write check, not the allowed roots.
    backend = await startTestBackend(path.join(temp.dir, 'config'), { host: { roots: ['/', temp.dir, MEDIA_DIR] } });
    await backend.api.call('project.new', { file: other });
    await backend.api.call('project.new', { file: project });
    clipId = (await backend.api.call('clip.import', { file: media('target-tedlieu-256.mp4'), role: 'target' })).id;
  });
  after(async () => {
    await backend.stop();
    temp.cleanup();
  });

  async function refusal(output: string): Promise<ApiCallError> {
    const before = (await backend.api.call('job.list', {})).length;
    const started = performance.now();
    const error = await backend.api.startJob('transcode', { clipId, output, format: 'h264', range: { first: 0, last: 4 } }).then(
      () => assert.fail(`${output} was accepted`),
      (e: unknown) => e as ApiCallError,
    );
    assert.ok(performance.now() - started < 2_000, 'refused at once');
    assert.equal((await backend.api.call('job.list', {})).length, before, 'no job was queued');
    return error;
  }

  it('refuses an output under /proc before the job starts (mkdir -p there never returns)', async () => {
    const error = await refusal('/proc/self/dvp-renders/out.mp4');
    assert.equal(error.code, 'OUTPUT_UNWRITABLE');
    assert.match(error.message, /^\/proc\/self\/dvp-renders\/out\.mp4 cannot be written: nothing can be created in \/proc\/self \(it takes no new files \(a system folder such as \/proc or \/sys\)\); choose another output folder\.$/);
    assert.equal(backend.host.status.state, 'ready');
  });

  it('refuses an output whose folder is a file', async () => {
    const file = path.join(temp.dir, 'notes.txt');
    writeFileSync(file, 'not a folder');
    const error = await refusal(path.join(file, 'renders', 'out.mp4'));
    assert.equal(error.code, 'OUTPUT_UNWRITABLE');
    assert.match(error.message, /notes\.txt is a file, not a folder; choose another output folder\.$/);
  });

  it('follows the open project from the engine, and lists a project opened before the router in Recents', async () => {
    assert.deepEqual(backend.host.project, { file: project, readonly: false });
    await backend.api.call('project.close', {});
    assert.equal(backend.host.project, null);
    await backend.host.call('project.open', { file: other, readonly: true });
    assert.deepEqual(backend.host.project, { file: other, readonly: true });
    // As `dvp serve FILE.dvp` does: the project is opened before the router exists.
    const recent = new RecentProjects(path.join(temp.dir, 'fresh-config'));
    new ApiRouter(backend.host, recent, { kind: 'browser', version: 'test' });
    assert.deepEqual(recent.list().map((entry) => entry.file), [other]);
  });
});
