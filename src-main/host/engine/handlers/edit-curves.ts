import type { z } from 'zod';
import type { Curves, CurvesParamsSchema, Span } from '../../../api/edit-schemas.js';
import { composeShot, type ClipParams, type Lane, type ShotInputs } from '../../../engine/edit/compose.js';
import { CONTROLS, measureControl, requireControl, type ControlDef } from '../../../engine/edit/controls.js';
import type { ExpressionRig } from '../../../engine/edit/expression-rig.js';
import { faceModelRig } from '../../../engine/edit/face-rig.js';
import { sortKeyframes, validateKeyframe } from '../../../engine/edit/keyframes.js';
import { sampleLane } from '../../../engine/edit/lane-curve.js';
import { flagOutOfRange, observedRanges, outOfRangeSpans, type ObservedRanges } from '../../../engine/edit/out-of-range.js';
import { emptyFrame, readFrame, type ParamSequence } from '../../../engine/edit/parameters.js';
import { loadShotEdit } from '../../../engine/edit/shot-edit.js';
import { loadTrackedClip, type TrackedClip } from '../../../engine/edit/tracked-inputs.js';
import { getClip } from '../../../engine/project/clips.js';
import type { Project } from '../../../engine/project/project.js';

/**
 * The curves the timeline draws: per control, the target's tracked value, the edited value
 * (bindings and lanes applied by the engine's own `composeShot`) and the lane's keyed value,
 * in editor units. A drag in progress sends its proposed keys and gets the curves back
 * without anything being written.
 */
type CurvesParams = z.infer<typeof CurvesParamsSchema>;

interface TrackedEntry {
  stamp: string;
  clip: TrackedClip;
  rig: ExpressionRig | undefined;
  /** Per control (editor units); measured once per tracking result. */
  tracked: Map<string, Float64Array>;
  observed: Map<string, { min: number; max: number }>;
  /** The engine's per-parameter ranges over the trusted frames, for the out-of-range check (none without a trusted frame). */
  ranges: ObservedRanges | undefined;
  untracked: Span[];
}

/** Loading a face model and its rig takes a while; keep it until the clip is tracked again. */
const cache = new WeakMap<Project, Map<number, TrackedEntry>>();

/** Changes whenever tracking writes the clip's model or frames (also from another process). */
function trackingStamp(project: Project, clipId: number): string | undefined {
  const hasTables = project.db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'face_models'").get();
  if (!hasTables) return undefined;
  const model = project.db.prepare('SELECT updated_at FROM face_models WHERE clip_id = ?').get(clipId) as { updated_at: string } | undefined;
  if (!model) return undefined;
  const frames = (project.db.prepare('SELECT COUNT(*) AS n FROM face_frames WHERE clip_id = ?').get(clipId) as { n: number }).n;
  return frames === 0 ? undefined : `${model.updated_at}:${frames}`;
}

/** The clip's tracked data, or undefined when it is not tracked yet. */
export function trackedEntry(project: Project, clipId: number): TrackedEntry | undefined {
  const stamp = trackingStamp(project, clipId);
  let clips = cache.get(project);
  if (!clips) {
    clips = new Map();
    cache.set(project, clips);
  }
  if (stamp === undefined) {
    clips.delete(clipId);
    return undefined;
  }
  const cached = clips.get(clipId);
  if (cached?.stamp === stamp) return cached;
  const clip = loadTrackedClip(project, clipId);
  const rig = clip.model.controls.some((c) => c.kind === 'expression' && c.direction) ? faceModelRig(clip.model, clip.model.controls) : undefined;
  const controls = availableControls(rig);
  const tracked = measureAll(clip.params, controls, rig);
  const observed = new Map<string, { min: number; max: number }>();
  for (const control of controls) {
    const values = tracked.get(control.name) as Float64Array;
    let min = Infinity;
    let max = -Infinity;
    values.forEach((v, f) => {
      if (clip.trusted[f] !== 1) return;
      if (v < min) min = v;
      if (v > max) max = v;
    });
    observed.set(control.name, min <= max ? { min, max } : { min: 0, max: 0 });
  }
  const ranges = clip.trusted.includes(1) ? observedRanges(clip.params, { ...(rig && { rig }), include: (f) => clip.trusted[f] === 1 }) : undefined;
  const entry: TrackedEntry = { stamp, clip, rig, tracked, observed, ranges, untracked: runs(clip.trusted, 0) };
  clips.set(clipId, entry);
  return entry;
}

