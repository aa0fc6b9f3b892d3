import { existsSync, readFileSync } from 'node:fs';
import type { z } from 'zod';
import type { Methods } from '../../api/methods.js';
import { TRACK_CODE, type OverlayFrame, type OverlayTopology, type PngImage, type TrackingStatus, type TrainingModel } from '../../api/pipeline.js';
import { ClipConditioning, DEFAULT_CONDITION_SIZE } from '../../engine/condition/clip-conditioning.js';
import { frameImages } from '../../engine/condition/images.js';
import { clipFrameStates, frameStateAt, showsFace } from '../../engine/face/frame-states.js';
import { LANDMARK_DOTS, MESH_EDGES, overlayMesh, roundedLandmarks } from '../../engine/face/overlay-geometry.js';
import { FrameFlag, loadFrameLandmarks } from '../../engine/face/store.js';
import { VERTEX_COUNT } from '../../engine/face/topology.js';
import { encodePng, type RgbImage } from '../../engine/media/png.js';
import { getClip } from '../../engine/project/clips.js';
import type { Project } from '../../engine/project/project.js';
import { EditedShot } from '../../engine/render/edited-shot.js';
import { regionNames } from '../../engine/render/edit-regions.js';
import { maskArea } from '../../engine/render/crop-mask.js';
import { RegionMasker } from '../../engine/render/region-mask.js';
import { frameMask, type CompositeMode } from '../../engine/render/render-shot.js';
import { backendStatuses, currentBackend, type BackendStatus } from '../../engine/translate/backend.js';
import { getModel, listCheckpoints, listModels, listRuns, type ModelRecord } from '../../engine/translate/checkpoint-store.js';
import { PRESETS } from '../../engine/translate/config.js';
import { downsampleLosses } from '../../engine/translate/loss-curve.js';
import type { ImageScores } from '../../engine/translate/metrics.js';
import { faceDataOf } from '../../engine/translate/model-source.js';
import { listHeldOutScores } from '../../engine/translate/score-store.js';
import { DvpError } from '../../shared/errors.js';
import type { EngineContext } from '../engine-context.js';
import { previewFile, previewSteps, readLossHistory } from '../../engine/translate/training-files.js';

/**
 * What the viewer's overlays and compare modes and the tracking and training panels read:
 * tracked geometry per frame, the engine's conditioning images and synthesized frames, and
 * the models with their checkpoints, losses and previews. Everything is computed by the
 * engine modules the CLI uses; nothing here draws or re-implements them.
 */
type PipelineMethod = Extract<keyof Methods, `tracking.${string}` | `training.${string}` | 'condition.images' | 'synth.frame' | 'render.mask'>;
type PipelineHandler<M extends PipelineMethod> = (
  params: z.infer<Methods[M]['params']>,
  engine: EngineContext,
) => Promise<z.infer<Methods[M]['result']>> | z.infer<Methods[M]['result']>;

let statuses: Promise<BackendStatus[]> | undefined;

/** Which backends can run here, asked once per engine process (what is installed does not change while it runs). */
function cachedBackendStatuses(): Promise<BackendStatus[]> {
  statuses ??= backendStatuses();
  return statuses;
}

const TOPOLOGY: OverlayTopology = { vertexCount: VERTEX_COUNT, edges: [...MESH_EDGES], landmarkDots: [...LANDMARK_DOTS] };

function png(image: RgbImage): PngImage {
  return { width: image.width, height: image.height, png: encodePng(image).toString('base64') };
}

function trackingStatus(project: Project, clipId: number, engine: EngineContext): TrackingStatus {
  const clip = getClip(project, clipId);
  const codes = clipFrameStates(project, clipId, clip.frameCount).map((state) => TRACK_CODE[state]);
  const model = engine.trackedClips.faceModel(project, clipId);
  const finite = (value: number | undefined): number | null => (value !== undefined && Number.isFinite(value) ? value : null);
  return {
    clipId,
    frameCount: clip.frameCount,
    codes,
    model: model
      ? {
          neutralFrame: model.identity.neutralFrame,
          medianErrorPct: finite(model.stats.medianErrorPct),
          p95ErrorPct: finite(model.stats.p95ErrorPct),
          framesWithFace: model.stats.framesWithFace,
          gaps: model.gaps,
        }
      : null,
  };
}

