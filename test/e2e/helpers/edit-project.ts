import { importClip } from '../../../src-main/engine/project/import-clip.js';
import { Project } from '../../../src-main/engine/project/project.js';
import { trackClip } from '../../../src-main/engine/track/track-clip.js';
import { media } from '../../helpers/paths.js';

export interface EditProject {
  file: string;
  targetId: number;
  sourceId: number;
  /** Frames 0..trackedLast of the target are tracked. */
  trackedLast: number;
}

/**
 * A project to edit, made with the engine's own import and tracking: the 1499-frame tedlieu
 * target tracked over a short range, plus an untracked source clip.
 */
export async function makeEditProject(file: string, options: { trackedLast?: number; trackSource?: number } = {}): Promise<EditProject> {
  const trackedLast = options.trackedLast ?? 29;
  const project = Project.create(file);
  try {
    const { clip: target } = await importClip(project, media('target-tedlieu-256.mp4'), 'target');
    const { clip: source } = await importClip(project, media('source-wda-aoc-512.mp4'), 'source');
    await trackClip(project, { clipId: target.id, range: { start: 0, end: trackedLast } });
    if (options.trackSource !== undefined) await trackClip(project, { clipId: source.id, range: { start: 0, end: options.trackSource } });
    return { file, targetId: target.id, sourceId: source.id, trackedLast };
  } finally {
    project.close();
  }
}