function availableControls(rig: ExpressionRig | undefined): ControlDef[] {
  return CONTROLS.filter((c) => c.target.kind !== 'expression' || (rig?.controls.includes(c.name) ?? false));
}

function measureAll(params: ParamSequence, controls: readonly ControlDef[], rig: ExpressionRig | undefined): Map<string, Float64Array> {
  const out = new Map(controls.map((c) => [c.name as string, new Float64Array(params.frameCount)]));
  const frame = emptyFrame();
  for (let f = 0; f < params.frameCount; f++) {
    readFrame(params, f, frame);
    for (const control of controls) (out.get(control.name) as Float64Array)[f] = measureControl(control, frame, rig) / control.scale;
  }
  return out;
}

/** Inclusive runs of frames where `flags[f] === value`. */
function runs(flags: Uint8Array, value: number): Span[] {
  const spans: Span[] = [];
  for (let f = 0; f < flags.length; f++) {
    if (flags[f] !== value) continue;
    const last = spans[spans.length - 1];
    if (last && last.end === f - 1) last.end = f;
    else spans.push({ start: f, end: f });
  }
  return spans;
}

/** Fewer bytes on the wire; far below what a lane can show. */
function rounded(values: ArrayLike<number>): number[] {
  return Array.from(values, (v) => Math.round(v * 1e4) / 1e4);
}

export function shotCurves(project: Project, params: CurvesParams): Curves {
  const clip = getClip(project, params.clipId);
  const target = trackedEntry(project, clip.id);
  if (!target) {
    return { clipId: clip.id, frameCount: clip.frameCount, tracked: false, controls: [], curves: [], outOfRange: [], untracked: clip.frameCount > 0 ? [{ start: 0, end: clip.frameCount - 1 }] : [] };
  }
  const controls = availableControls(target.rig);
  const wanted = params.params ? params.params.map((name) => requireControl(name)) : controls;
  const edit = loadShotEdit(project, clip.id);
  const lanes = proposedLanes(edit?.lanes ?? [], params.proposed ?? []);
  const sources = new Map<number, ClipParams>();
  for (const binding of edit?.bindings ?? []) {
    if (sources.has(binding.sourceClipId)) continue;
    const source = binding.sourceClipId === clip.id ? target : trackedEntry(project, binding.sourceClipId);
    // An untracked source makes loadTrackedClip explain what to do.
    sources.set(binding.sourceClipId, source?.clip ?? loadTrackedClip(project, binding.sourceClipId));
  }
  const inputs: ShotInputs = { target: target.clip, sources, bindings: edit?.bindings ?? [], lanes, ...(target.rig && { rig: target.rig }) };
  const composed = composeShot(inputs);
  const edited = measureAll(composed, wanted, target.rig);
  const curves = wanted.map((control) => {
    const lane = lanes.find((l) => l.param === control.name);
    const sampled = lane ? sampleLane(lane.keys, 0, clip.frameCount) : undefined;
    return {
      param: control.name,
      tracked: rounded(target.tracked.get(control.name) as Float64Array),
      edited: rounded(edited.get(control.name) as Float64Array),
      lane: sampled ? rounded(sampled) : null,
      observed: target.observed.get(control.name) as { min: number; max: number },
    };
  });
  let outOfRange: Curves['outOfRange'] = [];
  if (!params.params && target.ranges) {
    outOfRange = outOfRangeSpans(flagOutOfRange(composed, target.ranges, target.rig ? { rig: target.rig } : {})).map((s) => ({ start: s.start, end: s.end, params: s.params }));
  }
  return {
    clipId: clip.id,
    frameCount: clip.frameCount,
    tracked: true,
    controls: controls.map((c) => ({ param: c.name, label: c.label, group: c.group, unit: c.unit })),
    curves,
    outOfRange,
    untracked: target.untracked,
  };
}

/** The stored lanes with the proposed ones in their place (validated like stored keys). */
function proposedLanes(stored: readonly Lane[], proposed: NonNullable<CurvesParams['proposed']>): Lane[] {
  const lanes = stored.filter((lane) => !proposed.some((p) => p.param === lane.param));
  for (const p of proposed) {
    requireControl(p.param);
    for (const key of p.keys) validateKeyframe(key, p.param);
    const mode = p.mode ?? stored.find((l) => l.param === p.param)?.mode ?? 'offset';
    lanes.push({ param: p.param, mode, keys: sortKeyframes(p.keys) });
  }
  return lanes;
}
