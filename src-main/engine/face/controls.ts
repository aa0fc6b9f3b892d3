/**
 * Named, editor-facing controls mapped into the parameter space.
 *
 * Expression controls are linear measurements of the deformed model-space shape (in % of the
 * neutral inter-ocular distance, relative to the neutral shape). Setting one moves the expression
 * coefficients along the direction that changes the measurement by one unit at the smallest cost
 * under the basis prior (d = Σg / gᵀΣg, g the gradient of the measurement, Σ the coefficient
 * variances), so the rest of the face moves the way it co-varies in real footage. Eyelid, gaze
 * and head controls are parameters themselves. Each control carries the range the actor showed.
 */
import { blinkBasisFor } from './blink.js';
import { EXPRESSION_DIM, PARAM_LAYOUT, cloneParams, type FaceModel, type FrameParams } from './model.js';
import { LANDMARK, VERTEX_COUNT } from './topology.js';

export type ControlName =
  | 'jawOpen' | 'smileLeft' | 'smileRight' | 'pucker' | 'mouthStretch' | 'browRaise' | 'browFurrow'
  | 'blinkLeft' | 'blinkRight' | 'eyeWide' | 'gazeYaw' | 'gazePitch'
  | 'headYaw' | 'headPitch' | 'headRoll' | 'headX' | 'headY' | 'headZ';

export type ControlKind = 'expression' | 'eyelids' | 'gaze' | 'rotation' | 'translation';

export interface FaceControl {
  name: ControlName;
  label: string;
  kind: ControlKind;
  unit: string;
  /** Expression controls: coefficient change per control unit. */
  direction?: Float32Array | undefined;
  /** Non-expression controls: indices into the packed parameter vector the control sets (all to the same value). */
  paramIndices?: number[];
  /** Sign applied to the value when writing parameters (eyeWide writes −value into eyelid closure). */
  sign?: number;
  /** Range the actor showed in the tracked footage (robust 1st–99th percentile) and the neutral frame's value. */
  min: number;
  max: number;
  neutral: number;
}

interface Term {
  vertex: number;
  axis: 0 | 1 | 2;
  weight: number;
}

const L = LANDMARK;
const t = (vertex: number, axis: 0 | 1 | 2, weight: number): Term => ({ vertex, axis, weight });

/** Linear measurements on the model-space shape (x right, y down, z away from the camera). */
const MEASURES: Record<'jawOpen' | 'smileLeft' | 'smileRight' | 'pucker' | 'mouthStretch' | 'browRaise' | 'browFurrow', Term[]> = {
  jawOpen: [t(L.lowerLipInner, 1, 1), t(L.upperLipInner, 1, -1)],
  smileLeft: [t(L.mouthCornerLeft, 1, -1), t(L.noseTip, 1, 1)],
  smileRight: [t(L.mouthCornerRight, 1, -1), t(L.noseTip, 1, 1)],
  mouthStretch: [t(L.mouthCornerLeft, 0, 1), t(L.mouthCornerRight, 0, -1)],
  // Narrower mouth and lips pushed towards the camera.
  pucker: [t(L.mouthCornerLeft, 0, -1), t(L.mouthCornerRight, 0, 1), t(L.upperLipOuter, 2, -0.5), t(L.lowerLipOuter, 2, -0.5), t(L.noseTip, 2, 1)],
  browRaise: [
    t(L.leftBrowMid, 1, -0.5), t(L.rightBrowMid, 1, -0.5),
    t(L.leftEyeOuter, 1, 0.25), t(L.leftEyeInner, 1, 0.25), t(L.rightEyeOuter, 1, 0.25), t(L.rightEyeInner, 1, 0.25),
  ],
  browFurrow: [t(L.leftBrowInner, 0, -1), t(L.rightBrowInner, 0, 1)],
};