function overlayFrame(project: Project, clipId: number, frame: number, engine: EngineContext): OverlayFrame {
  const clip = getClip(project, clipId);
  if (frame >= clip.frameCount) throw new DvpError('INVALID_ARGUMENT', `Frame ${frame} is outside clip ${clipId} (frames 0-${clip.frameCount - 1}).`);
  const { state, tracked } = frameStateAt(project, clipId, frame);
  const code = TRACK_CODE[state];
  const model = tracked && showsFace(state) ? engine.trackedClips.faceModel(project, clipId) : undefined;
  if (!model || !tracked) return { clipId, frame, code, mesh: null, landmarks: null };
  const landmarks = tracked.flags & FrameFlag.Tracked ? loadFrameLandmarks(project, clipId, frame) : undefined;
  return { clipId, frame, code, mesh: overlayMesh(model, tracked.params), landmarks: landmarks ? roundedLandmarks(landmarks) : null };
}

function requireFace(project: Project, clipId: number, frame: number): void {
  if (!showsFace(frameStateAt(project, clipId, frame).state)) {
    const clip = getClip(project, clipId);
    throw new DvpError('NOT_FOUND', `Frame ${frame} of clip ${clipId} (${clip.name}) has no tracked face; track it first.`);
  }
}

/**
 * The conditioning images of one frame at `size`²: for a target clip under its edited
 * parameters (what a render feeds the network), for any other clip under the tracked ones.
 */
function conditionImages(project: Project, clipId: number, frame: number, size: number): z.infer<Methods['condition.images']['result']> {
  requireFace(project, clipId, frame);
  const clip = getClip(project, clipId);
  let conditioning: ClipConditioning;
  let data: Float32Array;
  if (clip.role === 'target') {
    const shot = EditedShot.open(project, { clipId, first: frame, last: frame, resolution: size, windowSize: 1 });
    conditioning = shot.conditioning;
    data = conditioning.renderFrame(frame, shot.params(frame));
  } else {
    conditioning = ClipConditioning.open(project, clipId, { size });
    data = conditioning.renderFrame(frame);
  }
  const images = frameImages(data, size, size);
  const { x, y, size: cropSize } = conditioning.crop;
  return {
    clipId,
    frame,
    crop: { x, y, size: cropSize },
    size,
    edited: clip.role === 'target',
    colour: png(images.colour),
    correspondence: png(images.correspondence),
    eyes: png(images.eyes),
  };
}

async function synthFrame(engine: EngineContext, clipId: number, frame: number, modelId: number | undefined): Promise<z.infer<Methods['synth.frame']['result']>> {
  // The viewer's synthesized pane shows what the network draws: the whole crop, not only what an edit changes.
  const frames = await engine.openRender.frames(engine.requireProject(), { clipId, composite: 'crop', ...(modelId !== undefined ? { modelId } : {}) });
  const rendered = await frames.frame(frame);
  return {
    clipId,
    frame,
    modelId: frames.modelId,
    checkpointStep: frames.checkpointStep,
    synthesized: rendered.synthesized,
    image: png({ width: rendered.width, height: rendered.height, channels: 3, data: rendered.data }),
    crop: frames.crop,
  };
}

/** One frame's composite mask as a render would blend it (no model needed: the mask comes from the face model and the edit). */
function renderMask(project: Project, clipId: number, frame: number, composite: CompositeMode): z.infer<Methods['render.mask']['result']> {
  const clip = getClip(project, clipId);
  if (clip.role !== 'target') {
    throw new DvpError('INVALID_ARGUMENT', `${project.file}: clip ${clip.id} (${clip.name}) is a ${clip.role} clip; only target clips are rendered, so only they have a composite mask.`);
  }
  // Neither the network's resolution nor the out-of-range flags matter to the mask.
  const shot = EditedShot.open(project, { clipId, first: frame, last: frame, resolution: 64, windowSize: 1 });
  const crop = shot.conditioning.crop;
  const mask = frameMask(shot, new RegionMasker(shot.conditioning.model, crop), composite, frame);
  const rgba = new Uint8Array(crop.size * crop.size * 4).fill(255);
  for (let p = 0; p < mask.weights.length; p++) rgba[4 * p + 3] = Math.round(mask.weights[p]! * 255);
  return {
    clipId,
    frame,
    composite,
    crop: { x: crop.x, y: crop.y, size: crop.size },
    regions: composite === 'region' ? regionNames(mask.regions) : [],
    area: maskArea(mask),
    marginPx: mask.marginPx,
    featherPx: mask.featherPx,
    mask: png({ width: crop.size, height: crop.size, channels: 4, data: rgba }),
  };
}

