/**
 * The seam of the region composite with real pictures in place of the network (docs/rendering.md,
 * "The seam, and the colour match"). target-tedlieu-256.mp4 frames 0–299, padded to 448×384 and
 * tracked; frames 200–299 edited two ways — a mouth binding to source-wda-aoc-512.mp4 (a dub) and a
 * +15° gaze-yaw key. For every edited frame, through that frame's region mask:
 *  - the nearest-neighbour real frame (edited parameters against the tracked ones of frames 0–199,
 *    pose weighted 3× as in translate/nearest-neighbour.ts): a stand-in for a model as good as the
 *    issue's baseline;
 *  - the previous real frame: the floor that motion, grain and the codec leave;
 * and the nearest neighbour through the whole-crop feather. Prints the seam (mean |picture − plate|
 * on the feathered edge, 8-bit levels) with and without the colour match. No training.
 *
 *   node --import tsx scripts/seam-baseline.ts [WORK_DIR]
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { applyEdit } from '../src-main/engine/edit/apply-edit.js';
import type { FrameParams } from '../src-main/engine/face/model.js';
import { readFrames } from '../src-main/engine/media/frame-reader.js';
import { clipVideoInfo, getClip } from '../src-main/engine/project/clips.js';
import { importClip } from '../src-main/engine/project/import-clip.js';
import { Project } from '../src-main/engine/project/project.js';
import { compositeMasked, type SeamSample, type SynthesizedCrop } from '../src-main/engine/render/composite.js';
import { EditedShot } from '../src-main/engine/render/edited-shot.js';
import { bindSource } from '../src-main/engine/render/reenact.js';
import { cropFeatherMask, type CropMask } from '../src-main/engine/render/crop-mask.js';
import { RegionMasker } from '../src-main/engine/render/region-mask.js';
import { trackClip } from '../src-main/engine/track/track-clip.js';

const MEDIA = process.env.DVP_MEDIA_DIR ?? path.resolve(import.meta.dirname, '..', '..', 'shared', 'media');
const dir = process.argv[2] ?? path.join(os.tmpdir(), 'dvp-seam-baseline');
const WIDTH = 448;
const HEIGHT = 384;
const FIRST = 200;
const LAST = 299;
const POOL_LAST = 199;

mkdirSync(dir, { recursive: true });
const base = path.join(dir, 'base.dvp');
if (!existsSync(base)) {
  const target = path.join(dir, 'target.mov');
  execFileSync('ffmpeg', ['-v', 'error', '-y', '-i', path.join(MEDIA, 'target-tedlieu-256.mp4'), '-frames:v', String(LAST + 1), '-vf', `pad=${WIDTH}:${HEIGHT}:96:64:color=0x3c4650`, '-c:v', 'libx264', '-crf', '12', '-pix_fmt', 'yuv420p', '-an', target]);
  const project = Project.create(base);
  try {
    const targetId = (await importClip(project, target, 'target')).clip.id;
    const sourceId = (await importClip(project, path.join(MEDIA, 'source-wda-aoc-512.mp4'), 'source')).clip.id;
    await trackClip(project, { clipId: targetId });
    await trackClip(project, { clipId: sourceId, range: { first: 0, last: 99 } });
    project.db.pragma('wal_checkpoint(TRUNCATE)');
  } finally {
    project.close();
  }
}

const cases: [string, (project: Project) => void][] = [
  ['dub (mouth binding)', (project) => bindSource(project, { targetClipId: 1, sourceClipId: 2, mode: 'mouth', offset: FIRST })],
  [
    'gaze key (+15° yaw)',
    (project) =>
      applyEdit(project, {
        targetClipId: 1,
        label: 'gaze',
        changes: ([[FIRST - 1, 0], [FIRST + 5, 15], [LAST, 15]] as const).map(([position, value]) => ({ kind: 'setKey' as const, param: 'gazeYaw', key: { position, value, type: 'linear' as const } })),
      }),
  ],
];

const vector = (p: FrameParams): number[] => [...p.rotation, ...p.translation, ...p.expression, ...p.gaze, ...p.eyelids];

class Total {
  raw = 0;
  matched = 0;
  pixels = 0;
  add(s: SeamSample): void {
    this.raw += s.sumRaw;
    this.matched += s.sumMatched;
    this.pixels += s.bandPixels;
  }
  text(): string {
    return `${(this.raw / (3 * this.pixels)).toFixed(1)} levels (colour-matched ${(this.matched / (3 * this.pixels)).toFixed(1)})`;
  }
}

for (const [name, change] of cases) {
  const file = path.join(dir, `${name.split(' ')[0]}.dvp`);
  copyFileSync(base, file);
  const writable = Project.open(file);
  try {
    change(writable);
  } finally {
    writable.close();
  }
  const project = Project.open(file, { readonly: true });
  try {
    const shot = EditedShot.open(project, { clipId: 1, first: 0, last: LAST, resolution: 64, windowSize: 1, measure: { kind: 'training', first: 0, last: POOL_LAST } });
    const crop = shot.conditioning.crop;
    const clip = getClip(project, 1);
    const frames: Uint8Array[] = [];
    for await (const frame of readFrames(clip.path, clipVideoInfo(clip), { start: 0, count: LAST + 1 })) frames.push(frame.data);
    const pool = Array.from({ length: POOL_LAST + 1 }, (_, f) => vector(shot.trackedParams(f)));
    const dims = pool[0]!.length;
    const sd = Array.from({ length: dims }, (_, d) => {
      const mean = pool.reduce((s, v) => s + v[d]!, 0) / pool.length;
      return Math.sqrt(pool.reduce((s, v) => s + (v[d]! - mean) ** 2, 0) / pool.length);
    });
    const nearest = (query: number[]): number => {
      let best = 0;
      let bestDistance = Infinity;
      pool.forEach((v, i) => {
        let d2 = 0;
        for (let d = 0; d < dims; d++) if (sd[d]! > 1e-6) d2 += (d < 6 ? 3 : 1) * ((v[d]! - query[d]!) / sd[d]!) ** 2;
        if (d2 < bestDistance) {
          bestDistance = d2;
          best = i;
        }
      });
      return best;
    };
    const picture = (frame: number): SynthesizedCrop => {
      const data = new Float32Array(crop.size * crop.size * 3);
      for (let y = 0; y < crop.size; y++) {
        for (let x = 0; x < crop.size; x++) {
          for (let c = 0; c < 3; c++) data[(y * crop.size + x) * 3 + c] = (frames[frame]![((crop.y + y) * WIDTH + crop.x + x) * 3 + c]! / 255) * 2 - 1;
        }
      }
      return { size: crop.size, data };
    };
    const through = (mask: CropMask, synth: SynthesizedCrop, t: number): SeamSample =>
      compositeMasked(frames[t]!.slice(), WIDTH, synth, crop, mask.weights, { ...(mask.box ? { box: mask.box } : {}), ...(mask.ring ? { ring: mask.ring } : {}) });
    const masker = new RegionMasker(shot.conditioning.model, crop);
    const feather = cropFeatherMask(crop.size);
    const neighbour = new Total();
    const previous = new Total();
    const whole = new Total();
    let frameCount = 0;
    let area = 0;
    for (let t = FIRST; t <= LAST; t++) {
      const edited = shot.params(t);
      const mask = masker.mask(shot.regions(t), shot.trackedParams(t), edited);
      if (!mask.box) continue;
      frameCount++;
      area += mask.weights.reduce((n, w) => n + (w > 0 ? 1 : 0), 0);
      const nn = picture(nearest(vector(edited)));
      neighbour.add(through(mask, nn, t));
      previous.add(through(mask, picture(t - 1), t));
      whole.add(through(feather, nn, t));
    }
    console.log(
      `${name}: ${frameCount} frames, crop ${crop.size} px, mask ${Math.round(area / frameCount)} px per frame; ` +
        `nearest neighbour ${neighbour.text()}; previous frame ${previous.text()}; nearest neighbour through the whole crop ${(whole.raw / (3 * whole.pixels)).toFixed(1)} levels`,
    );
  } finally {
    project.close();
  }
}
