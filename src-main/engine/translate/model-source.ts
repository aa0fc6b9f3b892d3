/**
 * The training data of a model (`models.data`): the tracked target clip's conditioning
 * (the face model rendered under its tracked parameters, `ConditionedClipSource`) and
 * the real frames under the shot crop, over a frame range that splits into training
 * frames and held-out frames (self-reenactment protocol).
 */
import { ClipConditioning } from '../condition/clip-conditioning.js';
import type { ShotCrop } from '../condition/shot-crop.js';
import { PlateConditionedSource } from '../condition/plate-source.js';
import { ConditionedClipSource } from '../condition/training-source.js';
import { DvpError } from '../../shared/errors.js';
import { TRAIN_NEW_REMEDY } from '../project/remedies.js';
import type { Project } from '../project/project.js';
import { CachedSource, cacheBytes, MAX_CACHE_BYTES } from './cached-source.js';
import type { ModelRecord } from './checkpoint-store.js';
import { splitAtFrame, type DataSplit, type TrainingSource } from './dataset.js';
import { FACE_PARAMETER_GROUPS, type ParameterGroup } from './nearest-neighbour.js';

/** What `models.data` holds for a model trained on the tracked face model. */
export interface FaceData {
  conditioning: 'face';
  /** Clip frames used (inclusive): [first, heldOutFrom) train, [heldOutFrom, last] are held out. */
  first: number;
  last: number;
  heldOutFrom: number;
  /** The shot crop the model was trained under; evaluation and synthesis keep using it. */
  crop: ShotCrop;
}

/** Share of the frame range that trains by default; the rest is held out. */
export const DEFAULT_TRAIN_FRACTION = 2 / 3;

/**
 * The data of a new model on a tracked clip: `frames` (default: every tracked frame), the
 * first `trainFraction` of them training. Refuses an untracked clip (`dvp track` first) and
 * a range outside the tracked frames. Stores the shot crop when the project is writable.
 */
export function planFaceData(project: Project, clipId: number, frames?: { first: number; last: number }, trainFraction = DEFAULT_TRAIN_FRACTION): FaceData {
  const conditioning = ClipConditioning.open(project, clipId);
  const first = frames?.first ?? conditioning.firstFrame;
  const last = frames?.last ?? conditioning.lastFrame;
  if (first < conditioning.firstFrame || last > conditioning.lastFrame || last - first < 2) {
    throw new DvpError(
      'INVALID_ARGUMENT',
      `${project.file}: frames ${first}-${last} must span at least three frames inside the tracked frames ${conditioning.firstFrame}-${conditioning.lastFrame} of clip ${clipId}.`,
      {
        file: project.file,
        remedy: { cli: 'track more of the clip with `dvp track --range` or choose other frames.', gui: 'Track more of the clip in the Tracking panel, or choose other frames.' },
      },
    );
  }
  const heldOutFrom = first + Math.max(1, Math.min(last - first, Math.floor((last - first + 1) * trainFraction)));
  const { x, y, size } = conditioning.crop;
  return { conditioning: 'face', first, last, heldOutFrom, crop: { x, y, size } };
}

/** The model's data when it was trained on the tracked face model (the only kind that edited parameters can drive). */
export function faceDataOf(model: ModelRecord): FaceData | undefined {
  const data = model.data as Partial<FaceData>;
  const complete = data.conditioning === 'face' && typeof data.first === 'number' && typeof data.last === 'number' && typeof data.heldOutFrom === 'number' && data.crop;
  return complete ? (data as FaceData) : undefined;
}

function faceData(project: Project, model: ModelRecord): FaceData {
  const data = faceDataOf(model);
  if (!data) {
    throw new DvpError(
      'PROJECT_INVALID',
      `${project.file}: model ${model.id} uses conditioning '${String((model.data as Partial<FaceData>).conditioning)}', which this version cannot open.`,
      { file: project.file, remedy: TRAIN_NEW_REMEDY },
    );
  }
  return data;
}

/**
 * Refuses to run a model under a shot crop other than the one it was trained under (for
 * callers that condition under the clip's current crop; `modelCrop` gives the model's own).
 */
export function checkModelCrop(project: Project, model: ModelRecord, crop: ShotCrop): void {
  const trained = modelCrop(project, model);
  if (trained.x !== crop.x || trained.y !== crop.y || trained.size !== crop.size) {
    throw new DvpError(
      'INVALID_ARGUMENT',
      `${project.file}: model ${model.id} was trained under the shot crop ${trained.size}² at (${trained.x}, ${trained.y}), but clip ${model.clipId} now uses ${crop.size}² at (${crop.x}, ${crop.y}); train a new model or restore the crop.`,
      { file: project.file },
    );
  }
}

/** The shot crop a model was trained under: its conditioning and composite keep using it, whatever the clip's crop is now. */
export function modelCrop(project: Project, model: ModelRecord): ShotCrop {
  return faceData(project, model).crop;
}

export interface ModelData {
  source: TrainingSource;
  split: DataSplit;
  data: FaceData;
  /** How the nearest-neighbour baseline compares the source's parameter vectors. */
  parameterGroups: readonly ParameterGroup[];
}

/** Opens a model's training source (conditioning volumes + real frames, cached when they fit) and its split. */
export async function openModelSource(project: Project, model: ModelRecord, signal?: AbortSignal): Promise<ModelData> {
  const data = faceData(project, model);
  const source = await ConditionedClipSource.open(project, model.clipId, {
    crop: data.crop,
    resolution: model.config.network.resolution,
    windowSize: model.config.network.windowSize,
    start: data.first,
    count: data.last - data.first + 1,
    ...(signal ? { signal } : {}),
  });
  const cached = cacheBytes(source) <= MAX_CACHE_BYTES ? await CachedSource.build(source, signal) : source;
  const split = splitAtFrame(cached, data.heldOutFrom);
  const modelSource = model.config.network.plate ? new PlateConditionedSource(cached, source.conditioning, { plateIndices: split.train }) : cached;
  return { source: modelSource, split, data, parameterGroups: FACE_PARAMETER_GROUPS };
}
