import { DvpError } from '../../shared/errors.js';
import { getClip, listClips, type Clip } from '../project/clips.js';
import type { Project } from '../project/project.js';
import type { SourceBinding } from './bindings.js';
import type { Lane } from './compose.js';
import { findShot, hasEditTables, listShots, readBindings, readLanes, type Shot } from './edit-store.js';

/** A shot's stored edit: what `composeShot` needs besides the tracked parameters. */
export interface ShotEdit {
  shot: Shot;
  lanes: Lane[];
  /** In application order. */
  bindings: SourceBinding[];
}

/** The edit of the target clip's shot, or undefined when it was never edited. */
export function loadShotEdit(project: Project, targetClipId: number): ShotEdit | undefined {
  if (!hasEditTables(project.db)) return undefined;
  const shot = findShot(project.db, targetClipId);
  if (!shot) return undefined;
  return { shot, lanes: readLanes(project.db, shot.id), bindings: readBindings(project.db, shot.id).map((b) => b.binding) };
}

export function loadAllShotEdits(project: Project): ShotEdit[] {
  if (!hasEditTables(project.db)) return [];
  return listShots(project.db).map((shot) => ({
    shot,
    lanes: readLanes(project.db, shot.id),
    bindings: readBindings(project.db, shot.id).map((b) => b.binding),
  }));
}

/**
 * The target clip a command edits: `requested` (a clip id) when given, else the project's only
 * target clip. Throws a usage error naming the candidates otherwise.
 */
export function resolveTargetClip(project: Project, requested: number | undefined): Clip {
  if (requested !== undefined) return getClip(project, requested);
  const targets = listClips(project).filter((clip) => clip.role === 'target');
  const only = targets[0];
  if (targets.length === 1 && only) return only;
  if (targets.length === 0) {
    throw new DvpError('NOT_FOUND', `${project.file}: the project has no target clip to edit.`, {
      file: project.file,
      remedy: { cli: `add one with \`dvp import ${project.file} VIDEO --role target\`.`, gui: 'Import a video as the target clip.' },
    });
  }
  throw new DvpError('INVALID_ARGUMENT', `${project.file}: the project has ${targets.length} target clips (${targets.map((c) => c.id).join(', ')}).`, {
    file: project.file,
    remedy: { cli: 'choose one with --shot ID.', gui: 'Choose the target clip to edit.' },
  });
}
