import { DvpError } from '../../shared/errors.js';
import { MODE_GROUPS, sourceFrameFor, strengthLaneBinding, strengthLaneParam, type SourceBinding } from './bindings.js';
import { CONTROLS, measureControl, offsetControl, type ControlDef } from './controls.js';
import type { ExpressionRig } from './expression-rig.js';
import type { Keyframe } from './keyframes.js';
import { sampleLane } from './lane-curve.js';
import {
  EYELID_DIMS,
  EXPRESSION_DIMS,
  GROUP_DIMS,
  allocateSequence,
  emptyFrame,
  readFrame,
  sequenceShapeProblem,
  writeFrame,
  type EditFrame,
  type ParamSequence,
} from './parameters.js';

/**
 * offset: the lane's value is added to the tracked/transferred value (the default: an edit
 * keeps the actor's own micro-motion). absolute: the lane's value replaces it.
 */
export type LaneMode = 'offset' | 'absolute';

export interface Lane {
  param: string;
  mode: LaneMode;
  /** A muted lane keeps its keys and changes nothing. */
  muted?: boolean;
  /** Sorted by position. */
  keys: readonly Keyframe[];
}

/** A clip's tracked parameters as the composition needs them. */
export interface ClipParams {
  params: ParamSequence;
  /** The tracker's (or the user's) neutral reference frame of the clip. */
  neutralFrame: number;
  fps: number;
}

export interface ShotInputs {
  target: ClipParams;
  /** Keyed by clip id; every bound source must be here. */
  sources: ReadonlyMap<number, ClipParams>;
  /** Applied in order: a later binding overrides an earlier one on the groups both write. */
  bindings: readonly SourceBinding[];
  lanes: readonly Lane[];
  rig?: ExpressionRig;
}

interface Scratch {
  delta: Float64Array;
  targetMouth: Float64Array;
  sourceMouth: Float64Array;
}

interface PreparedBinding {
  binding: SourceBinding;
  source: ClipParams;
  sourceNeutral: EditFrame;
  targetNeutral: EditFrame;
  /** The keyed strength (percent) per composed frame; undefined: the binding's own strength. */
  strength: Float64Array | undefined;
}

/**
 * The edited parameters of target frames start .. start+count−1:
 * tracked → source transfer relative to the neutral frames → keyframe lanes.
 */
export function composeShot(inputs: ShotInputs, start = 0, count = inputs.target.params.frameCount - start): ParamSequence {
  const frameCount = inputs.target.params.frameCount;
  if (!Number.isInteger(start) || !Number.isInteger(count) || start < 0 || count < 0 || start + count > frameCount) {
    throw new DvpError('INVALID_ARGUMENT', `frames ${start}–${start + count - 1} are outside the shot's ${frameCount} frames.`);
  }
  const bindings = prepareBindings(inputs, start, count);
  const lanes = activeControlLanes(inputs.lanes).map(({ lane, control }) => ({ lane, control, values: sampleLane(lane.keys, start, count) }));
  const out = allocateSequence(count);
  const frame = emptyFrame();
  const scratch: Scratch = { delta: new Float64Array(EXPRESSION_DIMS), targetMouth: new Float64Array(EXPRESSION_DIMS), sourceMouth: new Float64Array(EXPRESSION_DIMS) };
  for (let i = 0; i < count; i++) {
    const f = start + i;
    readFrame(inputs.target.params, f, frame);
    for (const prepared of bindings) applyBinding(prepared, inputs, f, i, frame, scratch);
    for (const { lane, control, values } of lanes) {
      if (values) applyLaneValue(lane.mode, control, frame, (values[i] as number) * control.scale, inputs.rig);
    }
    clampEyelids(frame);
    writeFrame(frame, out, i);
  }
  return out;
}

/** The edited parameters of one target frame. */
export function composeFrame(inputs: ShotInputs, frame: number): EditFrame {
  const sequence = composeShot(inputs, frame, 1);
  return readFrame(sequence, 0, emptyFrame());
}

