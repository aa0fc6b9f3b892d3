import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { describe, it } from 'node:test';
import { readFrame, readFrames } from '../../src-main/engine/media/frame-reader.js';
import { probeVideo } from '../../src-main/engine/media/probe.js';
import { DvpError } from '../../src-main/shared/errors.js';
import { MEDIA_DIR, media } from '../helpers/paths.js';

/** Frames counted by decoding (ffprobe -count_frames): independent of our packet count. */
function decodedFrameCount(file: string): { frames: number; rate: string } {
  const r = spawnSync('ffprobe', ['-v', 'error', '-count_frames', '-select_streams', 'v:0', '-show_entries', 'stream=nb_read_frames,avg_frame_rate', '-of', 'json', file], { encoding: 'utf8' });
  const stream = (JSON.parse(r.stdout) as { streams: { nb_read_frames: string; avg_frame_rate: string }[] }).streams[0]!;
  return { frames: Number(stream.nb_read_frames), rate: stream.avg_frame_rate };
}

describe('probe', () => {
  const clips = readdirSync(MEDIA_DIR).filter((f) => f.endsWith('.mp4'));

  it('finds the shared clips', () => {
    assert.ok(clips.length >= 6, `expected the shared clips in ${MEDIA_DIR}`);
  });

  for (const name of clips) {
    it(`reports the exact frame count and rational fps of ${name}`, async () => {
      const info = await probeVideo(media(name));
      const truth = decodedFrameCount(media(name));
      assert.equal(info.frameCount, truth.frames);
      assert.equal(`${info.fps.num}/${info.fps.den}`, truth.rate);
      assert.ok(info.width > 0 && info.height > 0);
      assert.ok(Math.abs(info.durationSec - (info.frameCount * info.fps.den) / info.fps.num) < 0.2);
      assert.equal(info.audio.length, name.includes('noaudio') ? 0 : 1);
    });
  }

  it('knows the tedlieu clip: 1499 frames at 25 fps, 256x256, AAC 48 kHz', async () => {
    const info = await probeVideo(media('target-tedlieu-256.mp4'));
    assert.equal(info.frameCount, 1499);
    assert.deepEqual(info.fps, { num: 25, den: 1 });
    assert.equal(info.audio[0]?.sampleRate, 48000);
  });
});

describe('frame reader', () => {
  it('reads every frame in order and random access returns the same pixels', async () => {
    const file = media('source-wda-aoc-512.mp4');
    const info = await probeVideo(file);
    const wanted = new Set([0, 1, 57, 123, info.frameCount - 1]);
    const kept = new Map<number, Uint8Array>();
    let count = 0;
    for await (const frame of readFrames(file, info)) {
      assert.equal(frame.index, count);
      assert.equal(frame.data.length, info.width * info.height * 3);
      if (wanted.has(frame.index)) kept.set(frame.index, frame.data);
      count++;
    }
    assert.equal(count, info.frameCount);
    for (const [index, data] of kept) {
      const single = await readFrame(file, info, index);
      assert.equal(single.index, index);
      assert.ok(Buffer.from(single.data).equals(Buffer.from(data)), `frame ${index} differs between sequential and random access`);
    }
    // Neighbouring frames differ (the seek did not land on the wrong frame by accident).
    assert.ok(!Buffer.from(kept.get(0)!).equals(Buffer.from(kept.get(123)!)));
  });

  it('crops and scales', async () => {
    const file = media('target-obama-weekly-address-450.mp4');
    const info = await probeVideo(file);
    const full = await readFrame(file, info, 10);
    const crop = { x: 100, y: 50, width: 200, height: 200 };
    const cropped = await readFrame(file, info, 10, { crop });
    assert.equal(cropped.width, 200);
    // The cropped frame's pixel (0,0) is the full frame's pixel (100,50).
    const fullOffset = (50 * info.width + 100) * 3;
    assert.deepEqual([...cropped.data.subarray(0, 3)], [...full.data.subarray(fullOffset, fullOffset + 3)]);
    const scaled = await readFrame(file, info, 10, { crop, size: { width: 64, height: 64 } });
    assert.equal(scaled.data.length, 64 * 64 * 3);
  });

  it('rejects ranges and crops outside the clip', async () => {
    const file = media('source-wda-aoc-512.mp4');
    const info = await probeVideo(file);
    await assert.rejects(readFrame(file, info, info.frameCount), (e: unknown) => e instanceof DvpError && e.code === 'INVALID_ARGUMENT');
    await assert.rejects(readFrame(file, info, 0, { crop: { x: 400, y: 0, width: 200, height: 200 } }), (e: unknown) => e instanceof DvpError && e.code === 'INVALID_ARGUMENT');
  });

  it('stops ffmpeg when the reader is abandoned early', async () => {
    const file = media('target-fgnet-franck-360x288-noaudio.mp4');
    const info = await probeVideo(file);
    let n = 0;
    for await (const frame of readFrames(file, info)) {
      n += frame.index >= 0 ? 1 : 0;
      if (n === 5) break;
    }
    assert.equal(n, 5);
  });

  it('cancels through an AbortSignal', async () => {
    const file = media('target-fgnet-franck-360x288-noaudio.mp4');
    const info = await probeVideo(file);
    const controller = new AbortController();
    let n = 0;
    await assert.rejects(
      (async () => {
        for await (const _frame of readFrames(file, info, { signal: controller.signal })) {
          if (++n === 10) controller.abort();
        }
      })(),
      (e: unknown) => e instanceof DvpError && e.code === 'CANCELLED',
    );
    assert.ok(n < info.frameCount);
  });
});
