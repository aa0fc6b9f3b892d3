import { DvpError } from '../../shared/errors.js';
import type { Clip } from '../project/clips.js';
import type { Project } from '../project/project.js';
import { TRAIN_NEW_REMEDY } from '../project/remedies.js';
import type { MeasureAgainst } from '../edit/shot-analysis.js';
import { getModel, listCheckpoints, listModels, loadLatestCheckpoint, type LoadedCheckpoint, type ModelRecord } from '../translate/checkpoint-store.js';
import { faceDataOf, type FaceData } from '../translate/model-source.js';

/** The trained network a render uses: the model record, its newest checkpoint, its training frames. */
export interface RenderModel {
  record: ModelRecord;
  checkpoint: LoadedCheckpoint;
  data: FaceData;
}

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
    record = defaultRenderModel(project, clip.id);
    if (!record) {
      throw new DvpError('NOT_FOUND', `${project.file}: clip ${clip.id} (${clip.name}) has no trained model to render with.`, {
        file: project.file,
        remedy: { cli: 'run `dvp train` on it first.', gui: 'Train a model on it in the Training panel first.' },
      });
    }
  }
  const data = faceDataOf(record);
  if (!data) {
    throw new DvpError(
      'PROJECT_INVALID',
      `${project.file}: model ${record.id} was not trained on the tracked face model, so it cannot render edited parameters.`,
      { file: project.file, remedy: TRAIN_NEW_REMEDY },
    );
  }
  const checkpoint = loadLatestCheckpoint(project, record.id);
  if (!checkpoint) {
    throw new DvpError('NOT_FOUND', `${project.file}: model ${record.id} of clip ${clip.id} (${clip.name}) has no checkpoint yet.`, {
      file: project.file,
      remedy: { cli: 'let `dvp train` run until it saves one.', gui: 'Let training run until it saves a checkpoint.' },
    });
  }
  return { record, checkpoint, data };
}

/** The model a render of the clip picks without `modelId`: the newest face model with a checkpoint, else the newest face model. */
export function defaultRenderModel(project: Project, clipId: number): ModelRecord | undefined {
  const candidates = listModels(project).filter((m) => m.clipId === clipId && faceDataOf(m) !== undefined).reverse();
  return candidates.find((m) => listCheckpoints(project, m.id).length > 0) ?? candidates[0];
}

/**
 * What the out-of-range check measures a shot against: the training frames of the model a
 * render uses (`modelId`, else the default one), or every trusted frame while there is none.
 */
export function renderMeasure(project: Project, clipId: number, modelId?: number): MeasureAgainst {
  const record = modelId === undefined ? defaultRenderModel(project, clipId) : getModel(project, modelId);
  const data = record && faceDataOf(record);
  return data ? trainingMeasure(data) : { kind: 'trusted' };
}

/** The frames a model trained on: the part of its frames before the held-out ones. */
export function trainingMeasure(data: FaceData): MeasureAgainst {
  return { kind: 'training', first: data.first, last: data.heldOutFrom - 1 };
}
