import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { FrameWriter } from '../../src-main/engine/media/frame-writer.js';
import { readFrames } from '../../src-main/engine/media/frame-reader.js';
import { probeVideo } from '../../src-main/engine/media/probe.js';
import { DvpError } from '../../src-main/shared/errors.js';
import { existsSync, readdirSync } from 'node:fs';
import { dvp, ffmpeg, ffprobeJson } from '../helpers/cli.js';
import { psnr } from '../helpers/image-metrics.js';
import { media, tempDir } from '../helpers/paths.js';

describe('transcode', () => {
  let dir: string;
  let cleanup: () => void;
  before(() => ({ dir, cleanup } = tempDir()));
  after(() => cleanup());

  it('round-trips target-tedlieu-256.mp4 through ProRes 422 HQ: frames, fps, audio, apch, yuv422p10le, PSNR ≥ 40 dB', async () => {
    const source = media('target-tedlieu-256.mp4');
    const out = path.join(dir, 'tedlieu.mov');
    const result = await dvp(['transcode', source, out, '--format', 'prores-hq']);
    assert.equal(result.code, 0, result.stderr);
    const probe = ffprobeJson(out, ['-count_packets']);
    const video = probe.streams.find((s) => s.codec_type === 'video')!;
    const audio = probe.streams.find((s) => s.codec_type === 'audio');
    assert.equal(video.codec_tag_string, 'apch');
    assert.equal(video.pix_fmt, 'yuv422p10le');
    assert.equal(video.avg_frame_rate, '25/1');
    assert.equal(Number(video.nb_read_packets), 1499);
    assert.ok(audio, 'audio kept');
    assert.ok(Math.abs(Number(audio.duration) - 59.96) < 0.1, `audio duration ${String(audio.duration)}`);

    const [a, b] = await Promise.all([probeVideo(source), probeVideo(out)]);
    assert.equal(b.frameCount, a.frameCount);
    const reference = readFrames(source, a);
    let frames = 0;
    let worst = Infinity;
    let total = 0;
    for await (const frame of readFrames(out, b)) {
      const { value } = await reference.next();
      const db = psnr(value!.data, frame.data);
      worst = Math.min(worst, db);
      total += db;
      frames++;
    }
    assert.equal(frames, 1499);
    assert.ok(total / frames >= 40, `mean PSNR ${(total / frames).toFixed(2)} dB`);
    assert.ok(worst >= 40, `worst frame PSNR ${worst.toFixed(2)} dB`);
    assert.equal(readdirSync(dir).filter((f) => f.includes('.partial')).length, 0);
  });

  it('cuts a frame range, offsets the timecode, and replaces or drops audio', async () => {
    const withTc = path.join(dir, 'tc.mov');
    ffmpeg(['-f', 'lavfi', '-i', 'testsrc2=size=128x96:rate=25:duration=4', '-f', 'lavfi', '-i', 'sine=frequency=440:duration=4', '-c:v', 'libx264', '-c:a', 'aac', '-timecode', '01:00:00:00', withTc]);
    const info = await probeVideo(withTc);
    assert.equal(info.startTimecode, '01:00:00:00');
    assert.equal(info.frameCount, 100);

    const cut = path.join(dir, 'cut.mov');
    const r1 = await dvp(['transcode', withTc, cut, '--format', 'prores-hq', '--range', '30-54']);
    assert.equal(r1.code, 0, r1.stderr);
    const cutInfo = await probeVideo(cut);
    assert.equal(cutInfo.frameCount, 25);
    assert.equal(cutInfo.startTimecode, '01:00:01:05');
    assert.ok(Math.abs((cutInfo.audio[0]?.durationSec ?? 0) - 1) < 0.05);
    // The first frame of the cut is source frame 30.
    const src30 = (await readFrames(withTc, info, { start: 30, count: 1 }).next()).value!;
    const cut0 = (await readFrames(cut, cutInfo, { count: 1 }).next()).value!;
    const src29 = (await readFrames(withTc, info, { start: 29, count: 1 }).next()).value!;
    assert.ok(psnr(src30.data, cut0.data) > psnr(src29.data, cut0.data) + 3, 'the cut starts on frame 30');

    const silent = path.join(dir, 'silent.mp4');
    assert.equal((await dvp(['transcode', withTc, silent, '--format', 'h264', '--audio', 'none'])).code, 0);
    assert.equal((await probeVideo(silent)).audio.length, 0);
    assert.equal(ffprobeJson(silent).streams.find((s) => s.codec_type === 'video')?.codec_name, 'h264');

    const dubbed = path.join(dir, 'dubbed.mov');
    const r2 = await dvp(['transcode', media('target-fgnet-franck-360x288-noaudio.mp4'), dubbed, '--format', 'prores-hq', '--range', '0-49', '--audio', media('target-tedlieu-256.mp4')]);
    assert.equal(r2.code, 0, r2.stderr);
    const dubInfo = await probeVideo(dubbed);
    assert.equal(dubInfo.audio.length, 1);
    assert.ok(Math.abs((dubInfo.audio[0]?.durationSec ?? 0) - 50 / 24) < 0.05);

    const noAudio = await dvp(['transcode', withTc, path.join(dir, 'x.mov'), '--audio', media('target-fgnet-franck-360x288-noaudio.mp4')]);
    assert.equal(noAudio.code, 2);
    assert.match(noAudio.stderr, /has no audio stream/);
  });
});

