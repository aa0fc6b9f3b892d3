import assert from 'node:assert/strict';
import { existsSync, linkSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { checkOutputPath } from '../../src-main/engine/media/output-guard.js';
import { dvp, ffmpeg, sha256 } from '../helpers/cli.js';
import { media, tempDir } from '../helpers/paths.js';

/** Outputs never destroy inputs: every command that writes a video refuses its inputs and, without --overwrite, an existing file. */
describe('outputs never overwrite an input', () => {
  const temp = tempDir('dvp-output-guard-');
  const dir = temp.dir;
  const clip = path.join(dir, 'plate.mp4');
  const project = path.join(dir, 'shot.dvp');

  before(async () => {
    ffmpeg(['-i', media('target-tedlieu-256.mp4'), '-frames:v', '10', '-t', '0.4', '-c:v', 'libx264', '-crf', '18', '-c:a', 'aac', clip]);
    assert.equal((await dvp(['new', project])).code, 0);
    const imported = await dvp(['import', project, clip, '--role', 'target']);
    assert.equal(imported.code, 0, imported.stderr);
  });
  after(() => temp.cleanup());

  it('transcode: an existing output is refused without --overwrite and replaced with it', async () => {
    const out = path.join(dir, 'proxy.mp4');
    assert.equal((await dvp(['transcode', clip, out, '--format', 'h264', '--range', '0-4'])).code, 0);
    const before = sha256(out);
    const again = await dvp(['transcode', clip, out, '--format', 'h264', '--range', '0-2']);
    assert.equal(again.code, 1, again.stderr);
    assert.match(again.stderr, /proxy\.mp4 already exists; pass --overwrite to replace it\./);
    assert.equal(sha256(out), before, 'the existing file is untouched');
    const forced = await dvp(['transcode', clip, out, '--format', 'h264', '--range', '0-2', '--overwrite']);
    assert.equal(forced.code, 0, forced.stderr);
    assert.notEqual(sha256(out), before, 'replaced after --overwrite');
    assert.deepEqual(readdirSync(dir).filter((name) => name.includes('.partial')), [], 'no partial file left');
  });

  it('transcode: the input itself, a hard link and a symbolic link to it are refused even with --overwrite', async () => {
    const hard = path.join(dir, 'hard.mp4');
    const soft = path.join(dir, 'soft.mp4');
    linkSync(clip, hard);
    symlinkSync(clip, soft);
    const before = sha256(clip);
    for (const out of [clip, hard, soft]) {
      const result = await dvp(['transcode', clip, out, '--format', 'h264', '--overwrite']);
      assert.equal(result.code, 1, `${out}: ${result.stderr}`);
      assert.match(result.stderr, new RegExp(`${path.basename(out).replace('.', '\\.')}: refusing to overwrite the transcode's input; choose another output path\\.`));
    }
    assert.equal(sha256(clip), before, 'the input is intact');
  });

  it('a link planted where the temporary .partial file goes is replaced, not written through', async () => {
    const precious = path.join(dir, 'precious.bin');
    writeFileSync(precious, 'do not touch');
    const out = path.join(dir, 'planted.mp4');
    symlinkSync(precious, path.join(dir, 'planted.partial.mp4'));
    const result = await dvp(['transcode', clip, out, '--format', 'h264', '--range', '0-2']);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(readFileSync(precious, 'utf8'), 'do not touch');
    assert.ok(existsSync(out));
  });

  it("render: the target clip's media is refused (exit 1), an existing output too unless --overwrite", async () => {
    const before = sha256(clip);
    const onPlate = await dvp(['render', project, '--out', clip, '--format', 'h264', '--overwrite']);
    assert.equal(onPlate.code, 1, onPlate.stderr);
    assert.match(onPlate.stderr, /plate\.mp4: refusing to overwrite the target clip's media \(clip 1\); choose another output path\./);
    assert.equal(sha256(clip), before);
    const existing = path.join(dir, 'existing.mov');
    writeFileSync(existing, 'an earlier render');
    const refused = await dvp(['render', project, '--out', existing]);
    assert.equal(refused.code, 1, refused.stderr);
    assert.match(refused.stderr, /existing\.mov already exists; pass --overwrite to replace it\./);
    // With --overwrite the render goes on (and fails later only because this project has no model).
    const forced = await dvp(['render', project, '--out', existing, '--overwrite']);
    assert.doesNotMatch(forced.stderr, /already exists/);
  });

  it('render: a folder that takes no new files (/proc) is refused before anything is made (issue 13: mkdir -p looped there)', async () => {
    for (const args of [['--out', '/proc/dvp-nowhere/out.mov'], ['--out', '/proc/dvp-nowhere/pieces', '--chunk-frames', '5', '--chunk', '0']]) {
      const result = await dvp(['render', project, ...args]);
      assert.equal(result.code, 1, result.stderr);
      assert.match(result.stderr, /cannot be written: nothing can be created in \/proc/);
    }
  });

  it("synth and dub refuse the project's clip media and existing outputs; a refused dub leaves the project unchanged", async () => {
    const synth = await dvp(['synth', project, '--range', '0-1', '--out', clip, '--overwrite']);
    assert.equal(synth.code, 1, synth.stderr);
    assert.match(synth.stderr, /refusing to overwrite the target clip's media \(clip 1\)/);
    const existing = path.join(dir, 'dub.mov');
    writeFileSync(existing, 'an earlier dub');
    const dub = await dvp(['dub', project, '--source', media('source-wda-aoc-512.mp4'), '--out', existing]);
    assert.equal(dub.code, 1, dub.stderr);
    assert.match(dub.stderr, /dub\.mov already exists; pass --overwrite to replace it\./);
    const info = await dvp(['info', project, '--json']);
    assert.equal((JSON.parse(info.stdout) as { clips: unknown[] }).clips.length, 1, 'the dub video was not imported');
    const onSource = await dvp(['dub', project, '--source', media('source-wda-aoc-512.mp4'), '--out', media('source-wda-aoc-512.mp4'), '--overwrite']);
    assert.equal(onSource.code, 1, onSource.stderr);
    assert.match(onSource.stderr, /refusing to overwrite the dub video/);
  });

  it('checkOutputPath refuses the project file and its companions', () => {
    const protect = [
      { file: project, what: 'the project file' },
      { file: `${project}-wal`, what: "the project file's wal file" },
    ];
    assert.throws(() => checkOutputPath(project, { protect, overwrite: true }), /refusing to overwrite the project file/);
    assert.throws(() => checkOutputPath(`${project}-wal`, { protect, overwrite: true }), /refusing to overwrite the project file's wal file/);
    assert.throws(() => checkOutputPath(dir, { overwrite: true }), /is a folder/);
    assert.doesNotThrow(() => checkOutputPath(path.join(dir, 'new.mov'), { protect }));
  });
});
