/**
 * The offline render end to end on a real tracked clip and a tiny trained network:
 * ProRes HQ and 4444 files checked with ffprobe (codec tag, frame count, timecode, audio,
 * alpha), pixels outside the shot crop left as the plate, a reenactment that changes the
 * crop only, frames without a tracked face passed through, audio from the bound source,
 * cancel without leftovers, the errors for untracked and untrained shots, and dubbing.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { applyEdit } from '../../src-main/engine/edit/apply-edit.js';
import { undo } from '../../src-main/engine/edit/history.js';
import { loadShotEdit } from '../../src-main/engine/edit/shot-edit.js';
import { readFrames } from '../../src-main/engine/media/frame-reader.js';
import { probeVideo } from '../../src-main/engine/media/probe.js';
import { getClip, clipVideoInfo } from '../../src-main/engine/project/clips.js';
import { importClip } from '../../src-main/engine/project/import-clip.js';
import { Project } from '../../src-main/engine/project/project.js';
import { EditedShot } from '../../src-main/engine/render/edited-shot.js';
import { bindSource } from '../../src-main/engine/render/reenact.js';
import { openShotRender } from '../../src-main/engine/render/render-shot.js';
import { renderShotToFile } from '../../src-main/engine/render/render-to-file.js';
import { isDvpError, type DvpError } from '../../src-main/shared/errors.js';
import { ffmpeg, ffprobeJson } from '../helpers/cli.js';
import { media, tempDir } from '../helpers/paths.js';
import { buildRenderFixture, PLATE, projectCopy, SOURCE_FRAMES, START_TIMECODE, TRACKED_LAST, type RenderFixture } from './fixture.js';
import { dvpFromSource } from '../helpers/cli.js';
import { decodeAlpha, decodeAudio, rms, toneFrequency } from './media-checks.js';

const temp = tempDir('dvp-render-');
let fixture: RenderFixture;

interface Crop {
  x: number;
  y: number;
  size: number;
}

const inside = (crop: Crop, x: number, y: number): boolean => x >= crop.x && x < crop.x + crop.size && y >= crop.y && y < crop.y + crop.size;

/** Renders frames first..last of the project's shot in memory (RGB), with the paper's whole-crop composite (test/render/region-mask.test.ts tests the region one). */
async function renderInMemory(file: string, first: number, last: number): Promise<{ frames: Map<number, Uint8Array>; crop: Crop; synthesized: Set<number> }> {
  const project = Project.open(file, { readonly: true });
  const render = await openShotRender(project, { clipId: fixture.targetId, range: { first, last }, composite: 'crop' });
  try {
    const frames = new Map<number, Uint8Array>();
    const synthesized = new Set<number>();
    for await (const frame of render.frames()) {
      frames.set(frame.index, frame.data);
      if (frame.synthesized) synthesized.add(frame.index);
    }
    return { frames, crop: { ...render.shot.conditioning.crop }, synthesized };
  } finally {
    render.dispose();
    project.close();
  }
}

async function plates(first: number, last: number): Promise<Map<number, Uint8Array>> {
  const project = Project.open(fixture.projectFile, { readonly: true });
  try {
    const clip = getClip(project, fixture.targetId);
    const out = new Map<number, Uint8Array>();
    for await (const frame of readFrames(clip.path, clipVideoInfo(clip), { start: first, count: last - first + 1 })) out.set(frame.index, frame.data);
    return out;
  } finally {
    project.close();
  }
}

function videoStream(file: string): Record<string, unknown> {
  const stream = ffprobeJson(file, ['-count_packets']).streams.find((s) => s.codec_type === 'video');
  assert.ok(stream, `${file} has a video stream`);
  return stream;
}

function audioStreams(file: string): Record<string, unknown>[] {
  return ffprobeJson(file).streams.filter((s) => s.codec_type === 'audio');
}

