import { applyEdit, type Edit } from '../../../src-main/engine/edit/apply-edit.js';
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
    await trackClip(project, { clipId: target.id, range: { first: 0, last: trackedLast } });
    if (options.trackSource !== undefined) await trackClip(project, { clipId: source.id, range: { first: 0, last: options.trackSource } });
    return { file, targetId: target.id, sourceId: source.id, trackedLast };
  } finally {
    project.close();
  }
}

/** Writes one edit into the project file (opened, edited, closed), as a user's earlier session would have. */
export function editProjectFile(file: string, edit: Edit): void {
  const project = Project.open(file);
  try {
    applyEdit(project, edit);
  } finally {
    project.close();
  }
}

/** An edit that looks `degrees` aside from frame `first` to `last`, easing in and out over two frames. */
export function lookAside(targetClipId: number, first: number, last: number, degrees = 15): Edit {
  const keys = [[first - 2, 0], [first, degrees], [last, degrees], [last + 2, 0]] as const;
  return { targetClipId, label: 'Look aside', changes: keys.map(([position, value]) => ({ kind: 'setKey', param: 'gazeYaw', key: { position, value, type: 'linear' } })) };
}