/** Every control's label: the face model stores it, the editor's lanes show it (edit/controls.ts). */
export const CONTROL_LABELS: Record<ControlName, string> = {
  jawOpen: 'Jaw open', smileLeft: 'Smile L', smileRight: 'Smile R', pucker: 'Pucker', mouthStretch: 'Mouth stretch',
  browRaise: 'Brow raise', browFurrow: 'Brow furrow', blinkLeft: 'Blink L', blinkRight: 'Blink R', eyeWide: 'Eye wide',
  gazeYaw: 'Gaze yaw', gazePitch: 'Gaze pitch', headYaw: 'Head yaw', headPitch: 'Head pitch', headRoll: 'Head roll',
  headX: 'Head X', headY: 'Head Y', headZ: 'Head Z',
};

const PARAM_CONTROLS: { name: ControlName; kind: ControlKind; unit: string; indices: number[]; sign?: number }[] = [
  { name: 'blinkLeft', kind: 'eyelids', unit: 'closure', indices: [PARAM_LAYOUT.eyelids] },
  { name: 'blinkRight', kind: 'eyelids', unit: 'closure', indices: [PARAM_LAYOUT.eyelids + 1] },
  { name: 'eyeWide', kind: 'eyelids', unit: 'closure', indices: [PARAM_LAYOUT.eyelids, PARAM_LAYOUT.eyelids + 1], sign: -1 },
  { name: 'gazeYaw', kind: 'gaze', unit: 'rad', indices: [PARAM_LAYOUT.gaze, PARAM_LAYOUT.gaze + 2] },
  { name: 'gazePitch', kind: 'gaze', unit: 'rad', indices: [PARAM_LAYOUT.gaze + 1, PARAM_LAYOUT.gaze + 3] },
  { name: 'headYaw', kind: 'rotation', unit: 'rad', indices: [PARAM_LAYOUT.rotation] },
  { name: 'headPitch', kind: 'rotation', unit: 'rad', indices: [PARAM_LAYOUT.rotation + 1] },
  { name: 'headRoll', kind: 'rotation', unit: 'rad', indices: [PARAM_LAYOUT.rotation + 2] },
  { name: 'headX', kind: 'translation', unit: 'mm', indices: [PARAM_LAYOUT.translation] },
  { name: 'headY', kind: 'translation', unit: 'mm', indices: [PARAM_LAYOUT.translation + 1] },
  { name: 'headZ', kind: 'translation', unit: 'mm', indices: [PARAM_LAYOUT.translation + 2] },
];

/** Inter-ocular distance of a shape (between the eye-corner midpoints), in its own units. */
export function interOcular(shape: ArrayLike<number>): number {
  const mid = (a: number, b: number, axis: number): number => (shape[3 * a + axis]! + shape[3 * b + axis]!) / 2;
  const dx = mid(L.leftEyeOuter, L.leftEyeInner, 0) - mid(L.rightEyeOuter, L.rightEyeInner, 0);
  const dy = mid(L.leftEyeOuter, L.leftEyeInner, 1) - mid(L.rightEyeOuter, L.rightEyeInner, 1);
  const dz = mid(L.leftEyeOuter, L.leftEyeInner, 2) - mid(L.rightEyeOuter, L.rightEyeInner, 2);
  return Math.hypot(dx, dy, dz);
}

function packedValue(params: FrameParams, index: number): number {
  const groups: [number, Float32Array][] = [
    [PARAM_LAYOUT.rotation, params.rotation], [PARAM_LAYOUT.translation, params.translation],
    [PARAM_LAYOUT.gaze, params.gaze], [PARAM_LAYOUT.eyelids, params.eyelids],
  ];
  for (const [start, array] of groups) if (index >= start && index < start + array.length) return array[index - start]!;
  throw new RangeError(`parameter index ${index} is not a pose, gaze or eyelid value.`);
}

function setPacked(params: FrameParams, index: number, value: number): void {
  const groups: [number, Float32Array][] = [
    [PARAM_LAYOUT.rotation, params.rotation], [PARAM_LAYOUT.translation, params.translation],
    [PARAM_LAYOUT.gaze, params.gaze], [PARAM_LAYOUT.eyelids, params.eyelids],
  ];
  for (const [start, array] of groups) {
    if (index >= start && index < start + array.length) {
      array[index - start] = value;
      return;
    }
  }
  throw new RangeError(`parameter index ${index} is not a pose, gaze or eyelid value.`);
}

