import type { FrameRange } from '../../api/frame-range.js';
import { getClip } from '../project/clips.js';
import type { Project } from '../project/project.js';
import type { Lane, LaneMode } from './compose.js';
import { CONTROLS, measureControl, requireControl, type ControlDef } from './controls.js';
import type { ExpressionRig } from './expression-rig.js';
import { sortKeyframes, validateKeyframe, type Keyframe } from './keyframes.js';
import { sampleLane } from './lane-curve.js';
import type { ObservedRanges } from './out-of-range.js';
import { emptyFrame, readFrame, type ParamSequence } from './parameters.js';
import { analyseShot, measuredFrame, measureKey, measureRanges, type MeasureAgainst } from './shot-analysis.js';
import type { TrackedClips, TrackedEntry } from './tracked-clips.js';
import { loadShotInputs } from './tracked-inputs.js';

/**
 * The curves the timeline draws: per control, the target's tracked value, the edited value
 * (bindings and lanes through `analyseShot`, the assembly the CLI and the render use) and the
 * lane's keyed value, in editor units. A drag in progress passes its proposed keys and gets
 * the curves back without anything being written.
 */
export interface CurvesRequest {
  clipId: number;
  /** Only these controls (and no out-of-range check); every available control by default. */
  params?: string[] | undefined;
  proposed?: { param: string; keys: Keyframe[]; mode?: LaneMode | undefined }[] | undefined;
}


interface Range {
  min: number;
  max: number;
}

export interface ShotCurves {
  clipId: number;
  frameCount: number;
  tracked: boolean;
  controls: ControlDef[];
  curves: { param: string; tracked: number[]; edited: number[]; lane: number[] | null; observed: Range }[];
  outOfRange: (FrameRange & { params: string[] })[];
  untracked: FrameRange[];
}

/** The controls the clip's rig can drive: every non-expression control and the rig's own expression controls. */
export function availableControls(rig: ExpressionRig | undefined): ControlDef[] {
  return CONTROLS.filter((c) => c.target.kind !== 'expression' || (rig?.controls.includes(c.name) ?? false));
}

function measureAll(params: ParamSequence, controls: readonly ControlDef[], rig: ExpressionRig | undefined): Map<string, Float64Array> {
  const out = new Map(controls.map((c) => [c.name as string, new Float64Array(params.frameCount)]));
  const frame = emptyFrame();
  for (let f = 0; f < params.frameCount; f++) {
    readFrame(params, f, frame);
    for (const control of controls) out.get(control.name)![f] = measureControl(control, frame, rig) / control.scale;
  }
  return out;
}

/** Once per tracking result: the tracked value of every control, and the frames without a trusted fit. */
function trackedCurves(target: TrackedEntry): { values: Map<string, Float64Array>; untracked: FrameRange[] } {
  const cached = target.derived.get('curves') as ReturnType<typeof trackedCurves> | undefined;
  if (cached) return cached;
  const fresh = { values: measureAll(target.clip.params, availableControls(target.rig), target.rig), untracked: runs(target.clip.trusted, 0) };
  target.derived.set('curves', fresh);
  return fresh;
}

/** Once per tracking result and measure: the ranges to flag against and each control's band. */
function measured(target: TrackedEntry, measure: MeasureAgainst): { ranges: ObservedRanges | undefined; bands: Map<string, Range> } {
  const key = `measured:${measureKey(measure)}`;
  const cached = target.derived.get(key) as ReturnType<typeof measured> | undefined;
  if (cached) return cached;
  const include = measuredFrame(target.clip, measure);
  const bands = new Map<string, Range>();
  for (const [name, values] of trackedCurves(target).values) {
    let min = Infinity;
    let max = -Infinity;
    values.forEach((v, f) => {
      if (!include(f)) return;
      if (v < min) min = v;
      if (v > max) max = v;
    });
    bands.set(name, min <= max ? { min, max } : { min: 0, max: 0 });
  }
  const fresh = { ranges: measureRanges(target.clip, target.rig, measure), bands };
  target.derived.set(key, fresh);
  return fresh;
}

/** Inclusive runs of frames where `flags[f] === value`. */
function runs(flags: Uint8Array, value: number): FrameRange[] {
  const spans: FrameRange[] = [];
  for (let f = 0; f < flags.length; f++) {
    if (flags[f] !== value) continue;
    const last = spans.at(-1);
    if (last && last.last === f - 1) last.last = f;
    else spans.push({ first: f, last: f });
  }
  return spans;
}

/** Fewer bytes on the wire; far below what a lane can show. */
function rounded(values: ArrayLike<number>): number[] {
  return Array.from(values, (v) => Math.round(v * 1e4) / 1e4);
}

export function shotCurves(project: Project, cache: TrackedClips, request: CurvesRequest, measure: MeasureAgainst): ShotCurves {
  const clip = getClip(project, request.clipId);
  const target = cache.tracked(project, clip.id);
  if (!target) {
    return { clipId: clip.id, frameCount: clip.frameCount, tracked: false, controls: [], curves: [], outOfRange: [], untracked: clip.frameCount > 0 ? [{ first: 0, last: clip.frameCount - 1 }] : [] };
  }
  const controls = availableControls(target.rig);
  const wanted = request.params ? request.params.map((name) => requireControl(name)) : controls;
  const stored = loadShotInputs(project, clip.id, { load: (id) => (id === clip.id ? target.clip : cache.clip(project, id)), rig: target.rig });
  const inputs = { ...stored, lanes: proposedLanes(stored.lanes, request.proposed ?? []) };
  const { ranges, bands } = measured(target, measure);
  const analysis = analyseShot(inputs, { ranges: request.params ? undefined : ranges });
  const edited = measureAll(analysis.composed, wanted, target.rig);
  const { values, untracked } = trackedCurves(target);
  const curves = wanted.map((control) => {
    const lane = inputs.lanes.find((l) => l.param === control.name);
    const sampled = lane ? sampleLane(lane.keys, 0, clip.frameCount) : undefined;
    return {
      param: control.name,
      tracked: rounded(values.get(control.name)!),
      edited: rounded(edited.get(control.name)!),
      lane: sampled ? rounded(sampled) : null,
      observed: bands.get(control.name)!,
    };
  });
  return { clipId: clip.id, frameCount: clip.frameCount, tracked: true, controls, curves, outOfRange: analysis.outOfRange, untracked };
}

/** The stored lanes with the proposed ones in their place (validated like stored keys). */
function proposedLanes(stored: readonly Lane[], proposed: NonNullable<CurvesRequest['proposed']>): Lane[] {
  const lanes = stored.filter((lane) => !proposed.some((p) => p.param === lane.param));
  for (const p of proposed) {
    requireControl(p.param);
    for (const key of p.keys) validateKeyframe(key, p.param);
    const before = stored.find((l) => l.param === p.param);
    lanes.push({ param: p.param, mode: p.mode ?? before?.mode ?? 'offset', muted: before?.muted ?? false, keys: sortKeyframes(p.keys) });
  }
  return lanes;
}
