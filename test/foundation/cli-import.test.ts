import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { probeVideo } from '../../src-main/engine/media/probe.js';
import { Project } from '../../src-main/engine/project/project.js';
import { dvp, sha256 } from '../helpers/cli.js';
import { DVP_BIN, MEDIA_DIR, media, tempDir } from '../helpers/paths.js';

describe('dvp new / import / info', () => {
  let dir: string;
  let cleanup: () => void;
  let project: string;
  before(async () => {
    ({ dir, cleanup } = tempDir());
    project = path.join(dir, 'show.dvp');
    const created = await dvp(['new', project]);
    assert.equal(created.code, 0, created.stderr);
  });
  after(() => cleanup());

  it('imports every shared clip with the frame count and fps ffprobe reports', async () => {
    const clips = readdirSync(MEDIA_DIR).filter((f) => f.endsWith('.mp4')).sort();
    for (const name of clips) {
      const role = name.startsWith('source') ? 'source' : 'target';
      const result = await dvp(['import', project, media(name), '--role', role, '--json']);
      assert.equal(result.code, 0, result.stderr);
      const { clip, created } = JSON.parse(result.stdout) as { created: boolean; clip: { frameCount: number; fps: { num: number; den: number }; role: string } };
      const truth = await probeVideo(media(name));
      assert.equal(created, true);
      assert.equal(clip.role, role);
      assert.equal(clip.frameCount, truth.frameCount, name);
      assert.deepEqual(clip.fps, truth.fps, name);
    }
    const human = await dvp(['import', project, media('target-tedlieu-256.mp4'), '--role', 'target']);
    assert.equal(human.code, 0);
    assert.match(human.stdout, /Already in the project: clip \d+ 'target-tedlieu-256.mp4' as target: 1499 frames at 25 fps/);
    const info = await dvp(['info', project, '--json']);
    const parsed = JSON.parse(info.stdout) as { clips: unknown[]; schemaVersion: number };
    assert.equal(parsed.clips.length, clips.length);
    assert.ok(parsed.schemaVersion >= 1);
  });

  it('relinks a moved clip by content', async () => {
    const moved = path.join(dir, 'moved');
    (await import('node:fs')).mkdirSync(moved);
    const original = path.join(dir, 'clip.mp4');
    copyFileSync(media('source-wda-edmarkey-512.mp4'), original);
    const local = path.join(dir, 'local.dvp');
    assert.equal((await dvp(['new', local])).code, 0);
    assert.equal((await dvp(['import', local, original, '--role', 'source'])).code, 0);
    renameSync(original, path.join(moved, 'renamed.mp4'));
    const missing = await dvp(['relink', local]);
    assert.equal(missing.code, 1);
    assert.match(missing.stdout, /missing or has changed/);
    const found = await dvp(['relink', local, '--search', moved]);
    assert.equal(found.code, 0, found.stdout + found.stderr);
    assert.match(found.stdout, /relinked to .*renamed\.mp4/);
    const info = JSON.parse((await dvp(['info', local, '--json'])).stdout) as { clips: { path: string }[] };
    assert.equal(info.clips[0]?.path, path.join(moved, 'renamed.mp4'));
  });
});