describe('offline render', () => {
  before(async () => {
    fixture = await buildRenderFixture(temp.dir);
  });
  after(() => temp.cleanup());

  it('writes ProRes 422 HQ with the frame count, the timecode offset by the range start and the target audio', async () => {
    const out = path.join(temp.dir, 'hq.mov');
    const result = await dvpFromSource(['render', fixture.projectFile, '--range', '10-29', '--format', 'prores-hq', '--audio', 'target', '--out', out]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /wrote .*hq\.mov: frames 10-29 \(20 frames, 20 synthesized\)/);
    assert.match(result.stderr, /render \d+\/20/, 'progress on stderr');
    const video = videoStream(out);
    assert.equal(video.codec_tag_string, 'apch');
    assert.equal(video.profile, 'HQ');
    assert.equal(Number(video.nb_read_packets), 20);
    assert.equal((video.tags as Record<string, string>).timecode, '01:00:00:10');
    assert.equal(video.width, PLATE.width);
    assert.equal(video.height, PLATE.height);
    const audio = audioStreams(out);
    assert.equal(audio.length, 1);
    assert.ok(Math.abs(Number(audio[0]!.duration) - 0.8) < 0.03, `audio lasts the 20 frames (${String(audio[0]!.duration)} s)`);
    // The target's own speech at that point: the same samples as the clip's audio from frame 10.
    const rendered = decodeAudio(out);
    const original = decodeAudio(fixture.targetVideo);
    const offset = Math.round((10 / 25) * 16000);
    let diff = 0;
    for (let i = 800; i < 8000; i++) diff += Math.abs(rendered[i]! - original[offset + i]!);
    assert.ok(rms(rendered) > 0.005, 'the audio is not silent');
    assert.ok(diff / 7200 < 0.05 * rms(original), `the audio is the target's, in sync (mean difference ${diff / 7200})`);
  });

  it('writes ProRes 4444 whose alpha is the blend matte (--composite crop): opaque in the crop, clear outside', async () => {
    const out = path.join(temp.dir, 'matte.mov');
    const project = Project.open(fixture.projectFile, { readonly: true });
    let summary;
    try {
      summary = await renderShotToFile(project, { clipId: fixture.targetId, range: { first: 20, last: 27 }, format: 'prores-4444', audio: { kind: 'none' }, out, composite: 'crop' });
    } finally {
      project.close();
    }
    assert.equal(summary.frames, 8);
    assert.equal(summary.audio, null);
    const video = videoStream(out);
    assert.equal(video.codec_tag_string, 'ap4h');
    assert.match(String(video.pix_fmt), /^yuva444/);
    assert.equal(Number(video.nb_read_packets), 8);
    assert.equal(audioStreams(out).length, 0);
    const { crop } = await renderInMemory(fixture.projectFile, 20, 20);
    const alpha = decodeAlpha(out, 3, PLATE.width, PLATE.height);
    const at = (x: number, y: number): number => alpha[y * PLATE.width + x]!;
    assert.ok(at(crop.x + (crop.size >> 1), crop.y + (crop.size >> 1)) >= 250, 'opaque at the crop centre');
    let outsideMax = 0;
    for (let y = 0; y < PLATE.height; y++) for (let x = 0; x < PLATE.width; x++) if (!inside(crop, x, y)) outsideMax = Math.max(outsideMax, at(x, y));
    assert.ok(outsideMax <= 4, `clear outside the crop (max alpha ${outsideMax})`);
  });

  it('leaves every pixel outside the crop as the plate; a reenactment changes the crop only', async () => {
    const [first, last] = [28, 45];
    const original = await plates(first, last);
    const plain = await renderInMemory(fixture.projectFile, first, last);
    assert.ok(plain.crop.size < PLATE.height, `the shot crop (${plain.crop.size} px) leaves plate around it`);
    const edited = projectCopy(fixture, 'reenact-pixels.dvp');
    const project = Project.open(edited);
    try {
      bindSource(project, { targetClipId: fixture.targetId, sourceClipId: fixture.sourceId, mode: 'full', offset: 20 });
    } finally {
      project.close();
    }
    const reenacted = await renderInMemory(edited, first, last);
    let changedInside = 0;
    for (let f = first; f <= last; f++) {
      const plate = original.get(f)!;
      for (const [name, render] of [['plain', plain], ['reenacted', reenacted]] as const) {
        const data = render.frames.get(f)!;
        for (let y = 0; y < PLATE.height; y++) {
          for (let x = 0; x < PLATE.width; x++) {
            if (inside(render.crop, x, y)) continue;
            const i = (y * PLATE.width + x) * 3;
            if (data[i] !== plate[i] || data[i + 1] !== plate[i + 1] || data[i + 2] !== plate[i + 2]) assert.fail(`${name} frame ${f}: pixel ${x},${y} outside the crop changed`);
          }
        }
      }
      const a = plain.frames.get(f)!;
      const b = reenacted.frames.get(f)!;
      let differing = 0;
      for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) differing++;
      if (differing > 0) changedInside++;
    }
    // The source (40 frames from target frame 20) drives frames 28–45 once the window holds its motion.
    assert.ok(changedInside >= 12, `the reenactment changes the synthesized crop (${changedInside} of ${last - first + 1} frames differ)`);
  });

  it('passes the plate through where the shot has no tracked face, and says so', async () => {
    const original = await plates(45, 59);
    const render = await renderInMemory(fixture.projectFile, 45, 59);
    for (let f = TRACKED_LAST + 1; f <= 59; f++) {
      assert.ok(!render.synthesized.has(f), `frame ${f} is not synthesized`);
      assert.deepEqual(render.frames.get(f), original.get(f), `frame ${f} is the plate`);
    }
    for (let f = 45; f <= TRACKED_LAST; f++) assert.ok(render.synthesized.has(f), `frame ${f} is synthesized`);
    const out = path.join(temp.dir, 'tail.mp4');
    const result = await dvpFromSource(['render', fixture.projectFile, '--range', '45-59', '--format', 'h264', '--audio', 'none', '--out', out, '--json']);
    assert.equal(result.code, 0, result.stderr);
    const summary = JSON.parse(result.stdout) as { synthesized: number; passThrough: { first: number; last: number }[]; frames: number };
    assert.equal(summary.frames, 15);
    assert.equal(summary.synthesized, TRACKED_LAST - 45 + 1);
    assert.deepEqual(summary.passThrough, [{ first: TRACKED_LAST + 1, last: 59 }]);
    assert.equal(videoStream(out).codec_tag_string, 'avc1');
  });

  it('takes the bound source clip\'s audio aligned by the binding offset, padded to the render', async () => {
    const edited = projectCopy(fixture, 'source-audio.dvp');
    const bound = await dvpFromSource(['reenact', edited, '--source', String(fixture.sourceId), '--mode', 'expression', '--offset', '30']);
    assert.equal(bound.code, 0, bound.stderr);
    assert.match(bound.stdout, /now follows clip \d+ .*expression, offset 30/);
    const out = path.join(temp.dir, 'source-audio.mov');
    const result = await dvpFromSource(['render', edited, '--range', '0-59', '--audio', 'source', '--out', out]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /audio: source clip audio/);
    assert.equal(Number(videoStream(out).nb_read_packets), 60, 'a source shorter than the render does not cut the picture');
    const samples = decodeAudio(out);
    assert.ok(Math.abs(samples.length / 16000 - 2.4) < 0.03, `the audio lasts the render (${samples.length / 16000} s)`);
    // The source's frame 0 lands on target frame 30 (1.2 s): silence before, its speech after, until it ends at 2.8 s.
    assert.ok(rms(samples, 0, Math.round(1.15 * 16000)) < 1e-4, 'silent before the source starts');
    assert.ok(rms(samples, Math.round(1.25 * 16000)) > 0.005, 'the source speaks after it starts');
    const source = decodeAudio(fixture.sourceVideo);
    let diff = 0;
    for (let i = 0; i < 8000; i++) diff += Math.abs(samples[Math.round(1.2 * 16000) + i]! - source[i]!);
    assert.ok(diff / 8000 < 0.05 * rms(source, 0, 8000), `the source audio lines up with its frame 0 (mean difference ${diff / 8000})`);
    assert.ok(SOURCE_FRAMES / 25 > 1.2, 'the fixture source is long enough to be heard');
  });

  it('renders keyframe edits and warns about the frames they push outside what the target showed', async () => {
    const edited = projectCopy(fixture, 'keyed.dvp');
    const project = Project.open(edited);
    try {
      applyEdit(project, {
        targetClipId: fixture.targetId,
        label: 'Turn the head for frames 20-25',
        changes: ([[19, 0], [20, 60], [25, 60], [26, 0]] as const).map(([position, value]) => ({ kind: 'setKey' as const, param: 'headYaw', key: { position, value } })),
      });
      const shot = EditedShot.open(project, { clipId: fixture.targetId, first: 16, last: 29, resolution: 64, windowSize: 11, measure: { kind: 'training', first: 0, last: 32 } });
      assert.equal(shot.outOfRangeFrames, 6);
      assert.deepEqual(shot.outOfRange.map((span) => [span.first, span.last]), [[20, 25]]);
      assert.ok(shot.outOfRange[0]!.params.includes('headYaw'), shot.outOfRange[0]!.params.join(', '));
      const yaw = (frame: number): number => shot.params(frame).rotation[0]!;
      const original = Project.open(fixture.projectFile, { readonly: true });
      try {
        const tracked = EditedShot.open(original, { clipId: fixture.targetId, first: 16, last: 29, resolution: 64, windowSize: 11, measure: { kind: 'training', first: 0, last: 32 } });
        assert.ok(Math.abs(yaw(22) - tracked.params(22).rotation[0]! - Math.PI / 3) < 1e-5, 'the keyed offset reaches the rendered parameters');
        assert.ok(Math.abs(yaw(18) - tracked.params(18).rotation[0]!) < 1e-6, 'frames outside the keys keep the tracked pose');
      } finally {
        original.close();
      }
    } finally {
      project.close();
    }
    const out = path.join(temp.dir, 'keyed.mp4');
    const result = await dvpFromSource(['render', edited, '--range', '16-29', '--format', 'h264', '--audio', 'none', '--out', out]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /warning: 6 frame\(s\) ask for parameters outside what the target showed/);
    assert.match(result.stdout, /warning: {3}frames 20-25: headYaw/);
  });

  it('cancels cleanly: no file and no partial file remain', async () => {
    const out = path.join(temp.dir, 'cancelled', 'shot.mov');
    await import('node:fs').then((fs) => fs.mkdirSync(path.dirname(out)));
    const controller = new AbortController();
    const project = Project.open(fixture.projectFile, { readonly: true });
    try {
      await assert.rejects(
        renderShotToFile(project, {
          clipId: fixture.targetId,
          range: { first: 0, last: 49 },
          format: 'prores-hq',
          audio: { kind: 'target' },
          out,
          signal: controller.signal,
          onProgress: (p) => {
            if (p.done === 4) controller.abort();
          },
        }),
        (error: unknown) => isDvpError(error) && error.code === 'CANCELLED' && /no file was written/.test(error.message),
      );
    } finally {
      project.close();
    }
    assert.deepEqual(readdirSync(path.dirname(out)), []);
  });

  it('refuses clearly when the shot is not tracked or has no trained model', async () => {
    const untrained = await dvpFromSource(['render', fixture.untrainedFile, '--range', '0-9', '--out', path.join(temp.dir, 'none.mov')]);
    assert.equal(untrained.code, 1);
    assert.match(untrained.stderr, /has no trained model to render with; run `dvp train`/);
    const file = projectCopy(fixture, 'untracked.dvp');
    const project = Project.open(file);
    let otherId: number;
    try {
      otherId = (await importClip(project, media('target-obama-weekly-address-450.mp4'), 'target')).clip.id;
    } finally {
      project.close();
    }
    const untracked = await dvpFromSource(['render', file, '--shot', String(otherId), '--range', '0-9', '--out', path.join(temp.dir, 'none.mov')]);
    assert.equal(untracked.code, 1);
    assert.match(untracked.stderr, /is not tracked yet, so it cannot be rendered; run `dvp track/);
    const reopened = Project.open(file);
    try {
      assert.throws(
        () => bindSource(reopened, { targetClipId: fixture.targetId, sourceClipId: otherId, mode: 'full' }),
        (error: DvpError) => /is not tracked yet\.$/.test(error.message) && /^run `dvp track/.test(error.remedy?.cli ?? ''),
      );
      assert.throws(() => bindSource(reopened, { targetClipId: fixture.targetId, sourceClipId: fixture.sourceId, mode: 'hair' as 'full' }), /'hair' is not a reenactment mode/);
    } finally {
      reopened.close();
    }
    const badRange = await dvpFromSource(['render', fixture.projectFile, '--range', '50-70', '--out', path.join(temp.dir, 'none.mov')]);
    assert.equal(badRange.code, 2);
    assert.match(badRange.stderr, /frames 50-70 are outside clip/);
    assert.equal(existsSync(path.join(temp.dir, 'none.mov')), false);
  });

  it('dubs: imports and tracks the dub video, binds it mouth-only, renders with the dubbed audio (undoable)', async () => {
    const file = projectCopy(fixture, 'dub.dvp');
    const dubVideo = path.join(temp.dir, 'dub.mp4');
    const dubAudio = path.join(temp.dir, 'dub.wav');
    ffmpeg(['-i', media('source-wda-aoc-512.mp4'), '-frames:v', '30', '-t', '1.2', '-c:v', 'libx264', '-crf', '16', '-c:a', 'aac', dubVideo]);
    ffmpeg(['-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000:duration=1.2', '-c:a', 'pcm_s16le', dubAudio]);
    const out = path.join(temp.dir, 'dubbed.mov');
    const result = await dvpFromSource(['dub', file, '--source', dubVideo, '--audio', dubAudio, '--out', out]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /dub: clip \d+ imported drives the mouth/);
    const video = videoStream(out);
    assert.equal(video.codec_tag_string, 'apch');
    assert.equal(Number(video.nb_read_packets), 30, 'the frames the dub covers');
    assert.equal((video.tags as Record<string, string>).timecode, START_TIMECODE);
    const samples = decodeAudio(out);
    const frequency = toneFrequency(samples, 16000, 800, samples.length - 800);
    assert.ok(Math.abs(frequency - 440) < 10, `the sound is the dubbed audio (${frequency.toFixed(1)} Hz), not the original speech`);
    const project = Project.open(file, { readonly: true });
    let dubId: number;
    try {
      const bindings = loadShotEdit(project, fixture.targetId)?.bindings ?? [];
      assert.equal(bindings.length, 1);
      assert.equal(bindings[0]!.mode, 'mouth');
      dubId = bindings[0]!.sourceClipId;
      assert.equal(getClip(project, dubId).role, 'source');
      assert.equal((await probeVideo(dubVideo)).frameCount, 30);
    } finally {
      project.close();
    }
    const reopened = Project.open(file);
    try {
      assert.match(undo(reopened)?.label ?? '', /mouth only/);
      assert.equal(loadShotEdit(reopened, fixture.targetId)?.bindings.length, 0);
    } finally {
      reopened.close();
    }
  });
});