/** Current value of a control for one frame's parameters (relative to neutral for expression controls). */
export function readControl(model: FaceModel, control: FaceControl, params: FrameParams): number {
  if (control.kind === 'expression') {
    // Measurements are linear in the shape, so only the displacement of the few vertices involved counts.
    const terms = MEASURES[control.name as keyof typeof MEASURES];
    const { basis, identity } = model;
    const [blinkLeft, blinkRight] = blinkBasisFor(identity.neutralShape);
    const n = VERTEX_COUNT * 3;
    let sum = 0;
    for (const term of terms) {
      const i = 3 * term.vertex + term.axis;
      let displacement = params.eyelids[0]! * blinkLeft[i]! + params.eyelids[1]! * blinkRight[i]!;
      for (let k = 0; k < basis.activeCount; k++) displacement += params.expression[k]! * basis.components[k * n + i]!;
      sum += term.weight * displacement;
    }
    return (sum * 100) / interOcular(identity.neutralShape);
  }
  const indices = control.paramIndices ?? [];
  let sum = 0;
  for (const index of indices) sum += packedValue(params, index);
  return (control.sign ?? 1) * (sum / Math.max(1, indices.length));
}

/** A copy of `params` with the control set to `value` (other controls move as little as possible). */
export function applyControl(model: FaceModel, control: FaceControl, params: FrameParams, value: number): FrameParams {
  const out = cloneParams(params);
  if (control.kind === 'expression') {
    const delta = value - readControl(model, control, params);
    const direction = control.direction;
    if (!direction) return out;
    for (let k = 0; k < EXPRESSION_DIM; k++) out.expression[k] = out.expression[k]! + delta * direction[k]!;
    return out;
  }
  for (const index of control.paramIndices ?? []) setPacked(out, index, (control.sign ?? 1) * value);
  return out;
}

function percentile(sorted: number[], q: number): number {
  if (sorted.length === 0) return 0;
  const at = Math.min(sorted.length - 1, Math.max(0, Math.round(q * (sorted.length - 1))));
  return sorted[at]!;
}

/**
 * Builds the clip's controls: directions from the shared basis and the clip's neutral shape, ranges
 * from the tracked frames (`frames`: parameters of frames tracked from their own detection).
 */
export function buildControls(model: FaceModel, frames: FrameParams[], neutral: FrameParams): FaceControl[] {
  const { basis, identity } = model;
  const scale = 100 / interOcular(identity.neutralShape);
  const n = VERTEX_COUNT * 3;
  const controls: FaceControl[] = [];
  for (const [name, terms] of Object.entries(MEASURES) as [keyof typeof MEASURES, Term[]][]) {
    const g = new Float64Array(EXPRESSION_DIM);
    for (let k = 0; k < basis.activeCount; k++) {
      let sum = 0;
      for (const term of terms) sum += term.weight * basis.components[k * n + 3 * term.vertex + term.axis]!;
      g[k] = sum * scale;
    }
    let gSg = 0;
    for (let k = 0; k < EXPRESSION_DIM; k++) gSg += basis.stddev[k]! ** 2 * g[k]! ** 2;
    const direction = new Float32Array(EXPRESSION_DIM);
    if (gSg > 1e-12) for (let k = 0; k < EXPRESSION_DIM; k++) direction[k] = (basis.stddev[k]! ** 2 * g[k]!) / gSg;
    controls.push({ name, label: CONTROL_LABELS[name], kind: 'expression', unit: '% IOD', direction, min: 0, max: 0, neutral: 0 });
  }
  for (const spec of PARAM_CONTROLS) {
    const control: FaceControl = { name: spec.name, label: CONTROL_LABELS[spec.name], kind: spec.kind, unit: spec.unit, paramIndices: spec.indices, min: 0, max: 0, neutral: 0 };
    if (spec.sign !== undefined) control.sign = spec.sign;
    controls.push(control);
  }
  for (const control of controls) {
    const values = frames.map((p) => readControl(model, control, p)).sort((a, b) => a - b);
    control.min = percentile(values, 0.01);
    control.max = percentile(values, 0.99);
    control.neutral = readControl(model, control, neutral);
  }
  return controls;
}