describe('bad input leaves the project exactly as it was', () => {
  let dir: string;
  let cleanup: () => void;
  let project: string;
  before(async () => {
    ({ dir, cleanup } = tempDir());
    project = path.join(dir, 'keep.dvp');
    assert.equal((await dvp(['new', project])).code, 0);
    assert.equal((await dvp(['import', project, media('source-wda-aoc-512.mp4'), '--role', 'source'])).code, 0);
  });
  after(() => cleanup());

  const cases: { name: string; make: (dir: string) => string; code: RegExp }[] = [
    { name: 'a missing file', make: (d) => path.join(d, 'nope.mp4'), code: /no such file/ },
    {
      name: 'a file that is not video',
      make: (d) => {
        const f = path.join(d, 'notes.mp4');
        writeFileSync(f, 'just some text, definitely not a video stream\n'.repeat(50));
        return f;
      },
      code: /not a readable video/,
    },
    {
      name: 'a truncated video (index at the end)',
      make: (d) => {
        const f = path.join(d, 'trunc.mp4');
        writeFileSync(f, readFileSync(media('target-tedlieu-256.mp4')).subarray(0, 1_000_000));
        return f;
      },
      code: /truncated or damaged/,
    },
    {
      name: 'a video with zero frames',
      make: (d) => {
        const f = path.join(d, 'empty.y4m');
        writeFileSync(f, 'YUV4MPEG2 W64 H64 F25:1 Ip A1:1 C420jpeg\n');
        return f;
      },
      code: /no frames/,
    },
    {
      name: 'an audio-only file',
      make: (d) => {
        const f = path.join(d, 'tone.wav');
        const header = Buffer.alloc(44);
        header.write('RIFF', 0);
        header.writeUInt32LE(36 + 16000, 4);
        header.write('WAVEfmt ', 8);
        header.writeUInt32LE(16, 16);
        header.writeUInt16LE(1, 20);
        header.writeUInt16LE(1, 22);
        header.writeUInt32LE(8000, 24);
        header.writeUInt32LE(16000, 28);
        header.writeUInt16LE(2, 32);
        header.writeUInt16LE(16, 34);
        header.write('data', 36);
        header.writeUInt32LE(16000, 40);
        writeFileSync(f, Buffer.concat([header, Buffer.alloc(16000)]));
        return f;
      },
      code: /no video stream/,
    },
  ];

  for (const c of cases) {
    it(`rejects ${c.name} with one clear message`, async () => {
      const input = c.make(dir);
      const before = sha256(project);
      const result = await dvp(['import', project, input, '--role', 'target']);
      assert.notEqual(result.code, 0);
      const lines = result.stderr.trim().split('\n');
      assert.equal(lines.length, 1, result.stderr);
      assert.ok(lines[0]!.includes(input), `message names the file: ${lines[0]}`);
      assert.match(lines[0]!, c.code);
      assert.equal(sha256(project), before);
      assert.equal(existsSync(`${project}.lock`), false);
    });
  }

  it('rejects a project of a newer schema without touching it', async () => {
    const future = path.join(dir, 'future.dvp');
    Project.create(future).close();
    const db = new Database(future);
    db.pragma('user_version = 999');
    db.close();
    const before = sha256(future);
    for (const args of [['import', future, media('source-wda-aoc-512.mp4')], ['info', future]]) {
      const result = await dvp(args);
      assert.equal(result.code, 1);
      assert.match(result.stderr, /newer version of DVP Studio/);
      assert.ok(result.stderr.includes(future));
    }
    assert.equal(sha256(future), before);
  });

  it('rejects an unwritable output folder for transcode', async () => {
    const out = path.join(dir, 'no-such-folder', 'out.mov');
    const result = await dvp(['transcode', media('source-wda-aoc-512.mp4'), out, '--format', 'prores-hq']);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /output folder .* does not exist/);
    assert.ok(result.stderr.includes(out));
  });

  it('rejects an unknown role and an unknown format as usage errors', async () => {
    const before = sha256(project);
    const role = await dvp(['import', project, media('source-wda-aoc-512.mp4'), '--role', 'villain']);
    assert.equal(role.code, 2);
    assert.match(role.stderr, /--role must be one of target, source, audio/);
    const format = await dvp(['transcode', media('source-wda-aoc-512.mp4'), path.join(dir, 'x.mov'), '--format', 'gif']);
    assert.equal(format.code, 2);
    assert.equal(sha256(project), before);
  });
});

describe('SIGKILL during import', () => {
  let dir: string;
  let cleanup: () => void;
  before(() => ({ dir, cleanup } = tempDir()));
  after(() => cleanup());

  it('leaves a project that opens and passes integrity_check, at any moment of the import', async () => {
    const project = path.join(dir, 'killed.dvp');
    assert.equal((await dvp(['new', project])).code, 0);
    const clips = ['target-fgnet-franck-360x288-noaudio.mp4', 'source-lp-d6-grimaces-480.mp4', 'target-obama-weekly-address-450.mp4'];
    let killedMidway = 0;
    for (const [i, delay] of [40, 120, 200, 280, 360, 450, 600, 800].entries()) {
      const child = spawn(process.execPath, [DVP_BIN, 'import', project, media(clips[i % clips.length]!), '--role', 'target'], { stdio: 'ignore' });
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      await new Promise((resolve) => setTimeout(resolve, delay));
      if (child.kill('SIGKILL')) killedMidway++;
      await exited;
      const opened = Project.open(project);
      assert.deepEqual(opened.integrityCheck(), ['ok']);
      opened.close();
    }
    assert.ok(killedMidway >= 4, `only ${killedMidway} imports were still running when killed`);
    const info = await dvp(['info', project, '--json']);
    assert.equal(info.code, 0, info.stderr);
    const again = await dvp(['import', project, media('target-tedlieu-256.mp4'), '--role', 'target']);
    assert.equal(again.code, 0, again.stderr);
  });
});
