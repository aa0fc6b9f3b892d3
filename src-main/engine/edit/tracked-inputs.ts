import { DvpError } from '../../shared/errors.js';
import { FrameFlag, loadFaceModel, loadTrackedFrames, type StoredFaceModel } from '../face/store.js';
import { rationalToNumber } from '../media/rational.js';
import { getClip } from '../project/clips.js';
import { trackRemedy } from '../project/remedies.js';
import type { Project } from '../project/project.js';
import type { ClipParams, ShotInputs } from './compose.js';
import type { ExpressionRig } from './expression-rig.js';
import { faceModelRig } from './face-rig.js';
import { EXPRESSION_DIMS, EYELID_DIMS, GAZE_DIMS, allocateSequence } from './parameters.js';
import { loadShotEdit } from './shot-edit.js';

/** A clip's tracked parameters, read from the project (tracking's tables, migration 0002). */
export interface TrackedClip extends ClipParams {
  clipId: number;
  model: StoredFaceModel;
  /** 1 where the frame was fitted to its own detection: the frames the network learns from. */
  trusted: Uint8Array;
  /** 1 where a stored frame has a face: the frames a render synthesizes (the others pass the plate through). */
  hasFace: Uint8Array;
}

/**
 * Loads a tracked clip. Frames without stored parameters (a clip tracked only in part) hold the
 * latest stored frame before them (the first one, at the start) and are not trusted.
 */
export function loadTrackedClip(project: Project, clipId: number, options: { which?: 'raw' | 'smoothed' } = {}): TrackedClip {
  const clip = getClip(project, clipId);
  const model = loadFaceModel(project, clipId);
  const frames = model ? loadTrackedFrames(project, clipId, { which: options.which ?? 'smoothed' }) : [];
  if (!model || frames.length === 0) {
    throw new DvpError('NOT_FOUND', `${project.file}: clip ${clipId} (${clip.name}) is not tracked yet.`, {
      file: project.file,
      remedy: trackRemedy(project.file, clipId),
    });
  }
  const params = allocateSequence(clip.frameCount);
  const trusted = new Uint8Array(clip.frameCount);
  const hasFace = new Uint8Array(clip.frameCount);
  const stored = new Int32Array(clip.frameCount).fill(-1);
  frames.forEach((tracked, i) => {
    if (tracked.frame < 0 || tracked.frame >= clip.frameCount) return;
    stored[tracked.frame] = i;
    const untrainable = FrameFlag.NoFace | FrameFlag.Corrupt | FrameFlag.Interpolated;
    trusted[tracked.frame] = (tracked.flags & FrameFlag.Tracked) !== 0 && (tracked.flags & untrainable) === 0 ? 1 : 0;
    hasFace[tracked.frame] = (tracked.flags & (FrameFlag.NoFace | FrameFlag.Corrupt)) === 0 ? 1 : 0;
  });
  // Before the first stored frame hold that one; after, hold the latest stored frame.
  let current = stored.find((index) => index >= 0) ?? -1;
  if (current < 0) throw new DvpError('PROJECT_INVALID', `${project.file}: the tracked frames of clip ${clipId} lie outside the clip.`, { file: project.file });
  for (let f = 0; f < clip.frameCount; f++) {
    if ((stored[f] as number) >= 0) current = stored[f] as number;
    const p = (frames[current] as (typeof frames)[number]).params;
    params.pose.set(p.rotation, f * 6);
    params.pose.set(p.translation, f * 6 + 3);
    params.expression.set(p.expression, f * EXPRESSION_DIMS);
    params.gaze.set(p.gaze, f * GAZE_DIMS);
    params.eyelids.set(p.eyelids, f * EYELID_DIMS);
  }
  return { clipId, model, trusted, hasFace, params, neutralFrame: model.identity.neutralFrame, fps: rationalToNumber(clip.fps) };
}

export interface TrackedShotInputs extends ShotInputs {
  target: TrackedClip;
}

export interface ShotInputOptions {
  which?: 'raw' | 'smoothed';
  /** Where tracked clips come from (a cache); by default read from the project each time. */
  load?: (clipId: number) => TrackedClip;
  /** The target's rig when the caller already built it. */
  rig?: ExpressionRig;
}

/** Everything `composeShot` needs for a target clip's shot, from the project. */
export function loadShotInputs(project: Project, targetClipId: number, options: ShotInputOptions = {}): TrackedShotInputs {
  const load = options.load ?? ((clipId: number) => loadTrackedClip(project, clipId, options.which ? { which: options.which } : {}));
  const target = load(targetClipId);
  const edit = loadShotEdit(project, targetClipId);
  const sources = new Map<number, ClipParams>();
  for (const binding of edit?.bindings ?? []) {
    if (!sources.has(binding.sourceClipId)) sources.set(binding.sourceClipId, binding.sourceClipId === targetClipId ? target : load(binding.sourceClipId));
  }
  return {
    target,
    sources,
    bindings: edit?.bindings ?? [],
    lanes: edit?.lanes ?? [],
    rig: options.rig ?? targetRig(target),
  };
}

/** The target's expression rig: its face model's named controls and mouth subspace. */
export function targetRig(target: TrackedClip): ExpressionRig {
  return faceModelRig(target.model, target.model.controls);
}
