import { sourceFrameFor, type BindingMode } from '../edit/bindings.js';
import { activeControlLanes, type ShotInputs } from '../edit/compose.js';
import type { ControlDef } from '../edit/controls.js';
import { sampleLane } from '../edit/lane-curve.js';
import { EXPRESSION_DIMS, EYELID_DIMS, GAZE_DIMS, POSE_DIMS, type ParamSequence } from '../edit/parameters.js';

/**
 * What an edit changes in a frame, as bits: which part of the face the region-aware
 * composite replaces (`region-mask.ts`). Face covers mouth and eyes; head covers the face.
 */
export const EditRegion = { Mouth: 1, Eyes: 2, Face: 4, Head: 8 } as const;

export const EDIT_REGION_NAMES = ['mouth', 'eyes', 'face', 'head'] as const;
export type EditRegionName = (typeof EDIT_REGION_NAMES)[number];

/** Bit → name, in `EDIT_REGION_NAMES` order. */
export function regionNames(bits: number): EditRegionName[] {
  return EDIT_REGION_NAMES.filter((_, i) => (bits & (1 << i)) !== 0);
}

/**
 * Mouth bindings and dubs: mouth, jaw, chin and cheeks. Gaze: eyes, lids and brows.
 * Expression: the whole face. Full head: head, hair and neck.
 */
export const BINDING_REGION: Readonly<Record<BindingMode, number>> = {
  mouth: EditRegion.Mouth,
  gaze: EditRegion.Eyes,
  expression: EditRegion.Face,
  full: EditRegion.Head,
};

const MOUTH_CONTROLS = new Set(['jawOpen', 'smileLeft', 'smileRight', 'pucker', 'mouthStretch']);

/** The region a keyframe lane on `control` changes: head pose → head; gaze, blinks and brows → eyes; mouth controls → mouth. */
export function controlRegion(control: ControlDef): number {
  if (control.group === 'head') return EditRegion.Head;
  if (control.group === 'eyes') return EditRegion.Eyes;
  if (MOUTH_CONTROLS.has(control.name)) return EditRegion.Mouth;
  if (control.name === 'browRaise' || control.name === 'browFurrow') return EditRegion.Eyes;
  return EditRegion.Face;
}

/** Differences below these are float noise, not an edit (radians, mm, coefficients, closure). */
const TOLERANCE = { pose: 1e-5, translation: 1e-3, expression: 1e-5, gaze: 1e-5, eyelids: 1e-5 };

/** Which parameter groups of composed row `row` differ from tracked frame `frame`. */
function changedGroups(tracked: ParamSequence, frame: number, composed: ParamSequence, row: number): { pose: boolean; expression: boolean; eyes: boolean } {
  const differs = (a: Float32Array, b: Float32Array, dims: number, from: number, to: number, tolerance: number, ceiling = Infinity): boolean => {
    for (let i = from; i < to; i++) if (Math.abs(Math.min(ceiling, a[frame * dims + i]!) - b[row * dims + i]!) > tolerance) return true;
    return false;
  };
  return {
    pose: differs(tracked.pose, composed.pose, POSE_DIMS, 0, 3, TOLERANCE.pose) || differs(tracked.pose, composed.pose, POSE_DIMS, 3, 6, TOLERANCE.translation),
    expression: differs(tracked.expression, composed.expression, EXPRESSION_DIMS, 0, EXPRESSION_DIMS, TOLERANCE.expression),
    eyes:
      differs(tracked.gaze, composed.gaze, GAZE_DIMS, 0, GAZE_DIMS, TOLERANCE.gaze) || // The composition clamps a closure above 1 (shut) to 1: that alone is not an edit.
      differs(tracked.eyelids, composed.eyelids, EYELID_DIMS, 0, EYELID_DIMS, TOLERANCE.eyelids, 1),
  };
}

/**
 * Per frame of `composed` (target frames start … start + composed.frameCount − 1), the region
 * bits the edit touches there:
 *  - every source binding that reaches the frame adds its mode's region (even where the
 *    transferred values happen to equal the tracked ones: the binding drives that part);
 *  - where the edited parameters differ from the tracked ones, every keyframe lane that moves
 *    the frame (an offset lane with a non-zero value, or an absolute lane) adds its control's
 *    region, and a changed parameter group that nothing above accounts for adds its own
 *    (pose → head, gaze/eyelids → eyes, expression → face).
 * A frame whose edited parameters equal the tracked ones and that no binding reaches gets 0:
 * the plate passes through there.
 */
export function editRegions(inputs: ShotInputs, composed: ParamSequence, start: number): Uint8Array {
  const count = composed.frameCount;
  const out = new Uint8Array(count);
  const tracked = inputs.target.params;
  const lanes = activeControlLanes(inputs.lanes).map(({ lane, control }) => ({
    region: controlRegion(control),
    absolute: lane.mode === 'absolute',
    values: sampleLane(lane.keys, start, count),
  }));
  for (let i = 0; i < count; i++) {
    const frame = start + i;
    let bits = 0;
    for (const binding of inputs.bindings) {
      const source = inputs.sources.get(binding.sourceClipId);
      if (!source) continue;
      const reached = sourceFrameFor(binding, frame, { targetFps: inputs.target.fps, sourceFps: source.fps, sourceFrameCount: source.params.frameCount });
      if (reached !== undefined) bits |= BINDING_REGION[binding.mode];
    }
    const changed = changedGroups(tracked, frame, composed, i);
    if (changed.pose || changed.expression || changed.eyes) {
      for (const lane of lanes) if (lane.absolute || (lane.values && lane.values[i] !== 0)) bits |= lane.region;
      if (changed.pose && (bits & EditRegion.Head) === 0) bits |= EditRegion.Head;
      if (changed.eyes && (bits & (EditRegion.Eyes | EditRegion.Face | EditRegion.Head)) === 0) bits |= EditRegion.Eyes;
      if (changed.expression && bits === 0) bits |= EditRegion.Face;
    }
    out[i] = bits;
  }
  return out;
}
