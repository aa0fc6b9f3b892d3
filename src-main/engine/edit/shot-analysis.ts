import { composeShot } from './compose.js';
import type { ExpressionRig } from './expression-rig.js';
import { flagOutOfRange, observedRanges, outOfRangeSpans, type ObservedRanges, type OutOfRangeFrame, type OutOfRangeSpan } from './out-of-range.js';
import type { ParamSequence } from './parameters.js';
import type { TrackedClip, TrackedShotInputs } from './tracked-inputs.js';

/**
 * What a shot's edited parameters are measured against: the target's trusted tracked frames
 * (no network trained yet), or those of them a model trained on (`first`–`last`, inclusive),
 * which is what the network can reproduce. The timeline, `dvp edits --check` and `dvp render`
 * all take it from `renderMeasure` (render/render-model.ts), so they flag the same frames.
 */
export type MeasureAgainst = { kind: 'trusted' } | { kind: 'training'; first: number; last: number };

/** A stable key per measure, for caches. */
export function measureKey(measure: MeasureAgainst): string {
  return measure.kind === 'trusted' ? 'trusted' : `training:${measure.first}-${measure.last}`;
}

/** True for the frames of `target` whose parameters count as "what the target showed". */
export function measuredFrame(target: TrackedClip, measure: MeasureAgainst): (frame: number) => boolean {
  if (measure.kind === 'trusted') return (f) => target.trusted[f] === 1;
  return (f) => f >= measure.first && f <= measure.last && target.trusted[f] === 1;
}

/** The per-parameter ranges under `measure`; undefined when no frame counts (nothing can be flagged then). */
export function measureRanges(target: TrackedClip, rig: ExpressionRig | undefined, measure: MeasureAgainst): ObservedRanges | undefined {
  const include = measuredFrame(target, measure);
  let any = false;
  for (let f = 0; f < target.params.frameCount && !any; f++) any = include(f);
  return any ? observedRanges(target.params, { ...(rig && { rig }), include }) : undefined;
}

export interface ShotAnalysis {
  /** The edited parameters of frames `composedFrom` … `last`. */
  composed: ParamSequence;
  composedFrom: number;
  /** Frames `first` … `last` a render synthesizes whose edited parameters leave the measured ranges. */
  flagged: OutOfRangeFrame[];
  outOfRange: OutOfRangeSpan[];
}

export interface AnalyseOptions {
  /** The ranges to check against (`measureRanges`); none: nothing is flagged. */
  ranges: ObservedRanges | undefined;
  /** Inclusive frames to flag; the whole clip by default. */
  first?: number;
  last?: number;
  /** Compose from this frame (≤ first) to give a render its window history. */
  composedFrom?: number;
}

/**
 * compose → out-of-range flags, the one assembly every caller uses. Only frames a render
 * synthesizes (a stored frame with a face) are flagged; the others pass the plate through.
 */
export function analyseShot(inputs: TrackedShotInputs, options: AnalyseOptions): ShotAnalysis {
  const target = inputs.target;
  const first = options.first ?? 0;
  const last = options.last ?? target.params.frameCount - 1;
  const composedFrom = options.composedFrom ?? first;
  const composed = composeShot(inputs, composedFrom, last - composedFrom + 1);
  const flagged = options.ranges
    ? flagOutOfRange(composed, options.ranges, { ...(inputs.rig && { rig: inputs.rig }), firstFrame: composedFrom }).filter(
        (f) => f.frame >= first && target.hasFace[f.frame] === 1,
      )
    : [];
  return { composed, composedFrom, flagged, outOfRange: outOfRangeSpans(flagged) };
}
