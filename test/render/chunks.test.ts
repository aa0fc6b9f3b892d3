/**
 * Chunked renders and conform (issue 16): the chunk plan's properties; a 4-chunk render of 44
 * frames, conformed, equals the one-piece render (frame count, every decoded frame byte for
 * byte, start timecode, audio duration); conform copies the pieces' packets (no re-encode);
 * a missing, a short and a mismatched piece are refused, named; a farm snapshot (no WAL) opens
 * read-only and renders a chunk identical to the local one, with its media found through
 * --path-map and --search, and is not written to.
 */
import Database from 'better-sqlite3';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Project } from '../../src-main/engine/project/project.js';
import { mapMediaPath } from '../../src-main/engine/project/clips.js';
import { snapshotProject } from '../../src-main/engine/project/snapshot.js';
import { chunkFileName, planChunks, type RenderChunk } from '../../src-main/engine/render/chunk-plan.js';
import { conformChunks } from '../../src-main/engine/render/conform.js';
import { bindSource } from '../../src-main/engine/render/reenact.js';
import { isDvpError } from '../../src-main/shared/errors.js';
import { audioDuration, dvpFromSource, ffmpeg, ffprobeJson, sha256, videoStream } from '../helpers/cli.js';
import { tempDir } from '../helpers/paths.js';
import { buildRenderFixture, PLATE, projectCopy, type RenderFixture } from './fixture.js';

const temp = tempDir('dvp-chunks-');
let fixture: RenderFixture;
let edited: string;
const RANGE = { first: 2, last: 45 };
const RANGE_TEXT = `${RANGE.first}-${RANGE.last}`;

function covers(plan: RenderChunk[], range: { first: number; last: number }): void {
  assert.equal(plan[0]!.first, range.first);
  assert.equal(plan.at(-1)!.last, range.last);
  plan.forEach((chunk, i) => {
    assert.equal(chunk.index, i);
    assert.ok(chunk.last >= chunk.first);
    if (i > 0) assert.equal(chunk.first, plan[i - 1]!.last + 1, 'contiguous');
  });
}

/** Per frame, the md5 of the decoded picture (rgb48: no rounding of the 10-bit ProRes), or of the packet with `copy`. */
function frameHashes(file: string, mode: 'decoded' | 'packets'): string[] {
  const args = ['-v', 'error', '-i', file, '-map', '0:v:0', ...(mode === 'packets' ? ['-c', 'copy'] : ['-pix_fmt', 'rgb48le']), '-f', 'framemd5', 'pipe:1'];
  const result = spawnSync('ffmpeg', args, { encoding: 'utf8', maxBuffer: 1 << 26 });
  assert.equal(result.status, 0, result.stderr);
  return result.stdout
    .split('\n')
    .filter((line) => line.trim() !== '' && !line.startsWith('#'))
    .map((line) => line.split(',').at(-1)!.trim());
}

function decodedRgb(file: string): Buffer {
  const result = spawnSync('ffmpeg', ['-v', 'error', '-i', file, '-map', '0:v:0', '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1'], { maxBuffer: 1 << 30 });
  assert.equal(result.status, 0, result.stderr?.toString());
  return result.stdout;
}

async function refusal(pieces: string, out: string): Promise<Error> {
  const project = Project.open(edited, { readonly: true });
  try {
    await conformChunks(project, { clipId: fixture.targetId, range: RANGE, by: { chunks: 4 }, pieces, out, audio: { kind: 'none' } });
  } catch (error) {
    assert.ok(isDvpError(error), String(error));
    assert.ok(!existsSync(out), 'nothing written');
    return error;
  } finally {
    project.close();
  }
  assert.fail('conform accepted the pieces');
}

