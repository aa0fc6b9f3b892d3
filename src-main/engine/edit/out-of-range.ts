import type { FrameRange } from '../../api/frame-range.js';
import { DvpError } from '../../shared/errors.js';
import { CONTROLS, EYELID_CHANNELS, GAZE_CHANNELS, POSE_CHANNELS } from './controls.js';
import type { ExpressionRig } from './expression-rig.js';
import { EXPRESSION_DIMS, emptyFrame, readFrame, type EditFrame, type ParamSequence } from './parameters.js';

/**
 * The network only reproduces what the target showed in its training footage (the paper's
 * stated limitation): a frame whose requested parameters leave that range is flagged.
 * Values are reported in editor units (degrees for angles).
 */
interface Channel {
  name: string;
  read(frame: EditFrame): number;
}

const DEG_PER_RAD = 180 / Math.PI;

function channels(rig: ExpressionRig | undefined): Channel[] {
  const list: Channel[] = [
    // Rotations (the first three pose values) in degrees, translations in mm.
    ...POSE_CHANNELS.map((name, i) => ({ name, read: (f: EditFrame) => (f.pose[i] as number) * (i < 3 ? DEG_PER_RAD : 1) })),
    ...GAZE_CHANNELS.map((name, i) => ({ name, read: (f: EditFrame) => (f.gaze[i] as number) * DEG_PER_RAD })),
    ...EYELID_CHANNELS.map((name, i) => ({ name, read: (f: EditFrame) => f.eyelids[i] as number })),
  ];
  for (let i = 0; i < EXPRESSION_DIMS; i++) list.push({ name: `expression${i}`, read: (f) => f.expression[i] as number });
  if (rig) {
    for (const control of CONTROLS) {
      if (control.target.kind === 'expression' && rig.controls.includes(control.name)) list.push({ name: control.name, read: (f) => rig.read(control.name, f) });
    }
  }
  return list;
}

export interface ChannelRange {
  name: string;
  min: number;
  max: number;
}

export interface ObservedRanges {
  ranges: ChannelRange[];
  /** Whether named expression controls were measured (a rig was given). */
  withControls: boolean;
}

/**
 * Per-parameter min/max over the target's tracked frames. `include` restricts them to the
 * frames the network trains on (e.g. frames with a face, or the training part of the clip).
 */
export function observedRanges(target: ParamSequence, options: { rig?: ExpressionRig; include?: (frame: number) => boolean } = {}): ObservedRanges {
  const list = channels(options.rig);
  const min = new Float64Array(list.length).fill(Infinity);
  const max = new Float64Array(list.length).fill(-Infinity);
  const frame = emptyFrame();
  let counted = 0;
  for (let f = 0; f < target.frameCount; f++) {
    if (options.include && !options.include(f)) continue;
    readFrame(target, f, frame);
    counted++;
    list.forEach((channel, c) => {
      const value = channel.read(frame);
      if (value < (min[c] as number)) min[c] = value;
      if (value > (max[c] as number)) max[c] = value;
    });
  }
  if (counted === 0) throw new DvpError('INVALID_ARGUMENT', 'the target has no tracked frames to take parameter ranges from.');
  return {
    ranges: list.map((channel, c) => ({ name: channel.name, min: min[c] as number, max: max[c] as number })),
    withControls: options.rig !== undefined,
  };
}

export interface OutOfRangeParam {
  name: string;
  value: number;
  min: number;
  max: number;
}

export interface OutOfRangeFrame {
  frame: number;
  params: OutOfRangeParam[];
}

/**
 * The frames of `requested` (first frame = `firstFrame` of the shot) with parameters more
 * than `tolerance` × (observed span) outside the observed range.
 */
export function flagOutOfRange(
  requested: ParamSequence,
  observed: ObservedRanges,
  options: { rig?: ExpressionRig; tolerance?: number; firstFrame?: number } = {},
): OutOfRangeFrame[] {
  const tolerance = options.tolerance ?? 0.1;
  if (!(tolerance >= 0)) throw new DvpError('INVALID_ARGUMENT', `the out-of-range tolerance must be 0 or more, not ${tolerance}.`);
  if (observed.withControls && !options.rig) {
    throw new DvpError('INVALID_ARGUMENT', 'the ranges include expression controls, so checking against them needs the same rig.');
  }
  const list = channels(observed.withControls ? options.rig : undefined);
  const bounds = list.map((channel, c) => {
    const range = observed.ranges[c];
    if (!range || range.name !== channel.name) throw new DvpError('INVALID_ARGUMENT', 'the observed ranges do not match the parameter channels.');
    const margin = tolerance * (range.max - range.min);
    return { low: range.min - margin, high: range.max + margin, range };
  });
  const flagged: OutOfRangeFrame[] = [];
  const frame = emptyFrame();
  for (let f = 0; f < requested.frameCount; f++) {
    readFrame(requested, f, frame);
    const params: OutOfRangeParam[] = [];
    list.forEach((channel, c) => {
      const { low, high, range } = bounds[c] as (typeof bounds)[number];
      const value = channel.read(frame);
      if (value < low || value > high) params.push({ name: channel.name, value, min: range.min, max: range.max });
    });
    if (params.length > 0) flagged.push({ frame: (options.firstFrame ?? 0) + f, params });
  }
  return flagged;
}

export interface OutOfRangeSpan extends FrameRange {
  /** Every parameter flagged somewhere in the span. */
  params: string[];
}

/** Runs of consecutive flagged frames, for a timeline to shade and a report to print. */
export function outOfRangeSpans(flagged: readonly OutOfRangeFrame[]): OutOfRangeSpan[] {
  const spans: OutOfRangeSpan[] = [];
  let current: { first: number; last: number; params: Set<string> } | undefined;
  for (const { frame, params } of flagged) {
    if (current && frame === current.last + 1) {
      current.last = frame;
    } else {
      if (current) spans.push({ first: current.first, last: current.last, params: [...current.params] });
      current = { first: frame, last: frame, params: new Set() };
    }
    for (const p of params) current.params.add(p.name);
  }
  if (current) spans.push({ first: current.first, last: current.last, params: [...current.params] });
  return spans;
}
