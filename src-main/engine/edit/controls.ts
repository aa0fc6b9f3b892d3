import { DvpError } from '../../shared/errors.js';
import type { ControlName } from '../face/controls.js';
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
  /** The mean closure of the listed eyelids, times `sign` (eyeWide opens both: −closure). */
  | { kind: 'eyelid'; indices: readonly number[]; sign: 1 | -1 }
  /** A direction in the expression space, supplied by the face model's rig. */
  | { kind: 'expression' };

export interface ControlDef {
  /** The face model's control name (face/controls.ts), so tracked ranges and lanes line up. */
  name: ControlName;
  label: string;
  group: ControlGroup;
  unit: 'deg' | 'mm' | '% IOD' | 'closure';
  /** Multiplies a lane value to get parameter units. */
  scale: number;
  target: ControlTarget;
}

const DEG = Math.PI / 180;

export const CONTROLS: readonly ControlDef[] = [
  { name: 'headYaw', label: 'Head yaw', group: 'head', unit: 'deg', scale: DEG, target: { kind: 'pose', index: POSE_INDEX.yaw } },
  { name: 'headPitch', label: 'Head pitch', group: 'head', unit: 'deg', scale: DEG, target: { kind: 'pose', index: POSE_INDEX.pitch } },
  { name: 'headRoll', label: 'Head roll', group: 'head', unit: 'deg', scale: DEG, target: { kind: 'pose', index: POSE_INDEX.roll } },
  { name: 'headX', label: 'Head X', group: 'head', unit: 'mm', scale: 1, target: { kind: 'pose', index: POSE_INDEX.x } },
  { name: 'headY', label: 'Head Y', group: 'head', unit: 'mm', scale: 1, target: { kind: 'pose', index: POSE_INDEX.y } },
  { name: 'headZ', label: 'Head Z', group: 'head', unit: 'mm', scale: 1, target: { kind: 'pose', index: POSE_INDEX.z } },
  { name: 'jawOpen', label: 'Jaw open', group: 'expression', unit: '% IOD', scale: 1, target: { kind: 'expression' } },
  { name: 'smileLeft', label: 'Smile L', group: 'expression', unit: '% IOD', scale: 1, target: { kind: 'expression' } },
  { name: 'smileRight', label: 'Smile R', group: 'expression', unit: '% IOD', scale: 1, target: { kind: 'expression' } },
  { name: 'pucker', label: 'Pucker', group: 'expression', unit: '% IOD', scale: 1, target: { kind: 'expression' } },
  { name: 'mouthStretch', label: 'Mouth stretch', group: 'expression', unit: '% IOD', scale: 1, target: { kind: 'expression' } },
  { name: 'browRaise', label: 'Brow raise', group: 'expression', unit: '% IOD', scale: 1, target: { kind: 'expression' } },
  { name: 'browFurrow', label: 'Brow furrow', group: 'expression', unit: '% IOD', scale: 1, target: { kind: 'expression' } },
  { name: 'gazeYaw', label: 'Gaze yaw', group: 'eyes', unit: 'deg', scale: DEG, target: { kind: 'gaze', axis: 'yaw' } },
  { name: 'gazePitch', label: 'Gaze pitch', group: 'eyes', unit: 'deg', scale: DEG, target: { kind: 'gaze', axis: 'pitch' } },
  { name: 'blinkLeft', label: 'Blink L', group: 'eyes', unit: 'closure', scale: 1, target: { kind: 'eyelid', indices: [EYELID_INDEX.left], sign: 1 } },
  { name: 'blinkRight', label: 'Blink R', group: 'eyes', unit: 'closure', scale: 1, target: { kind: 'eyelid', indices: [EYELID_INDEX.right], sign: 1 } },
  {
    name: 'eyeWide',
    label: 'Eye wide',
    group: 'eyes',
    unit: 'closure',
    scale: 1,
    target: { kind: 'eyelid', indices: [EYELID_INDEX.left, EYELID_INDEX.right], sign: -1 },
  },
];

const BY_NAME = new Map<string, ControlDef>(CONTROLS.map((c) => [c.name, c]));

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
    case 'eyelid': {
      let sum = 0;
      for (const index of target.indices) sum += frame.eyelids[index] ?? 0;
      return (target.sign * sum) / target.indices.length;
    }
    case 'expression':
      return requireRig(control, rig).read(control.name, frame);
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
      for (const index of target.indices) frame.eyelids[index] = (frame.eyelids[index] ?? 0) + target.sign * delta;
      return;
    case 'expression':
      requireRig(control, rig).add(control.name, frame, delta);
      return;
  }
}