function faceFrames(model: ModelRecord): TrainingModel['frames'] {
  const data = faceDataOf(model);
  return data ? { first: data.first, last: data.last, heldOutFrom: data.heldOutFrom } : null;
}

/** JSON has no NaN or Infinity: such a score travels as null. */
function finiteScores(scores: ImageScores): TrainingModel['heldOut'][number]['model'] {
  const finite = (value: number): number | null => (Number.isFinite(value) ? value : null);
  return { psnr: finite(scores.psnr), ssim: finite(scores.ssim), l1: finite(scores.l1) };
}

function trainingModel(project: Project, model: ModelRecord): TrainingModel {
  return {
    id: model.id,
    clipId: model.clipId,
    name: model.name,
    preset: model.config.preset,
    resolution: model.config.network.resolution,
    configSteps: model.config.training.steps,
    createdAt: model.createdAt,
    frames: faceFrames(model),
    checkpoints: listCheckpoints(project, model.id).map((c) => ({ id: c.id, step: c.step, createdAt: c.createdAt, metrics: c.metrics })),
    runs: listRuns(project, model.id).map((r) => ({ ...r, endStep: r.endStep ?? null })),
    previews: previewSteps(project, model.id),
    heldOut: listHeldOutScores(project, model.id).map((s) => ({ step: s.step, frames: s.frames, model: finiteScores(s.model), nearestNeighbour: finiteScores(s.nearestNeighbour) })),
  };
}

function pngSize(bytes: Buffer): { width: number; height: number } {
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

export const pipelineHandlers: { [M in PipelineMethod]: PipelineHandler<M> } = {
  'tracking.topology': () => TOPOLOGY,

  'tracking.status': ({ clipId }, engine) => trackingStatus(engine.requireProject(), clipId, engine),

  'tracking.overlay': ({ clipId, frame }, engine) => overlayFrame(engine.requireProject(), clipId, frame, engine),

  'condition.images': ({ clipId, frame, size }, engine) => conditionImages(engine.requireProject(), clipId, frame, size ?? DEFAULT_CONDITION_SIZE),

  'synth.frame': ({ clipId, frame, modelId }, engine) => synthFrame(engine, clipId, frame, modelId),

  'render.mask': ({ clipId, frame, composite }, engine) => renderMask(engine.requireProject(), clipId, frame, composite ?? 'region'),

  'training.overview': async ({ clipId }, engine) => {
    const project = engine.requireProject();
    getClip(project, clipId);
    const backends = await cachedBackendStatuses();
    const backend = currentBackend();
    return {
      presets: Object.values(PRESETS).map((p) => ({
        name: p.preset,
        resolution: p.network.resolution,
        steps: p.training.steps,
        ...(p.training.evaluateEvery ? { evaluateEvery: p.training.evaluateEvery } : {}),
        ...(p.training.earlyStopPatience ? { earlyStopPatience: p.training.earlyStopPatience } : {}),
      })),
      backend: backend ? { name: backend.name, reason: backend.reason, precision: backend.precision } : null,
      backends,
      models: listModels(project)
        .filter((m) => m.clipId === clipId)
        .map((m) => trainingModel(project, m)),
    };
  },

  'training.losses': ({ modelId, maxPoints }, engine) => {
    const project = engine.requireProject();
    getModel(project, modelId);
    const points = readLossHistory(project, modelId);
    return { modelId, total: points.length, points: downsampleLosses(points, maxPoints ?? 400) };
  },

  'training.preview': ({ modelId, step }, engine) => {
    const project = engine.requireProject();
    getModel(project, modelId);
    const file = previewFile(project, modelId, step);
    if (!existsSync(file)) throw new DvpError('NOT_FOUND', `${file}: model ${modelId} has no preview for step ${step}.`, { file });
    const bytes = readFileSync(file);
    return { ...pngSize(bytes), png: bytes.toString('base64') };
  },
};
