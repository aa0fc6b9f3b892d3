import { DvpError } from '../../shared/errors.js';
import { CONTROL_LABELS, type ControlName } from '../face/controls.js';
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
  /** The face model's label for it (face/controls.ts). */
  label: string;
  group: ControlGroup;
  unit: 'deg' | 'mm' | '% IOD' | 'closure';
  /** Multiplies a lane value to get parameter units. */
  scale: number;
  target: ControlTarget;
  /** The out-of-range channels the lane moves (both eyes for gaze yaw, both lids for eye wide). */
  channels: readonly string[];
}

const DEG = Math.PI / 180;

const ROWS: readonly Omit<ControlDef, 'label' | 'channels'>[] = [
  { name: 'headYaw', group: 'head', unit: 'deg', scale: DEG, target: { kind: 'pose', index: POSE_INDEX.yaw } },
  { name: 'headPitch', group: 'head', unit: 'deg', scale: DEG, target: { kind: 'pose', index: POSE_INDEX.pitch } },
  { name: 'headRoll', group: 'head', unit: 'deg', scale: DEG, target: { kind: 'pose', index: POSE_INDEX.roll } },
  { name: 'headX', group: 'head', unit: 'mm', scale: 1, target: { kind: 'pose', index: POSE_INDEX.x } },
  { name: 'headY', group: 'head', unit: 'mm', scale: 1, target: { kind: 'pose', index: POSE_INDEX.y } },
  { name: 'headZ', group: 'head', unit: 'mm', scale: 1, target: { kind: 'pose', index: POSE_INDEX.z } },
  { name: 'jawOpen', group: 'expression', unit: '% IOD', scale: 1, target: { kind: 'expression' } },
  { name: 'smileLeft', group: 'expression', unit: '% IOD', scale: 1, target: { kind: 'expression' } },
  { name: 'smileRight', group: 'expression', unit: '% IOD', scale: 1, target: { kind: 'expression' } },
  { name: 'pucker', group: 'expression', unit: '% IOD', scale: 1, target: { kind: 'expression' } },
  { name: 'mouthStretch', group: 'expression', unit: '% IOD', scale: 1, target: { kind: 'expression' } },
  { name: 'browRaise', group: 'expression', unit: '% IOD', scale: 1, target: { kind: 'expression' } },
  { name: 'browFurrow', group: 'expression', unit: '% IOD', scale: 1, target: { kind: 'expression' } },
  { name: 'gazeYaw', group: 'eyes', unit: 'deg', scale: DEG, target: { kind: 'gaze', axis: 'yaw' } },
  { name: 'gazePitch', group: 'eyes', unit: 'deg', scale: DEG, target: { kind: 'gaze', axis: 'pitch' } },
  { name: 'blinkLeft', group: 'eyes', unit: 'closure', scale: 1, target: { kind: 'eyelid', indices: [EYELID_INDEX.left], sign: 1 } },
  { name: 'blinkRight', group: 'eyes', unit: 'closure', scale: 1, target: { kind: 'eyelid', indices: [EYELID_INDEX.right], sign: 1 } },
  {
    name: 'eyeWide',
    group: 'eyes',
    unit: 'closure',
    scale: 1,
    target: { kind: 'eyelid', indices: [EYELID_INDEX.left, EYELID_INDEX.right], sign: -1 },
  },
];

/** The out-of-range check's channels (`out-of-range.ts`): one per parameter value, named per eye for gaze and eyelids. */
export const POSE_CHANNELS = ['headYaw', 'headPitch', 'headRoll', 'headX', 'headY', 'headZ'] as const;
export const GAZE_CHANNELS = ['gazeLeftYaw', 'gazeLeftPitch', 'gazeRightYaw', 'gazeRightPitch'] as const;
export const EYELID_CHANNELS = ['blinkLeft', 'blinkRight'] as const;

/** The channels a control's lane moves, so a flagged channel can be shown on its lane. */
function channelsOf(control: Omit<ControlDef, 'label' | 'channels'>): string[] {
  const target = control.target;
  switch (target.kind) {
    case 'pose':
      return [POSE_CHANNELS[target.index]!];
    case 'gaze':
      return target.axis === 'yaw' ? [GAZE_CHANNELS[GAZE_INDEX.leftYaw], GAZE_CHANNELS[GAZE_INDEX.rightYaw]] : [GAZE_CHANNELS[GAZE_INDEX.leftPitch], GAZE_CHANNELS[GAZE_INDEX.rightPitch]];
    case 'eyelid':
      return target.indices.map((i) => EYELID_CHANNELS[i]!);
    case 'expression':
      return [control.name];
  }
}

export const CONTROLS: readonly ControlDef[] = ROWS.map((row) => ({ ...row, label: CONTROL_LABELS[row.name], channels: channelsOf(row) }));

const BY_NAME = new Map<string, ControlDef>(CONTROLS.map((c) => [c.name, c]));

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
