import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { dvp } from '../helpers/cli.js';
import { media, tempDir } from '../helpers/paths.js';

interface EditsJson {
  shots: { shot: { targetClipId: number }; lanes: { param: string; mode: string; keys: { position: number; value: number; type: string }[] }[] }[];
  history: { undo: { label: string }[]; redo: { label: string }[] };
}

async function editsJson(file: string): Promise<EditsJson> {
  const result = await dvp(['edits', file, '--json']);
  assert.equal(result.code, 0, result.stderr);
  return JSON.parse(result.stdout) as EditsJson;
}

describe('dvp key / undo / redo / edits', () => {
  const temp = tempDir('dvp-edit-cli-');
  const file = path.join(temp.dir, 'cli.dvp');

  before(async () => {
    assert.equal((await dvp(['new', file])).code, 0);
    const imported = await dvp(['import', file, media('target-obama-weekly-address-450.mp4'), '--role', 'target']);
    assert.equal(imported.code, 0, imported.stderr);
  });
  after(() => temp.cleanup());

  it('keys a lane, lists it, and undoes/redoes it from separate processes', async () => {
    const first = await dvp(['key', file, '--param', 'gazeYaw', '--frame', '12', '--value', '7.5', '--interp', 'bezier']);
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stdout, /Gaze yaw = 7\.5 at frame 12/);
    const second = await dvp(['key', file, '--param', 'gazeYaw', '--frame', '40', '--value=-3', '--shot', '1', '--json']);
    assert.equal(second.code, 0, second.stderr);
    assert.equal(JSON.parse(second.stdout).keyIds.length, 1);

    let state = await editsJson(file);
    assert.deepEqual(
      state.shots[0]?.lanes.map((l) => [l.param, l.keys.map((k) => [k.position, k.value, k.type])]),
      [['gazeYaw', [[12, 7.5, 'bezier'], [40, -3, 'linear']]]],
    );
    const text = await dvp(['edits', file]);
    assert.match(text.stdout, /gazeYaw \(offset, deg\): 12: 7\.5 bezier · 40: -3 linear/);
    assert.match(text.stdout, /History: 2 edits to undo/);

    const undone = await dvp(['undo', file]);
    assert.equal(undone.code, 0, undone.stderr);
    assert.match(undone.stdout, /Undid: Key Gaze yaw = -3 at frame 40/);
    state = await editsJson(file);
    assert.deepEqual(state.shots[0]?.lanes[0]?.keys.map((k) => k.position), [12]);
    assert.equal(state.history.redo.length, 1);

    const redone = await dvp(['redo', file]);
    assert.equal(redone.code, 0, redone.stderr);
    state = await editsJson(file);
    assert.deepEqual(state.shots[0]?.lanes[0]?.keys.map((k) => k.position), [12, 40]);

    const deleted = await dvp(['key', file, '--param', 'gazeYaw', '--frame', '12', '--delete']);
    assert.equal(deleted.code, 0, deleted.stderr);
    state = await editsJson(file);
    assert.deepEqual(state.shots[0]?.lanes[0]?.keys.map((k) => k.position), [40]);
    assert.equal(state.history.undo.length, 3);
  });

  it('rejects unknown parameters, bad frames and bad values with a usage error, changing nothing', async () => {
    const before = await editsJson(file);
    const cases: [string[], RegExp, number][] = [
      [['--param', 'noseLength', '--frame', '1', '--value', '1'], /'noseLength' is not an editable parameter; use one of: headYaw/, 2],
      [['--param', 'headYaw', '--frame', '500', '--value', '1'], /frame 500, past the end of clip 1 .*frames 0–499/, 2],
      [['--param', 'headYaw', '--frame', '2.5', '--value', '1'], /--frame must be a whole number/, 2],
      [['--param', 'headYaw', '--frame', 'ten', '--value', '1'], /--frame must be a whole number/, 2],
      [['--param', 'headYaw', '--frame=-1', '--value', '1'], /--frame must be a whole number/, 2],
      [['--param', 'headYaw', '--frame', '3', '--value', 'abc'], /--value must be a number/, 2],
      [['--param', 'headYaw', '--frame', '3', '--value', '1', '--interp', 'cubic'], /--interp must be hold, linear or bezier/, 2],
      [['--param', 'headYaw', '--frame', '3', '--value', '1', '--handles', '1.5,0,0.5,0', '--interp', 'bezier'], /\[0, 1\]/, 2],
      [['--param', 'headYaw', '--frame', '3'], /give --value/, 2],
      [['--frame', '3', '--value', '1'], /missing --param/, 2],
      [['--param', 'headYaw', '--frame', '3', '--value', '1', '--shot', '9'], /no clip 9/, 1],
      [['--param', 'headYaw', '--frame', '77', '--delete'], /no keyframe on 'headYaw' at frame 77/, 1],
    ];
    for (const [args, message, code] of cases) {
      const result = await dvp(['key', file, ...args]);
      assert.equal(result.code, code, `${args.join(' ')}: ${result.stderr}`);
      assert.match(result.stderr, message, args.join(' '));
    }
    assert.deepEqual(await editsJson(file), before);
  });

  it('says when there is nothing to undo or redo', async () => {
    const fresh = path.join(temp.dir, 'fresh.dvp');
    assert.equal((await dvp(['new', fresh])).code, 0);
    const undone = await dvp(['undo', fresh]);
    assert.equal(undone.code, 1);
    assert.match(undone.stderr, /nothing to undo/);
    const redone = await dvp(['redo', fresh]);
    assert.equal(redone.code, 1);
    assert.match(redone.stderr, /nothing to redo/);
    const keyed = await dvp(['key', fresh, '--param', 'headYaw', '--frame', '1', '--value', '1']);
    assert.equal(keyed.code, 1);
    assert.match(keyed.stderr, /no target clip/);
    assert.match((await dvp(['edits', fresh])).stdout, /No edits yet/);
  });
});