describe('frame writer', () => {
  let dir: string;
  let cleanup: () => void;
  before(() => ({ dir, cleanup } = tempDir()));
  after(() => cleanup());

  function gradient(width: number, height: number, channels: 3 | 4, t: number): Uint8Array {
    const data = new Uint8Array(width * height * channels);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const i = (y * width + x) * channels;
        data[i] = (x * 4 + t * 8) & 255;
        data[i + 1] = (y * 4) & 255;
        data[i + 2] = 128;
        if (channels === 4) data[i + 3] = x < width / 2 ? 255 : 64;
      }
    }
    return data;
  }

  it('writes ProRes 4444 with alpha and a start timecode, and reads back what it wrote', async () => {
    const file = path.join(dir, 'alpha.mov');
    const writer = FrameWriter.open({ file, format: 'prores-4444', width: 64, height: 48, fps: { num: 30000, den: 1001 }, timecode: '00:59:59;28' });
    for (let t = 0; t < 12; t++) await writer.write(gradient(64, 48, 4, t));
    await writer.finish();
    const video = ffprobeJson(file).streams.find((s) => s.codec_type === 'video')!;
    assert.equal(video.codec_tag_string, 'ap4h');
    assert.match(String(video.pix_fmt), /^yuva444p1[02]le$/, 'decoded with its alpha plane');
    const info = await probeVideo(file);
    assert.equal(info.frameCount, 12);
    assert.deepEqual(info.fps, { num: 30000, den: 1001 });
    assert.equal(info.startTimecode, '00:59:59;28');
    let t = 0;
    for await (const frame of readFrames(file, info)) {
      const rgb = Buffer.from(gradient(64, 48, 4, t++)).filter((_v, i) => i % 4 !== 3);
      assert.ok(psnr(Uint8Array.from(rgb), frame.data) > 35, `frame ${frame.index}`);
    }
  });

  it('writes an H.264 proxy with audio cut to the video length', async () => {
    const file = path.join(dir, 'proxy.mp4');
    const writer = FrameWriter.open({ file, format: 'h264', width: 64, height: 48, fps: { num: 25, den: 1 }, audio: { kind: 'file', path: media('target-tedlieu-256.mp4'), startSec: 10 } });
    for (let t = 0; t < 50; t++) await writer.write(gradient(64, 48, 3, t));
    await writer.finish();
    const info = await probeVideo(file);
    assert.equal(info.frameCount, 50);
    assert.ok(Math.abs((info.audio[0]?.durationSec ?? 0) - 2) < 0.1);
  });

  it('aborts without leaving a file, and refuses frames of the wrong size', async () => {
    const file = path.join(dir, 'aborted.mov');
    const writer = FrameWriter.open({ file, format: 'prores-hq', width: 32, height: 32, fps: { num: 25, den: 1 } });
    await writer.write(gradient(32, 32, 3, 0));
    await assert.rejects(writer.write(new Uint8Array(10)), (e: unknown) => e instanceof DvpError);
    await writer.abort();
    assert.equal(existsSync(file), false);
    assert.equal(readdirSync(dir).filter((f) => f.startsWith('aborted')).length, 0);
  });
});
