import type { z } from 'zod';
import type { History, ShotEdit } from '../../api/edit-schemas.js';
import type { Methods } from '../../api/methods.js';
import { applyEdit, type Edit } from '../../engine/edit/apply-edit.js';
import { historyState, redo, undo, type HistoryEntry } from '../../engine/edit/history.js';
import { loadShotEdit } from '../../engine/edit/shot-edit.js';
import { getClip } from '../../engine/project/clips.js';
import type { Project } from '../../engine/project/project.js';
import { DvpError } from '../../shared/errors.js';
import type { EngineContext } from '../engine-context.js';
import { curvesHandler } from './edit-curves.js';

/**
 * The shot-edit methods (docs/editing.md). Every edit is written to the project file in its
 * own transaction before the answer goes back: that is the editor's autosave.
 */
type EditMethod = Extract<keyof Methods, `edit.${string}`>;
type EditHandler<M extends EditMethod> = (params: z.infer<Methods[M]['params']>, engine: EngineContext) => z.infer<Methods[M]['result']>;

export const editHandlers: { [M in EditMethod]: EditHandler<M> } = {
  'edit.shot': ({ clipId }, engine) => shotEdit(engine.requireProject(), clipId),

  'edit.apply': ({ edit }, engine) => {
    const project = engine.requireWritableProject();
    checkBoundSourcesTracked(project, engine, edit as Edit);
    const applied = applyEdit(project, edit as Edit);
    return { seq: applied.seq, keyIds: applied.keyIds, bindingIds: applied.bindingIds, shot: shotEdit(project, edit.targetClipId), history: history(project) };
  },

  'edit.undo': (_params, engine) => {
    const project = engine.requireWritableProject();
    return { entry: apiEntry(undo(project)), history: history(project) };
  },

  'edit.redo': (_params, engine) => {
    const project = engine.requireWritableProject();
    return { entry: apiEntry(redo(project)), history: history(project) };
  },

  'edit.history': (_params, engine) => history(engine.requireProject()),

  'edit.curves': curvesHandler,
};

function shotEdit(project: Project, clipId: number): ShotEdit {
  const clip = getClip(project, clipId);
  const edit = loadShotEdit(project, clip.id);
  return { clipId: clip.id, frameCount: clip.frameCount, lanes: edit?.lanes.map((l) => ({ ...l, muted: l.muted ?? false, keys: [...l.keys] })) ?? [], bindings: edit?.bindings ?? [] };
}

function apiEntry(entry: HistoryEntry | undefined): History['undo'][number] | null {
  return entry ? { seq: entry.seq, label: entry.label, targetClipId: entry.targetClipId, createdAt: entry.createdAt } : null;
}

function history(project: Project): History {
  const state = historyState(project);
  return { undo: state.undo.map((e) => apiEntry(e) as History['undo'][number]), redo: state.redo.map((e) => apiEntry(e) as History['undo'][number]) };
}

/**
 * A binding to an untracked source would leave the shot impossible to compose (and the
 * timeline blank), so the UI's edits refuse it up front with what to do instead.
 */
function checkBoundSourcesTracked(project: Project, engine: EngineContext, edit: Edit): void {
  // Only a change that names a source can bring in a new one.
  for (const change of edit.changes) {
    if (change.kind !== 'setBinding') continue;
    const sourceClipId = change.binding.sourceClipId;
    if (sourceClipId === undefined) continue;
    const source = getClip(project, sourceClipId);
    if (source.role !== 'audio' && !engine.trackedClips.tracked(project, source.id)) {
      throw new DvpError('INVALID_ARGUMENT', `${project.file}: clip ${source.id} (${source.name}) is not tracked yet, so it cannot drive the shot; track it first.`, {
        file: project.file,
      });
    }
  }
}
