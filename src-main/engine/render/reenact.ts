import { DvpError } from '../../shared/errors.js';
import { applyEdit, type AppliedEdit } from '../edit/apply-edit.js';
import { isBindingMode, type BindingMode } from '../edit/bindings.js';
import { loadFaceModel } from '../face/store.js';
import { getClip } from '../project/clips.js';
import type { Project } from '../project/project.js';
import { trackRemedy } from '../project/remedies.js';

export interface ReenactOptions {
  targetClipId: number;
  sourceClipId: number;
  mode: BindingMode;
  /** The target frame on which the source's frame 0 lands. */
  offset?: number;
  strength?: number;
}

const MODE_LABELS: Readonly<Record<BindingMode, string>> = {
  full: 'full head',
  expression: 'expression only',
  mouth: 'mouth only',
  gaze: 'gaze only',
};

/**
 * Binds a source clip to the target's shot (paper §7.1: full-head, expression-only,
 * mouth-only dubbing, gaze). One edit, one undo step. Both clips must be tracked, since
 * the transfer is relative to each clip's tracked neutral frame.
 */
export function bindSource(project: Project, options: ReenactOptions): AppliedEdit {
  if (!isBindingMode(options.mode)) {
    throw new DvpError('INVALID_ARGUMENT', `'${String(options.mode)}' is not a reenactment mode; use full, expression, mouth or gaze.`);
  }
  const source = getClip(project, options.sourceClipId);
  for (const clip of [getClip(project, options.targetClipId), source]) {
    if (!loadFaceModel(project, clip.id)) {
      throw new DvpError('NOT_FOUND', `${project.file}: clip ${clip.id} (${clip.name}) is not tracked yet.`, {
        file: project.file,
        remedy: trackRemedy(project.file, clip.id),
      });
    }
  }
  return applyEdit(project, {
    targetClipId: options.targetClipId,
    label: `Reenact from ${source.name} (${MODE_LABELS[options.mode]})`,
    changes: [
      {
        kind: 'setBinding',
        binding: {
          sourceClipId: options.sourceClipId,
          mode: options.mode,
          offset: options.offset ?? 0,
          ...(options.strength !== undefined ? { strength: options.strength } : {}),
        },
      },
    ],
  });
}
