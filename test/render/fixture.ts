/**
 * A small real project for the render tests, built once per test file:
 * - target: 60 frames of target-tedlieu-256.mp4 padded to 448×384 (so the shot crop leaves
 *   plate pixels outside it), with its speech and start timecode 01:00:00:00; tracked on
 *   frames 0–49 only, so frames 50–59 have no tracked face;
 * - source: 40 frames of source-wda-edmarkey-512.mp4 with audio, tracked;
 * - a cpu-tiny network trained a few steps on the target's tracked face model (`dvp train`'s data)
 *   (the pipeline is under test here, not the picture quality);
 * - `untrained.dvp`: a copy taken before training.
 */
import { copyFileSync } from 'node:fs';
import path from 'node:path';
import { importClip } from '../../src-main/engine/project/import-clip.js';
import { Project } from '../../src-main/engine/project/project.js';
import { trackClip } from '../../src-main/engine/track/track-clip.js';
import { selectBackend } from '../../src-main/engine/translate/backend.js';
import { createModel } from '../../src-main/engine/translate/checkpoint-store.js';
import { presetConfig } from '../../src-main/engine/translate/config.js';
import { openModelSource, planFaceData } from '../../src-main/engine/translate/model-source.js';
import { train } from '../../src-main/engine/translate/trainer.js';
import { ffmpeg } from '../helpers/cli.js';
import { media } from '../helpers/paths.js';

export const TARGET_FRAMES = 60;
export const TRACKED_LAST = 49;
export const SOURCE_FRAMES = 40;
export const START_TIMECODE = '01:00:00:00';
/** The padded plate: wider and taller than the crop the tracked face needs. */
export const PLATE = { width: 448, height: 384 };

export interface RenderFixture {
  dir: string;
  projectFile: string;
  untrainedFile: string;
  targetVideo: string;
  sourceVideo: string;
  targetId: number;
  sourceId: number;
  modelId: number;
}

export async function buildRenderFixture(dir: string): Promise<RenderFixture> {
  const targetVideo = path.join(dir, 'target.mov');
  const sourceVideo = path.join(dir, 'source.mp4');
  ffmpeg([
    '-i', media('target-tedlieu-256.mp4'), '-frames:v', String(TARGET_FRAMES), '-t', String(TARGET_FRAMES / 25),
    '-vf', `pad=${PLATE.width}:${PLATE.height}:96:64:color=0x3c4650`, '-c:v', 'libx264', '-crf', '12', '-pix_fmt', 'yuv420p',
    '-c:a', 'aac', '-timecode', START_TIMECODE, targetVideo,
  ]);
  ffmpeg(['-i', media('source-wda-edmarkey-512.mp4'), '-frames:v', String(SOURCE_FRAMES), '-t', String(SOURCE_FRAMES / 25), '-c:v', 'libx264', '-crf', '14', '-c:a', 'aac', sourceVideo]);

  const projectFile = path.join(dir, 'shot.dvp');
  const untrainedFile = path.join(dir, 'untrained.dvp');
  const project = Project.create(projectFile);
  try {
    const targetId = (await importClip(project, targetVideo, 'target')).clip.id;
    const sourceId = (await importClip(project, sourceVideo, 'source')).clip.id;
    await trackClip(project, { clipId: targetId, range: { first: 0, last: TRACKED_LAST } });
    await trackClip(project, { clipId: sourceId });
    project.db.pragma('wal_checkpoint(TRUNCATE)');
    copyFileSync(projectFile, untrainedFile);

    const backend = await selectBackend('wasm');
    const model = createModel(project, { clipId: targetId, name: 'render test', config: presetConfig('cpu-tiny'), data: { ...planFaceData(project, targetId) } });
    const { source, split } = await openModelSource(project, model);
    await train({ project, model, source, trainIndices: split.train, targetStep: 6, checkpointEvery: 6, backend: backend.name });
    return { dir, projectFile, untrainedFile, targetVideo, sourceVideo, targetId, sourceId, modelId: model.id };
  } finally {
    project.close();
  }
}

/** A copy of the fixture's project to edit without disturbing the other tests. */
export function projectCopy(fixture: RenderFixture, name: string): string {
  const file = path.join(fixture.dir, name);
  copyFileSync(fixture.projectFile, file);
  return file;
}
