import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ApiCallError } from '../../src-main/api/client.js';
import type { Job } from '../../src-main/api/schemas.js';
import { importClip } from '../../src-main/engine/project/import-clip.js';
import { Project } from '../../src-main/engine/project/project.js';
import type { EngineHost } from '../../src-main/host/engine-host.js';
import { serveJobOutput } from '../../src-main/host/job-output-route.js';
import { serveMedia } from '../../src-main/host/media-route.js';
import { startServer } from '../../src-main/server/server.js';
import { startTestBackend, waitForEvent, type TestBackend } from '../helpers/engine-host.js';
import { media, tempDir } from '../helpers/paths.js';

/** Rejects with the API error `code`, whose message names the path and says how to allow its folder. */
async function refused(call: Promise<unknown>, code = 'PATH_NOT_ALLOWED', message: RegExp = /dvp serve` with `--root DIR`/): Promise<ApiCallError> {
  let caught: unknown;
  await assert.rejects(call, (error: unknown) => {
    caught = error;
    return error instanceof ApiCallError && error.code === code && message.test(error.message);
  });
  return caught as ApiCallError;
}

/**
 * Issue 15: every path the API accepts or lists must be inside the allowed roots (the project's
 * folder, its media's, folders the user added), by its real path — a link inside a root that
 * leads out of it is refused like the outside path itself.
 */
describe('allowed roots: the API reaches only the studio folders', () => {
  const temp = tempDir('dvp-roots-');
  const root = path.join(temp.dir, 'studio');
  const outside = path.join(temp.dir, 'outside');
  const escape = path.join(root, 'escape'); // → ../outside
  const insideClip = path.join(root, 'media', 'clip.mp4');
  const outsideClip = path.join(outside, 'clip.mp4');
  const linkedClip = path.join(root, 'linked.mp4'); // → outside/clip.mp4
  const projectFile = path.join(root, 'shot.dvp');
  // A project made with the CLI (not sandboxed) whose clip lives in a folder of its own.
  const mediaFolder = path.join(temp.dir, 'footage');
  const otherProject = path.join(root, 'other.dvp');
  let backend: TestBackend;
  let clipId = 0;

  function jobDone(id: number): Promise<Job> {
    return waitForEvent<Job>((listener) => backend.api.on('job.updated', listener), (job) => job.id === id && (job.status === 'succeeded' || job.status === 'failed' || job.status === 'cancelled'));
  }

  before(async () => {
    mkdirSync(path.join(root, 'media'), { recursive: true });
    mkdirSync(outside, { recursive: true });
    copyFileSync(media('target-tedlieu-256.mp4'), insideClip);
    copyFileSync(media('target-tedlieu-256.mp4'), outsideClip);
    writeFileSync(path.join(outside, 'id_rsa'), 'secret');
    symlinkSync(outside, escape);
    symlinkSync(outsideClip, linkedClip);
    const elsewhere = Project.create(path.join(outside, 'elsewhere.dvp'));
    elsewhere.close();
    mkdirSync(mediaFolder);
    copyFileSync(media('target-tedlieu-256.mp4'), path.join(mediaFolder, 'take.mp4'));
    const other = Project.create(otherProject);
    try {
      await importClip(other, path.join(mediaFolder, 'take.mp4'), 'target');
    } finally {
      other.close();
    }
    backend = await startTestBackend(path.join(temp.dir, 'config'), { host: { roots: [root] } });
  });
  after(async () => {
    await backend.stop();
    temp.cleanup();
  });

  it('fs.list starts at the first root, lists nothing that leads outside, and refuses other folders', async () => {
    const listing = await backend.api.call('fs.list', {});
    assert.equal(listing.dir, root);
    assert.equal(listing.parent, null, 'no parent above a root');
    assert.deepEqual(listing.roots, [root]);
    const names = listing.entries.map((entry) => entry.name);
    assert.ok(names.includes('media'), names.join(', '));
    assert.ok(!names.includes('escape') && !names.includes('linked.mp4'), `links that lead outside are not listed: ${names.join(', ')}`);
    assert.deepEqual((await backend.api.call('fs.list', { dir: path.join(root, 'media') })).parent, root);

    const error = await refused(backend.api.call('fs.list', { dir: outside }));
    assert.match(error.message, new RegExp(`^${outside}: DVP Studio may not list files outside its folders \\(the folders it may use are ${root}\\)`));
    await refused(backend.api.call('fs.list', { dir: escape }), 'PATH_NOT_ALLOWED', /it leads to .*outside/);
    await refused(backend.api.call('fs.list', { dir: `${root}/../outside` }), 'PATH_NOT_ALLOWED', /'\.\.'/);
    await refused(backend.api.call('fs.list', { dir: '/' }));
  });

  it('project.new and project.open: outside refused (nothing created), through a link refused, inside accepted', async () => {
    await refused(backend.api.call('project.new', { file: path.join(outside, 'new.dvp') }));
    await refused(backend.api.call('project.new', { file: path.join(escape, 'new') }));
    assert.ok(!existsSync(path.join(outside, 'new.dvp')), 'no project file was created outside');
    await refused(backend.api.call('project.open', { file: path.join(outside, 'elsewhere.dvp') }));
    await refused(backend.api.call('project.open', { file: path.join(escape, 'elsewhere.dvp') }));

    const info = await backend.api.call('project.new', { file: path.join(root, 'shot') });
    assert.equal(info.file, projectFile, 'the checked path, with .dvp added');
    await backend.api.call('project.close', {});
    assert.equal((await backend.api.call('project.open', { file: projectFile })).file, projectFile);
  });

  it('clip.import: an outside file and a link to it are refused; a file inside is imported', async () => {
    await refused(backend.api.call('clip.import', { file: outsideClip, role: 'target' }));
    await refused(backend.api.call('clip.import', { file: linkedClip, role: 'target' }), 'PATH_NOT_ALLOWED', /it leads to .*outside.*clip\.mp4/);
    await refused(backend.api.call('clip.import', { file: path.join(escape, 'clip.mp4'), role: 'target' }));
    assert.equal((await backend.api.call('clip.list', {})).length, 0);
    clipId = (await backend.api.call('clip.import', { file: insideClip, role: 'target' })).id;
    assert.ok(clipId > 0);
  });

  it('job outputs: outside and through a link refused at job.start; inside written; existing refused unless overwrite; inputs never', async () => {
    const params = { clipId, format: 'h264' as const, range: { first: 0, last: 4 } };
    await refused(backend.api.startJob('transcode', { ...params, output: path.join(outside, 'out.mp4') }));
    await refused(backend.api.startJob('transcode', { ...params, output: path.join(escape, 'out.mp4') }));
    await refused(backend.api.startJob('render', { clipId, format: 'h264', output: path.join(outside, 'out.mp4') }));
    await refused(backend.api.startJob('render', { clipId, format: 'h264', output: path.join(root, 'r.mp4'), audio: { file: outsideClip } }), 'PATH_NOT_ALLOWED', /may not open/);
    assert.ok(!existsSync(path.join(outside, 'out.mp4')));

    const output = path.join(root, 'renders', 'proxy.mp4');
    mkdirSync(path.dirname(output));
    const job = await backend.api.startJob('transcode', { ...params, output });
    const done = await jobDone(job.id);
    assert.equal(done.status, 'succeeded', JSON.stringify(done.error));

    await refused(backend.api.startJob('transcode', { ...params, output }), 'OUTPUT_EXISTS', /proxy\.mp4 already exists; confirm replacing it \(overwrite: true in the job\)\./);
    const again = await backend.api.startJob('transcode', { ...params, output, overwrite: true });
    assert.equal((await jobDone(again.id)).status, 'succeeded');

    for (const target of [insideClip, projectFile, `${projectFile}-wal`]) {
      await refused(backend.api.startJob('transcode', { ...params, output: target, overwrite: true }), 'OUTPUT_IS_INPUT', /refusing to overwrite the (target clip's media \(clip 1\)|project file)/);
    }
  });

  it("media routes: a clip's frames are served; after its media is swapped for a link leading outside, they are refused", async () => {
    const frame = await serveMedia(backend.host, `/media/frame/${clipId}/0.rgb`);
    assert.equal(frame.status, 200, String(frame.body));

    const swapped = path.join(root, 'swap.mp4');
    copyFileSync(media('source-wda-aoc-512.mp4'), swapped);
    const swapId = (await backend.api.call('clip.import', { file: swapped, role: 'source' })).id;
    rmSync(swapped);
    symlinkSync(outsideClip, swapped);
    const refusedFrame = await serveMedia(backend.host, `/media/frame/${swapId}/0.rgb`);
    assert.equal(refusedFrame.status, 403);
    assert.match(String(refusedFrame.body), /PATH_NOT_ALLOWED/);
  });

  it('the render download route serves only an output still inside the roots', async () => {
    const inside = path.join(root, 'renders', 'proxy.mp4');
    const fakeHost = (output: string): EngineHost =>
      ({ jobs: { get: () => ({ kind: 'render', status: 'succeeded', result: { output } }) }, roots: backend.host.roots }) as unknown as EngineHost;
    assert.equal((await serveJobOutput(fakeHost(inside), '/media/output/1/proxy.mp4')).status, 200);
    const outsideFile = await serveJobOutput(fakeHost(path.join(outside, 'id_rsa')), '/media/output/1/id_rsa');
    assert.equal(outsideFile.status, 403);
    assert.equal((await serveJobOutput(fakeHost(path.join(escape, 'id_rsa')), '/media/output/1/id_rsa')).status, 403);
  });

  it('the folders of the project and of its media are roots; `roots` given to the server are added', async () => {
    await refused(backend.api.call('fs.list', { dir: mediaFolder }));
    await backend.api.call('project.open', { file: otherProject });
    const roots = await backend.host.roots.list();
    assert.equal(roots[0], root, 'the open project folder first');
    assert.ok(roots.includes(mediaFolder), `the media folder of a clip: ${roots.join(', ')}`);
    assert.ok(!roots.includes(outside));
    assert.ok((await backend.api.call('fs.list', { dir: mediaFolder })).entries.some((entry) => entry.name === 'take.mp4'));

    const uiDir = path.join(root, 'ui');
    mkdirSync(uiDir);
    writeFileSync(path.join(uiDir, 'index.html'), '<!doctype html>');
    const server = await startServer({ host: backend.host, uiDir, configDir: path.join(temp.dir, 'config'), version: 'test', roots: [outside] });
    try {
      assert.ok((await backend.host.roots.list()).includes(outside));
      const listing = await backend.api.call('fs.list', { dir: outside });
      assert.ok(listing.entries.some((entry) => entry.name === 'id_rsa'));
    } finally {
      await server.close();
    }
  });
});
