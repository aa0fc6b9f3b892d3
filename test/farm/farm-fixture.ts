/**
 * The farm tests' shot: the first FARM_FRAMES frames of the shared clip target-tedlieu-256.mp4
 * (with its speech and start timecode 01:00:00:00), tracked on frames 0…FARM_TRACKED_LAST (the
 * rest has no tracked face and passes the plate through, so a chunk boundary falls on both kinds of
 * frame), and a cpu-tiny network trained a few steps (the pipeline is under test, not the picture).
 */
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

export const FARM_START_TIMECODE = '01:00:00:00';

export interface FarmFixture {
  projectFile: string;
  frames: number;
}

export async function buildFarmFixture(dir: string, frames: number, trackedLast: number): Promise<FarmFixture> {
  const video = path.join(dir, 'target.mov');
  ffmpeg([
    '-i', media('target-tedlieu-256.mp4'), '-frames:v', String(frames), '-t', String(frames / 25),
    '-c:v', 'libx264', '-crf', '12', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-timecode', FARM_START_TIMECODE, video,
  ]);
  const projectFile = path.join(dir, 'shot.dvp');
  const project = Project.create(projectFile);
  try {
    const clipId = (await importClip(project, video, 'target')).clip.id;
    await trackClip(project, { clipId, range: { first: 0, last: trackedLast } });
    const backend = await selectBackend('wasm');
    const model = createModel(project, { clipId, name: 'farm test', config: presetConfig('cpu-tiny'), data: { ...planFaceData(project, clipId) } });
    const { source, split } = await openModelSource(project, model);
    await train({ project, model, source, trainIndices: split.train, targetStep: 6, checkpointEvery: 6, backend: backend.name });
  } finally {
    project.close();
  }
  return { projectFile, frames };
}