describe('chunk plan', () => {
  it('--chunks: contiguous, covering the range, sizes within one frame', () => {
    for (const [first, last, n] of [[0, 99, 4], [2, 45, 4], [10, 10, 1], [0, 9, 10], [5, 47, 7], [0, 199, 3]] as const) {
      const plan = planChunks({ first, last }, { chunks: n });
      assert.equal(plan.length, n);
      covers(plan, { first, last });
      const sizes = plan.map((c) => c.last - c.first + 1);
      assert.ok(Math.max(...sizes) - Math.min(...sizes) <= 1, `sizes ${sizes.join(',')}`);
    }
  });

  it('--chunk-frames: every chunk that size but the last', () => {
    for (const [first, last, k] of [[0, 99, 25], [3, 50, 10], [0, 0, 5], [7, 8, 100]] as const) {
      const plan = planChunks({ first, last }, { chunkFrames: k });
      covers(plan, { first, last });
      plan.slice(0, -1).forEach((c) => assert.equal(c.last - c.first + 1, k));
      assert.ok(plan.at(-1)!.last - plan.at(-1)!.first + 1 <= k);
      assert.equal(plan.length, Math.ceil((last - first + 1) / k));
    }
  });

  it('refuses nonsense with INVALID_ARGUMENT', () => {
    const bad: [{ first: number; last: number }, { chunks: number } | { chunkFrames: number }][] = [
      [{ first: 5, last: 4 }, { chunks: 1 }],
      [{ first: -1, last: 4 }, { chunks: 1 }],
      [{ first: 0, last: 9 }, { chunks: 0 }],
      [{ first: 0, last: 9 }, { chunks: 11 }],
      [{ first: 0, last: 9 }, { chunks: 2.5 }],
      [{ first: 0, last: 9 }, { chunkFrames: 0 }],
      [{ first: 0, last: 9 }, { chunkFrames: -3 }],
    ];
    for (const [range, by] of bad) assert.throws(() => planChunks(range, by), (e: unknown) => isDvpError(e) && e.code === 'INVALID_ARGUMENT');
  });

  it('names the pieces chunk-0000.mov …', () => {
    assert.equal(chunkFileName(0), 'chunk-0000.mov');
    assert.equal(chunkFileName(17), 'chunk-0017.mov');
    assert.equal(chunkFileName(12345), 'chunk-12345.mov');
  });

  it('maps media paths by prefix, whole components only', () => {
    const map = [{ from: '/mnt/studio/', to: '/data' }, { from: '/a', to: '/b' }];
    assert.equal(mapMediaPath('/mnt/studio/reel1/shot.mov', map), path.join('/data', 'reel1', 'shot.mov'));
    assert.equal(mapMediaPath('/a/x.mov', map), path.join('/b', 'x.mov'));
    assert.equal(mapMediaPath('/ab/x.mov', map), '/ab/x.mov');
  });
});

