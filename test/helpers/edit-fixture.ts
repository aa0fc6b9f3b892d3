import { importClip } from '../../src-main/engine/project/import-clip.js';
import { Project } from '../../src-main/engine/project/project.js';
import { media } from './paths.js';

export interface TwoClipProject {
  targetId: number;
  sourceId: number;
  /** The target's frame count. */
  frameCount: number;
}

/**
 * A new project file holding the obama target and a source clip (`source`, aoc by default),
 * imported and untracked: what the edit tests build shots on, reopening the file between steps.
 */
export async function twoClipProject(file: string, source = 'source-wda-aoc-512.mp4'): Promise<TwoClipProject> {
  const project = Project.create(file);
  try {
    const target = (await importClip(project, media('target-obama-weekly-address-450.mp4'), 'target')).clip;
    const sourceId = (await importClip(project, media(source), 'source')).clip.id;
    return { targetId: target.id, sourceId, frameCount: target.frameCount };
  } finally {
    project.close();
  }
}

/** Opens the project file, runs `work`, closes it: every step survives a reopen. */
export function withProjectFile<T>(file: string, work: (project: Project) => T, options: { readonly?: boolean } = {}): T {
  const project = Project.open(file, options);
  try {
    return work(project);
  } finally {
    project.close();
  }
}
