import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FrameWriter } from '../../src-main/engine/media/frame-writer.js';
import { readFrames } from '../../src-main/engine/media/frame-reader.js';
import type { OutputFormatId } from '../../src-main/engine/media/output-formats.js';
import { probeVideo } from '../../src-main/engine/media/probe.js';
import { MEDIA_DIR } from '../paths.js';
import type { Benchmark, Metric } from '../types.js';

async function decodeRate(file: string): Promise<{ fps: number; frames: number }> {
  const info = await probeVideo(file);
  const started = performance.now();
  let frames = 0;
  for await (const _frame of readFrames(file, info)) frames++;
  return { fps: frames / ((performance.now() - started) / 1000), frames };
}

async function encodeRate(dir: string, format: OutputFormatId, size: number, frames: number): Promise<number> {
  const source = path.join(MEDIA_DIR, 'target-tedlieu-256.mp4');
  const info = await probeVideo(source);
  const pool: Uint8Array[] = [];
  for await (const frame of readFrames(source, info, { count: 50, size: { width: size, height: size } })) pool.push(frame.data);
  const writer = FrameWriter.open({ file: path.join(dir, `out-${format}-${size}.${format === 'h264' ? 'mp4' : 'mov'}`), format, width: size, height: size, fps: info.fps });
  const rgba = format === 'prores-4444';
  const started = performance.now();
  for (let i = 0; i < frames; i++) {
    const rgb = pool[i % pool.length]!;
    if (!rgba) {
      await writer.write(rgb);
      continue;
    }
    const withAlpha = new Uint8Array(size * size * 4);
    for (let p = 0, q = 0; p < rgb.length; p += 3, q += 4) {
      withAlpha[q] = rgb[p]!;
      withAlpha[q + 1] = rgb[p + 1]!;
      withAlpha[q + 2] = rgb[p + 2]!;
      withAlpha[q + 3] = 255;
    }
    await writer.write(withAlpha);
  }
  await writer.finish();
  return frames / ((performance.now() - started) / 1000);
}

export const mediaIoBenchmark: Benchmark = {
  name: 'media-io',
  description: 'Decode throughput of every shared clip to RGB24 (frames/s), and encode throughput of RGB frames to ProRes 422 HQ, ProRes 4444 and H.264 at 256² and 512².',
  async run() {
    const metrics: Record<string, Metric> = {};
    const details: Record<string, unknown> = {};
    for (const name of readdirSync(MEDIA_DIR).filter((f) => f.endsWith('.mp4')).sort()) {
      const { fps, frames } = await decodeRate(path.join(MEDIA_DIR, name));
      metrics[`decode ${name}`] = { value: fps, unit: 'frames/s', better: 'higher' };
      details[name] = { frames };
    }
    const dir = mkdtempSync(path.join(os.tmpdir(), 'dvp-bench-'));
    try {
      for (const format of ['prores-hq', 'prores-4444', 'h264'] as const) {
        for (const size of [256, 512]) {
          metrics[`encode ${format} ${size}²`] = { value: await encodeRate(dir, format, size, size === 256 ? 250 : 100), unit: 'frames/s', better: 'higher' };
        }
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    return { metrics, details };
  },
};
