import { DvpError } from '../../shared/errors.js';
import type { Clip } from '../project/clips.js';
import type { Project } from '../project/project.js';
import { getModel, listModels, loadLatestCheckpoint, type LoadedCheckpoint, type ModelRecord } from '../translate/checkpoint-store.js';

/** The trained network a render uses: the model record and its newest checkpoint. */
export interface RenderModel {
  record: ModelRecord;
  checkpoint: LoadedCheckpoint;
}

/**
 * Models trained on stand-in conditioning (`frames`: images derived from the real frames
 * themselves, see translate/frames-source.ts) cannot be driven by edited parameters.
 */
const STAND_IN_CONDITIONING = 'frames';

/**
 * The model to render `clip` with: `modelId` when given, else the clip's newest model that
 * has a checkpoint. Throws a sentence the user can act on when there is none.
 */
export function findRenderModel(project: Project, clip: Clip, modelId?: number): RenderModel {
  let record: ModelRecord | undefined;
  if (modelId !== undefined) {
    record = getModel(project, modelId);
    if (record.clipId !== clip.id) {
      throw new DvpError('INVALID_ARGUMENT', `${project.file}: model ${modelId} was trained on clip ${record.clipId}, not on clip ${clip.id} (${clip.name}).`, { file: project.file });
    }
  } else {
    const candidates = listModels(project).filter((m) => m.clipId === clip.id && (m.data as { conditioning?: unknown }).conditioning !== STAND_IN_CONDITIONING);
    record = candidates.reverse().find((m) => loadLatestCheckpoint(project, m.id) !== undefined) ?? candidates[0];
    if (!record) {
      throw new DvpError('NOT_FOUND', `${project.file}: clip ${clip.id} (${clip.name}) has no trained model to render with; run \`dvp train\` on it first.`, { file: project.file });
    }
  }
  if ((record.data as { conditioning?: unknown }).conditioning === STAND_IN_CONDITIONING) {
    throw new DvpError(
      'INVALID_ARGUMENT',
      `${project.file}: model ${record.id} was trained on stand-in conditioning made from the frames themselves, so it cannot render edited parameters; train a model on the tracked face model.`,
      { file: project.file },
    );
  }
  const checkpoint = loadLatestCheckpoint(project, record.id);
  if (!checkpoint) {
    throw new DvpError('NOT_FOUND', `${project.file}: model ${record.id} of clip ${clip.id} (${clip.name}) has no checkpoint yet; let \`dvp train\` run until it saves one.`, { file: project.file });
  }
  return { record, checkpoint };
}
