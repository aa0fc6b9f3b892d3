import { DvpError } from '../../shared/errors.js';
import type { Clip } from '../project/clips.js';
import type { Project } from '../project/project.js';
import { getModel, listModels, loadLatestCheckpoint, type LoadedCheckpoint, type ModelRecord } from '../translate/checkpoint-store.js';
import type { FaceData } from '../translate/model-source.js';

/** The trained network a render uses: the model record, its newest checkpoint, its training frames. */
export interface RenderModel {
  record: ModelRecord;
  checkpoint: LoadedCheckpoint;
  data: FaceData;
}

/** Models trained on the tracked face model (`dvp train`); only these can be driven by edited parameters. */
function faceData(record: ModelRecord): FaceData | undefined {
  const data = record.data as Partial<FaceData>;
  return data.conditioning === 'face' && typeof data.first === 'number' && typeof data.heldOutFrom === 'number' && data.crop ? (data as FaceData) : undefined;
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
    const candidates = listModels(project).filter((m) => m.clipId === clip.id && faceData(m) !== undefined).reverse();
    record = candidates.find((m) => loadLatestCheckpoint(project, m.id) !== undefined) ?? candidates[0];
    if (!record) {
      throw new DvpError('NOT_FOUND', `${project.file}: clip ${clip.id} (${clip.name}) has no trained model to render with; run \`dvp train\` on it first.`, { file: project.file });
    }
  }
  const data = faceData(record);
  if (!data) {
    throw new DvpError(
      'PROJECT_INVALID',
      `${project.file}: model ${record.id} was not trained on the tracked face model, so it cannot render edited parameters; train one with \`dvp train --new\`.`,
      { file: project.file },
    );
  }
  const checkpoint = loadLatestCheckpoint(project, record.id);
  if (!checkpoint) {
    throw new DvpError('NOT_FOUND', `${project.file}: model ${record.id} of clip ${clip.id} (${clip.name}) has no checkpoint yet; let \`dvp train\` run until it saves one.`, { file: project.file });
  }
  return { record, checkpoint, data };
}
