import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { ApiCallError } from '../../src-main/api/client.js';
import { guiText } from '../../src-main/api/errors.js';
import { readFrame } from '../../src-main/engine/media/frame-reader.js';
import { probeVideo } from '../../src-main/engine/media/probe.js';
import { importClip } from '../../src-main/engine/project/import-clip.js';
import { Project } from '../../src-main/engine/project/project.js';
import { startTestBackend, type TestBackend } from '../helpers/engine-host.js';
import { media, tempDir } from '../helpers/paths.js';

const TARGET = media('target-tedlieu-256.mp4');
const SOURCE = media('source-wda-aoc-512.mp4');

describe('API contract against the real engine (child-process host)', () => {
  const temp = tempDir('dvp-api-');
  let backend: TestBackend;

  before(async () => {
    backend = await startTestBackend(path.join(temp.dir, 'config'));
  });
  after(async () => {
    await backend.stop();
    temp.cleanup();
  });

  it('describes the shell and reports no project at first', async () => {
    const info = await backend.api.call('app.info', {});
    assert.equal(info.shell, 'browser');
    assert.equal(info.nativeDialogs, false);
    assert.equal(await backend.api.call('project.info', {}), null);
    assert.equal((await backend.api.call('engine.status', {})).state, 'ready');
  });

  it('refuses clip calls without a project, with a readable message', async () => {
    const result = await backend.api.request('clip.list', {});
    assert.equal(result.ok, false);
    assert.ok(!result.ok && result.error.code === 'NO_PROJECT' && /open or create a project/i.test(guiText(result.error)), JSON.stringify(result));
  });

  it('creates a project, imports clips with roles, lists them, and announces the change', async () => {
    const file = path.join(temp.dir, 'api.dvp');
    const changed: unknown[] = [];
    const off = backend.api.on('project.changed', (info) => changed.push(info));
    const created = await backend.api.call('project.new', { file });
    assert.equal(created.file, file);
    assert.equal(created.clipCount, 0);
    assert.ok(existsSync(file));

    const target = await backend.api.call('clip.import', { file: TARGET, role: 'target' });
    assert.equal(target.role, 'target');
    assert.equal(target.frameCount, 1499);
    assert.deepEqual(target.fps, { num: 25, den: 1 });
    assert.equal(target.width, 256);
    assert.equal(target.online, true);
    assert.deepEqual(target.status, { trackedFrames: 0, models: 0, checkpoints: 0 });
    const source = await backend.api.call('clip.import', { file: SOURCE, role: 'source', name: 'AOC driver' });
    assert.equal(source.name, 'AOC driver');

    const clips = await backend.api.call('clip.list', {});
    assert.deepEqual(clips.map((c) => [c.id, c.role]), [[target.id, 'target'], [source.id, 'source']]);
    assert.equal((await backend.api.call('project.info', {}))?.clipCount, 2);
    off();
    assert.ok(changed.some((info) => (info as { clipCount?: number } | null)?.clipCount === 2), 'a project.changed event carried the new clip count');
  });

  it('serves a frame identical to the one the frame reader decodes', async () => {
    const clips = await backend.api.call('clip.list', {});
    const target = clips.find((c) => c.role === 'target');
    assert.ok(target);
    const answer = await backend.host.call('media.frame', { clipId: target.id, index: 137, format: 'rgb' });
    assert.ok(answer.ok, JSON.stringify(answer));
    const frame = answer.value as { width: number; height: number; bytes: Uint8Array };
    const expected = await readFrame(TARGET, await probeVideo(TARGET), 137);
    assert.equal(frame.width, 256);
    assert.equal(frame.height, 256);
    assert.equal(Buffer.compare(Buffer.from(frame.bytes), Buffer.from(expected.data)), 0);

    const outside = await backend.host.call('media.frame', { clipId: target.id, index: 5000, format: 'rgb' });
    assert.ok(!outside.ok && outside.error.code === 'INVALID_ARGUMENT');
  });

  it('validates every request: unknown methods, bad parameters, malformed envelopes', async () => {
    const unknown = await backend.api.request('no.such' as 'app.info', {});
    assert.ok(!unknown.ok && unknown.error.code === 'NOT_SUPPORTED');
    const badParams = await backend.api.request('clip.import', { file: TARGET, role: 'villain' as 'target' });
    assert.ok(!badParams.ok && badParams.error.code === 'BAD_REQUEST' && /role/.test(badParams.error.message));
    const extra = await backend.api.request('project.info', { sneaky: 1 } as never);
    assert.ok(!extra.ok && extra.error.code === 'BAD_REQUEST');
    const dialog = await backend.api.request('dialog.pick', { purpose: 'open-project' });
    assert.ok(!dialog.ok && dialog.error.code === 'NOT_SUPPORTED', 'browser mode has no native dialogs');
  });

  it('reports missing and damaged project files by name', async () => {
    const missing = path.join(temp.dir, 'nope.dvp');
    await assert.rejects(backend.api.call('project.open', { file: missing }), (error: ApiCallError) => error.code === 'FILE_NOT_FOUND' && error.message.includes(missing));
    await assert.rejects(backend.api.call('project.open', { file: TARGET }), (error: ApiCallError) => error.code === 'PROJECT_INVALID' && error.message.includes(TARGET));
    // The project that was open stays open after a failed open.
    assert.equal((await backend.api.call('project.info', {}))?.clipCount, 2);
  });

  it('opens a project made by the CLI code path and remembers it among recent projects', async () => {
    const file = path.join(temp.dir, 'from-cli.dvp');
    const project = Project.create(file);
    await importClip(project, TARGET, 'target');
    project.close();

    const opened = await backend.api.call('project.open', { file });
    assert.equal(opened.clipCount, 1);
    assert.equal(opened.name, 'from-cli');
    const recent = await backend.api.call('project.recent', {});
    assert.equal(recent[0]?.file, file);
    assert.ok(recent.some((entry) => entry.file === path.join(temp.dir, 'api.dvp')));
    await backend.api.call('project.close', {});
    assert.equal(await backend.api.call('project.info', {}), null);
    assert.ok(!existsSync(`${file}.lock`), 'closing releases the write lock');
  });

  it('lists folders for the in-app file browser, filtered by extension', async () => {
    const listing = await backend.api.call('fs.list', { dir: path.dirname(TARGET), extensions: ['.mp4'] });
    const names = listing.entries.filter((e) => e.kind === 'file').map((e) => e.name);
    assert.ok(names.includes('target-tedlieu-256.mp4'));
    assert.ok(!names.includes('PROVENANCE.md'));
    await assert.rejects(backend.api.call('fs.list', { dir: path.join(temp.dir, 'missing') }), (error: ApiCallError) => error.code === 'FILE_NOT_FOUND');
  });
});
