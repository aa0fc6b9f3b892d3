/**
 * Errors speak to the front end that shows them: what reaches the GUI through the real engine
 * and router names no CLI command or flag (its remedy is an action in the app), while the CLI
 * still prints the command to run.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ApiCallError } from '../../src-main/api/client.js';
import { guiText, type Remedy } from '../../src-main/api/errors.js';
import type { Job } from '../../src-main/api/schemas.js';
import { importClip } from '../../src-main/engine/project/import-clip.js';
import { Project } from '../../src-main/engine/project/project.js';
import { dvpFromSource } from '../helpers/cli.js';
import { startTestBackend, waitForEvent, type TestBackend } from '../helpers/engine-host.js';
import { media, tempDir } from '../helpers/paths.js';

/** `dvp …`, a backquoted command, or a --flag. */
const CLI_SYNTAX = /`|\bdvp [a-z]|(^|\s)--[a-z]/;

function assertGuiWording(error: { code: string; message: string; remedy?: Remedy | undefined }, code: string): void {
  assert.equal(error.code, code, error.message);
  assert.doesNotMatch(guiText(error), CLI_SYNTAX, `the GUI is shown no CLI syntax: ${guiText(error)}`);
}

async function failure(call: Promise<unknown>): Promise<ApiCallError> {
  try {
    await call;
  } catch (error) {
    if (error instanceof ApiCallError) return error;
    throw error;
  }
  assert.fail('the call was expected to fail');
}

describe('errors: GUI wording over the API, command hints in the CLI', () => {
  const temp = tempDir('dvp-errors-');
  const file = path.join(temp.dir, 'errors.dvp');
  let backend: TestBackend;
  let targetId = 0;

  before(async () => {
    const project = Project.create(file);
    try {
      targetId = (await importClip(project, media('target-tedlieu-256.mp4'), 'target')).clip.id;
    } finally {
      project.close();
    }
    backend = await startTestBackend(path.join(temp.dir, 'config'));
  });
  after(async () => {
    await backend?.stop();
    temp.cleanup();
  });

  it('an untracked clip: the calls say so and point at the Tracking panel', async () => {
    await backend.api.call('project.open', { file });
    const synth = await failure(backend.api.call('synth.frame', { clipId: targetId, frame: 0 }));
    assertGuiWording(synth, 'NOT_FOUND');
    assert.match(synth.message, /is not tracked yet/);
    assert.match(synth.remedy?.gui ?? '', /Tracking panel/);

    const curves = await backend.api.call('edit.curves', { clipId: targetId });
    assert.equal(curves.tracked, false);
    const condition = await failure(backend.api.call('condition.images', { clipId: targetId, frame: 0 }));
    assertGuiWording(condition, 'NOT_FOUND');
  });

  it('an untracked clip: a failed job carries no CLI syntax either', async () => {
    const job = await backend.api.startJob('train', { clipId: targetId, preset: 'cpu-tiny', steps: 2, backend: 'wasm' });
    const failed = await waitForEvent<Job>((l) => backend.api.on('job.updated', l), (j) => j.id === job.id && ['failed', 'succeeded', 'cancelled'].includes(j.status), 120_000);
    assert.equal(failed.status, 'failed');
    assertGuiWording(failed.error!, 'NOT_FOUND');
    assert.match(failed.error!.message, /has not been tracked yet/);
  });

  it('a read-only project is refused with PROJECT_READONLY and a way out in the app', async () => {
    await backend.api.call('project.open', { file, readonly: true });
    const refused = await failure(
      backend.api.call('edit.apply', { edit: { targetClipId: targetId, label: 'Key', changes: [{ kind: 'setKey', param: 'headYaw', key: { position: 1, value: 1 } }] } }),
    );
    assertGuiWording(refused, 'PROJECT_READONLY');
    assert.match(refused.remedy?.gui ?? '', /Reopen the project for writing/);
    const undo = await failure(backend.api.call('edit.undo', {}));
    assertGuiWording(undo, 'PROJECT_READONLY');
    await backend.api.call('project.close', {});
    const noProject = await failure(backend.api.call('edit.history', {}));
    assertGuiWording(noProject, 'NO_PROJECT');
    assert.equal(guiText(noProject), 'No project is open. Open or create a project first.');
  });

  it('the CLI prints the command to run', async () => {
    const result = await dvpFromSource(['render', file, '--out', path.join(temp.dir, 'out.mov')]);
    assert.equal(result.code, 1, result.stderr);
    assert.match(result.stderr, new RegExp(`is not tracked yet, so it cannot be rendered; run \`dvp track ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} --clip ${targetId}\` first\\.`));
  });
});