function prepareBindings(inputs: ShotInputs, start: number, count: number): PreparedBinding[] {
  const problem = sequenceShapeProblem(inputs.target.params);
  if (problem) throw new DvpError('INVALID_ARGUMENT', `the target's tracked parameters are malformed: ${problem}.`);
  for (const lane of inputs.lanes) {
    const id = strengthLaneBinding(lane.param);
    if (id !== undefined && !inputs.bindings.some((b) => b.id === id)) {
      throw new DvpError('INVALID_ARGUMENT', `'${lane.param}' keys the strength of source binding ${id}, which is not in the shot.`);
    }
  }
  return inputs.bindings.map((binding) => {
    const source = inputs.sources.get(binding.sourceClipId);
    if (!source) {
      throw new DvpError('NOT_FOUND', `source clip ${binding.sourceClipId} has no tracked parameters; track it before binding it.`);
    }
    const sourceProblem = sequenceShapeProblem(source.params);
    if (sourceProblem) throw new DvpError('INVALID_ARGUMENT', `source clip ${binding.sourceClipId}'s tracked parameters are malformed: ${sourceProblem}.`);
    if (binding.mode === 'mouth' && !inputs.rig) {
      throw new DvpError('INVALID_ARGUMENT', 'a mouth-only binding needs the face model\'s mouth subspace, and none was given (track the target clip first).');
    }
    const sourceNeutralFrame = binding.sourceNeutralFrame ?? source.neutralFrame;
    const targetNeutralFrame = binding.targetNeutralFrame ?? inputs.target.neutralFrame;
    checkFrame(sourceNeutralFrame, source.params.frameCount, `the neutral frame of source clip ${binding.sourceClipId}`);
    checkFrame(targetNeutralFrame, inputs.target.params.frameCount, 'the target\'s neutral frame');
    const strengthLane = inputs.lanes.find((lane) => lane.param === strengthLaneParam(binding.id) && !lane.muted);
    return {
      binding,
      source,
      sourceNeutral: readFrame(source.params, sourceNeutralFrame, emptyFrame()),
      targetNeutral: readFrame(inputs.target.params, targetNeutralFrame, emptyFrame()),
      strength: strengthLane ? sampleLane(strengthLane.keys, start, count) : undefined,
    };
  });
}

function checkFrame(frame: number, frameCount: number, what: string): void {
  if (!Number.isInteger(frame) || frame < 0 || frame >= frameCount) {
    throw new DvpError('INVALID_ARGUMENT', `${what} is ${frame}, outside the clip's ${frameCount} frames.`);
  }
}

function applyBinding(prepared: PreparedBinding, inputs: ShotInputs, targetFrame: number, index: number, frame: EditFrame, scratch: Scratch): void {
  const { binding, source, sourceNeutral, targetNeutral } = prepared;
  const sourceFrame = sourceFrameFor(binding, targetFrame, {
    targetFps: inputs.target.fps,
    sourceFps: source.fps,
    sourceFrameCount: source.params.frameCount,
  });
  if (sourceFrame === undefined) return;
  const s = prepared.strength ? Math.min(1, Math.max(0, (prepared.strength[index] as number) / 100)) : binding.strength;
  if (binding.mode === 'mouth') {
    const rig = inputs.rig as ExpressionRig;
    const sourceBase = sourceFrame * EXPRESSION_DIMS;
    // Replace the target's own mouth motion (relative to its neutral) with the source's.
    const { delta, targetMouth, sourceMouth } = scratch;
    for (let i = 0; i < EXPRESSION_DIMS; i++) delta[i] = (frame.expression[i] as number) - (targetNeutral.expression[i] as number);
    rig.mouthPart(delta, targetMouth);
    for (let i = 0; i < EXPRESSION_DIMS; i++) {
      delta[i] = (source.params.expression[sourceBase + i] as number) - (sourceNeutral.expression[i] as number);
    }
    rig.mouthPart(delta, sourceMouth);
    for (let i = 0; i < EXPRESSION_DIMS; i++) {
      frame.expression[i] = (frame.expression[i] as number) - (targetMouth[i] as number) + s * (sourceMouth[i] as number);
    }
    return;
  }
  for (const group of MODE_GROUPS[binding.mode]) {
    const dims = GROUP_DIMS[group];
    const sourceValues = source.params[group];
    const base = sourceFrame * dims;
    const out = frame[group];
    for (let i = 0; i < dims; i++) {
      out[i] = (targetNeutral[group][i] as number) + s * ((sourceValues[base + i] as number) - (sourceNeutral[group][i] as number));
    }
  }
}

function applyLaneValue(mode: LaneMode, control: ControlDef, frame: EditFrame, value: number, rig: ExpressionRig | undefined): void {
  const delta = mode === 'offset' ? value : value - measureControl(control, frame, rig);
  offsetControl(control, frame, delta, rig);
}

/** Unmuted control lanes with keys, in the control table's order (the result does not depend on storage order); throws on an unknown lane. Compose and the region masks both use it. */
export function activeControlLanes(lanes: readonly Lane[]): { lane: Lane; control: ControlDef }[] {
  const ordered: { lane: Lane; control: ControlDef }[] = [];
  for (const control of CONTROLS) {
    for (const lane of lanes) if (lane.param === control.name && lane.keys.length > 0 && !lane.muted) ordered.push({ lane, control });
  }
  const unknown = lanes.find((lane) => !CONTROLS.some((c) => c.name === lane.param) && strengthLaneBinding(lane.param) === undefined);
  if (unknown) throw new DvpError('INVALID_ARGUMENT', `'${unknown.param}' is not an editable parameter.`);
  return ordered;
}

/** An eyelid cannot close further than shut; below 0 it is opened wider, which is valid. */
function clampEyelids(frame: EditFrame): void {
  for (let i = 0; i < EYELID_DIMS; i++) frame.eyelids[i] = Math.min(1, frame.eyelids[i] as number);
}
