import { DvpError } from '../../shared/errors.js';
import type { ExpressionRig } from './expression-rig.js';
import { EYELID_INDEX, GAZE_INDEX, POSE_INDEX, type EditFrame } from './parameters.js';

/**
 * The editor-facing controls: one keyframe lane each. This table is the single list of
 * names the CLI, the project file and the UI use.
 *
 * Lane values are in editor units (degrees for angles) and are converted to the
 * parameter units of `parameters.ts` (radians) by `scale`.
 */
export type ControlGroup = 'head' | 'expression' | 'eyes';

export type ControlTarget =
  | { kind: 'pose'; index: number }
  /** Both eyes move together, so vergence is kept. */
  | { kind: 'gaze'; axis: 'yaw' | 'pitch' }
  | { kind: 'eyelid'; index: number }
  /** A direction in the expression space, supplied by the face model's rig. */
  | { kind: 'expression' };

export interface ControlDef {
  name: string;
  label: string;
  group: ControlGroup;
  unit: 'deg' | 'mm' | 'control' | 'closure';
  /** Multiplies a lane value to get parameter units. */
  scale: number;
  target: ControlTarget;
}

const DEG = Math.PI / 180;

export const CONTROLS: readonly ControlDef[] = [
  { name: 'head.yaw', label: 'Head yaw', group: 'head', unit: 'deg', scale: DEG, target: { kind: 'pose', index: POSE_INDEX.yaw } },
  { name: 'head.pitch', label: 'Head pitch', group: 'head', unit: 'deg', scale: DEG, target: { kind: 'pose', index: POSE_INDEX.pitch } },
  { name: 'head.roll', label: 'Head roll', group: 'head', unit: 'deg', scale: DEG, target: { kind: 'pose', index: POSE_INDEX.roll } },
  { name: 'head.x', label: 'Head x', group: 'head', unit: 'mm', scale: 1, target: { kind: 'pose', index: POSE_INDEX.x } },
  { name: 'head.y', label: 'Head y', group: 'head', unit: 'mm', scale: 1, target: { kind: 'pose', index: POSE_INDEX.y } },
  { name: 'head.z', label: 'Head z', group: 'head', unit: 'mm', scale: 1, target: { kind: 'pose', index: POSE_INDEX.z } },
  { name: 'jaw.open', label: 'Jaw open', group: 'expression', unit: 'control', scale: 1, target: { kind: 'expression' } },
  { name: 'smile.left', label: 'Smile L', group: 'expression', unit: 'control', scale: 1, target: { kind: 'expression' } },
  { name: 'smile.right', label: 'Smile R', group: 'expression', unit: 'control', scale: 1, target: { kind: 'expression' } },
  { name: 'pucker', label: 'Pucker', group: 'expression', unit: 'control', scale: 1, target: { kind: 'expression' } },
  { name: 'mouth.stretch', label: 'Mouth stretch', group: 'expression', unit: 'control', scale: 1, target: { kind: 'expression' } },
  { name: 'brow.raise', label: 'Brow raise', group: 'expression', unit: 'control', scale: 1, target: { kind: 'expression' } },
  { name: 'brow.furrow', label: 'Brow furrow', group: 'expression', unit: 'control', scale: 1, target: { kind: 'expression' } },
  { name: 'eye.wide', label: 'Eye wide', group: 'expression', unit: 'control', scale: 1, target: { kind: 'expression' } },
  { name: 'gaze.yaw', label: 'Gaze yaw', group: 'eyes', unit: 'deg', scale: DEG, target: { kind: 'gaze', axis: 'yaw' } },
  { name: 'gaze.pitch', label: 'Gaze pitch', group: 'eyes', unit: 'deg', scale: DEG, target: { kind: 'gaze', axis: 'pitch' } },
  { name: 'blink.left', label: 'Blink L', group: 'eyes', unit: 'closure', scale: 1, target: { kind: 'eyelid', index: EYELID_INDEX.left } },
  { name: 'blink.right', label: 'Blink R', group: 'eyes', unit: 'closure', scale: 1, target: { kind: 'eyelid', index: EYELID_INDEX.right } },
];

const BY_NAME = new Map(CONTROLS.map((c) => [c.name, c]));

export const EXPRESSION_CONTROL_NAMES: readonly string[] = CONTROLS.filter((c) => c.target.kind === 'expression').map((c) => c.name);

export function findControl(name: string): ControlDef | undefined {
  return BY_NAME.get(name);
}

/** The control named `name`, or a usage error that lists the valid names. */
export function requireControl(name: string): ControlDef {
  const control = BY_NAME.get(name);
  if (!control) {
    throw new DvpError('INVALID_ARGUMENT', `'${name}' is not an editable parameter; use one of: ${CONTROLS.map((c) => c.name).join(', ')}.`);
  }
  return control;
}

function requireRig(control: ControlDef, rig: ExpressionRig | undefined): ExpressionRig {
  if (!rig) {
    throw new DvpError('INVALID_ARGUMENT', `the lane '${control.name}' needs the face model's expression controls, and none were given (track the target clip first).`);
  }
  return rig;
}

/** The control's current value in parameter units (radians for angles). */
export function measureControl(control: ControlDef, frame: EditFrame, rig: ExpressionRig | undefined): number {
  const target = control.target;
  switch (target.kind) {
    case 'pose':
      return frame.pose[target.index] ?? 0;
    case 'gaze': {
      const [left, right] = target.axis === 'yaw' ? [GAZE_INDEX.leftYaw, GAZE_INDEX.rightYaw] : [GAZE_INDEX.leftPitch, GAZE_INDEX.rightPitch];
      return ((frame.gaze[left] ?? 0) + (frame.gaze[right] ?? 0)) / 2;
    }
    case 'eyelid':
      return frame.eyelids[target.index] ?? 0;
    case 'expression':
      return requireRig(control, rig).read(control.name, frame.expression);
  }
}

/** Adds `delta` (parameter units) to the control in `frame`. */
export function offsetControl(control: ControlDef, frame: EditFrame, delta: number, rig: ExpressionRig | undefined): void {
  const target = control.target;
  switch (target.kind) {
    case 'pose':
      frame.pose[target.index] = (frame.pose[target.index] ?? 0) + delta;
      return;
    case 'gaze': {
      const [left, right] = target.axis === 'yaw' ? [GAZE_INDEX.leftYaw, GAZE_INDEX.rightYaw] : [GAZE_INDEX.leftPitch, GAZE_INDEX.rightPitch];
      frame.gaze[left] = (frame.gaze[left] ?? 0) + delta;
      frame.gaze[right] = (frame.gaze[right] ?? 0) + delta;
      return;
    }
    case 'eyelid':
      frame.eyelids[target.index] = (frame.eyelids[target.index] ?? 0) + delta;
      return;
    case 'expression':
      requireRig(control, rig).add(control.name, frame.expression, delta);
      return;
  }
}