describe('chunked render and conform', () => {
  const pieces = path.join(temp.dir, 'pieces');
  const onePiece = path.join(temp.dir, 'one-piece.mov');
  const conformed = path.join(temp.dir, 'conformed.mov');

  before(async () => {
    fixture = await buildRenderFixture(temp.dir);
    edited = projectCopy(fixture, 'edited.dvp');
    const project = Project.open(edited);
    try {
      // A full-head binding: the network renders every frame it reaches, across every seam.
      bindSource(project, { targetClipId: fixture.targetId, sourceClipId: fixture.sourceId, mode: 'full', offset: 4 });
    } finally {
      project.close();
    }
  });
  after(() => temp.cleanup());

  it('a 4-chunk render, conformed, is the one-piece render: frames byte for byte, timecode, audio', async () => {
    const one = await dvpFromSource(['render', edited, '--range', RANGE_TEXT, '--audio', 'target', '--out', onePiece]);
    assert.equal(one.code, 0, one.stderr);
    const composited = Number(/composite: region mask on (\d+) of 44/.exec(one.stdout)?.[1] ?? 0);
    assert.ok(composited >= 35, `the network's picture is in most frames, across every seam (${composited} of 44)`);
    const chunked = await dvpFromSource(['render', edited, '--range', RANGE_TEXT, '--chunks', '4', '--out', pieces]);
    assert.equal(chunked.code, 0, chunked.stderr);
    assert.deepEqual(readdirSync(pieces).sort(), [0, 1, 2, 3].map(chunkFileName));
    for (const [i, chunk] of planChunks(RANGE, { chunks: 4 }).entries()) {
      const piece = path.join(pieces, chunkFileName(i));
      assert.equal(Number(videoStream(piece, ['-count_packets']).nb_read_packets), chunk.last - chunk.first + 1);
      assert.equal(ffprobeJson(piece).streams.filter((s) => s.codec_type === 'audio').length, 0, 'pieces are video only');
    }
    const conform = await dvpFromSource(['conform', edited, '--range', RANGE_TEXT, '--chunks', '4', '--pieces', pieces, '--audio', 'target', '--out', conformed]);
    assert.equal(conform.code, 0, conform.stderr);
    assert.match(conform.stdout, /frames 2-45 \(44 frames\) from 4 piece\(s\)/);

    const a = videoStream(onePiece, ['-count_packets']);
    const b = videoStream(conformed, ['-count_packets']);
    assert.equal(Number(b.nb_read_packets), 44);
    assert.equal(b.codec_tag_string, 'apch');
    assert.equal(b.pix_fmt, a.pix_fmt);
    assert.equal(b.width, PLATE.width);
    assert.equal((b.tags as Record<string, string>).timecode, '01:00:00:02');
    assert.equal((b.tags as Record<string, string>).timecode, (a.tags as Record<string, string>).timecode);
    const rgbA = decodedRgb(onePiece);
    const rgbB = decodedRgb(conformed);
    assert.equal(rgbA.length, 44 * PLATE.width * PLATE.height * 3);
    assert.ok(rgbA.equals(rgbB), 'every decoded frame (RGB) is identical');
    assert.deepEqual(frameHashes(conformed, 'decoded'), frameHashes(onePiece, 'decoded'), 'identical at full (10-bit) precision too');
    assert.ok(Math.abs(audioDuration(conformed) - audioDuration(onePiece)) <= 1 / 25, `audio ${audioDuration(conformed)} s vs ${audioDuration(onePiece)} s`);
  });

  it('copies the pieces\' packets: no re-encode', () => {
    const all = frameHashes(conformed, 'packets');
    let at = 0;
    for (const [i, chunk] of planChunks(RANGE, { chunks: 4 }).entries()) {
      const own = frameHashes(path.join(pieces, chunkFileName(i)), 'packets');
      assert.deepEqual(all.slice(at, at + own.length), own, `chunk ${i}'s packets`);
      at += chunk.last - chunk.first + 1;
    }
    assert.equal(at, all.length);
  });

  it('usage errors of a chunked render exit 2: a chunk beyond the plan, audio in pieces, H.264 pieces', async () => {
    const out = path.join(temp.dir, 'usage');
    for (const [extra, message] of [
      [['--chunk', '4'], /--chunk 4: the plan has 4 chunk\(s\), 0-3/],
      [['--audio', 'target'], /carry no audio; give --audio to `dvp conform`/],
      [['--format', 'h264'], /ProRes pieces/],
    ] as const) {
      const result = await dvpFromSource(['render', edited, '--range', RANGE_TEXT, '--chunks', '4', '--out', out, ...extra]);
      assert.equal(result.code, 2, result.stderr);
      assert.match(result.stderr, message);
    }
    assert.ok(!existsSync(out), 'nothing written');
  });

  it('ProRes 4444 in --chunk-frames pieces: conformed with --format prores-4444, the picture and the matte are the one-piece render\'s', async () => {
    const range = '20-27';
    const one = path.join(temp.dir, 'one-4444.mov');
    const dir = path.join(temp.dir, 'pieces-4444');
    const out = path.join(temp.dir, 'conformed-4444.mov');
    assert.equal((await dvpFromSource(['render', edited, '--range', range, '--format', 'prores-4444', '--audio', 'none', '--out', one])).code, 0);
    const render = await dvpFromSource(['render', edited, '--range', range, '--format', 'prores-4444', '--chunk-frames', '3', '--out', dir]);
    assert.equal(render.code, 0, render.stderr);
    assert.deepEqual(readdirSync(dir).sort(), [0, 1, 2].map(chunkFileName));
    const wrongFormat = await dvpFromSource(['conform', edited, '--range', range, '--chunk-frames', '3', '--pieces', dir, '--out', out]);
    assert.equal(wrongFormat.code, 1);
    assert.match(wrongFormat.stderr, /chunk-0000\.mov: the piece of chunk 0 \(frames 20-22\) is prores \(ap4h\), not ProRes 422 HQ \(apch\); pass --format/);
    const conform = await dvpFromSource(['conform', edited, '--range', range, '--chunk-frames', '3', '--pieces', dir, '--format', 'prores-4444', '--audio', 'none', '--out', out]);
    assert.equal(conform.code, 0, conform.stderr);
    assert.equal(videoStream(out).codec_tag_string, 'ap4h');
    assert.equal((videoStream(out).tags as Record<string, string>).timecode, '01:00:00:20');
    assert.equal(ffprobeJson(out).streams.filter((s) => s.codec_type === 'audio').length, 0);
    const rgba = (file: string): Buffer => spawnSync('ffmpeg', ['-v', 'error', '-i', file, '-f', 'rawvideo', '-pix_fmt', 'rgba', 'pipe:1'], { maxBuffer: 1 << 28 }).stdout;
    const expected = rgba(one);
    assert.equal(expected.length, 8 * PLATE.width * PLATE.height * 4);
    assert.ok(rgba(out).equals(expected), 'RGBA identical');
  });

  it('refuses a missing piece, naming it (exit 1)', async () => {
    const dir = path.join(temp.dir, 'missing');
    cpSync(pieces, dir, { recursive: true });
    rmSync(path.join(dir, chunkFileName(2)));
    const out = path.join(temp.dir, 'missing.mov');
    const result = await dvpFromSource(['conform', edited, '--range', RANGE_TEXT, '--chunks', '4', '--pieces', dir, '--out', out]);
    assert.equal(result.code, 1, result.stderr);
    assert.match(result.stderr, /chunk-0002\.mov: the piece of chunk 2 \(frames 24-34\) is missing/);
    assert.ok(!existsSync(out));
  });

  it('refuses a short piece and a piece of another size, naming them', async () => {
    const shortDir = path.join(temp.dir, 'short');
    mkdirSync(shortDir);
    for (const i of [0, 2, 3]) copyFileSync(path.join(pieces, chunkFileName(i)), path.join(shortDir, chunkFileName(i)));
    ffmpeg(['-i', path.join(pieces, chunkFileName(1)), '-frames:v', '10', '-c:v', 'prores_ks', '-profile:v', '3', '-pix_fmt', 'yuv422p10le', path.join(shortDir, chunkFileName(1))]);
    const short = await refusal(shortDir, path.join(temp.dir, 'short.mov'));
    assert.match(short.message, /chunk-0001\.mov: the piece of chunk 1 \(frames 13-23\) has 10 frame\(s\), not the chunk's 11/);

    const sizeDir = path.join(temp.dir, 'size');
    cpSync(pieces, sizeDir, { recursive: true });
    rmSync(path.join(sizeDir, chunkFileName(3)));
    ffmpeg(['-i', path.join(pieces, chunkFileName(3)), '-vf', 'scale=320:240', '-c:v', 'prores_ks', '-profile:v', '3', '-pix_fmt', 'yuv422p10le', path.join(sizeDir, chunkFileName(3))]);
    const size = await refusal(sizeDir, path.join(temp.dir, 'size.mov'));
    assert.match(size.message, /chunk-0003\.mov: the piece of chunk 3 \(frames 35-45\) is 320×240, not the shot's 448×384/);
  });

  it('a farm snapshot has no WAL, opens read-only, finds moved media by --path-map and --search, renders the same chunk and is never written', async () => {
    const farm = path.join(temp.dir, 'farm');
    mkdirSync(farm);
    const snapshot = path.join(farm, 'shot.snapshot.dvp');
    snapshotProject(edited, snapshot);
    assert.deepEqual(readdirSync(farm), ['shot.snapshot.dvp'], 'one file: no -wal, -shm or journal');
    assert.throws(() => snapshotProject(edited, snapshot), (e: unknown) => isDvpError(e) && e.code === 'OUTPUT_EXISTS');
    // As on a worker whose mounts differ: the stored media paths do not exist there.
    const db = new Database(snapshot);
    try {
      assert.equal(db.pragma('journal_mode', { simple: true }), 'delete');
      db.prepare('UPDATE clips SET path = ? WHERE id = ?').run('/mnt/studio-media/target.mov', fixture.targetId);
      db.prepare('UPDATE clips SET path = ? WHERE id = ?').run('/nowhere/source.mp4', fixture.sourceId);
    } finally {
      db.close();
    }
    const before = sha256(snapshot);
    const project = Project.open(snapshot, { readonly: true });
    assert.equal(project.readonly, true);
    project.close();

    const workerPieces = path.join(temp.dir, 'worker');
    const missing = await dvpFromSource(['render', snapshot, '--range', RANGE_TEXT, '--chunks', '4', '--chunk', '1', '--out', workerPieces]);
    assert.equal(missing.code, 1, 'media missing without the path map');
    assert.match(missing.stderr, /target\.mov/);
    const result = await dvpFromSource([
      'render', snapshot, '--range', RANGE_TEXT, '--chunks', '4', '--chunk', '1', '--out', workerPieces,
      '--path-map', `/mnt/studio-media=${fixture.dir}`, '--search', fixture.dir,
    ]);
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(readdirSync(workerPieces), [chunkFileName(1)], 'only chunk 1');
    assert.deepEqual(frameHashes(path.join(workerPieces, chunkFileName(1)), 'packets'), frameHashes(path.join(pieces, chunkFileName(1)), 'packets'));
    assert.equal(sha256(snapshot), before, 'the snapshot is unchanged');
    assert.deepEqual(readdirSync(farm), ['shot.snapshot.dvp'], 'no companions were created');
  });
});
