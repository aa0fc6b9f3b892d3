/**
 * The per-frame parameters the edit model reads and writes: the part of the tracker's
 * output that an edit can change (paper §4: rigid pose, 64 expression coefficients, gaze;
 * plus eyelid closure). Identity and SH lighting are never edited, so they are not here.
 * Conventions are the face model's (`face/model.ts`):
 *
 *   pose       6  [yaw, pitch, roll, x, y, z]; angles in radians, translation in mm
 *   expression 64 coefficients of the project's shared, versioned expression space
 *   gaze       4  [left yaw, left pitch, right yaw, right pitch] in radians, relative to the head
 *   eyelids    2  [left, right] closure: 0 as in the neutral shape, 1 closed, < 0 wider
 */
import { EXPRESSION_DIM } from '../face/model.js';

export const POSE_DIMS = 6;
/** The face model's expression size (one constant for both models). */
export const EXPRESSION_DIMS = EXPRESSION_DIM;
export const GAZE_DIMS = 4;
export const EYELID_DIMS = 2;

export const POSE_INDEX = { yaw: 0, pitch: 1, roll: 2, x: 3, y: 4, z: 5 } as const;
export const GAZE_INDEX = { leftYaw: 0, leftPitch: 1, rightYaw: 2, rightPitch: 3 } as const;
export const EYELID_INDEX = { left: 0, right: 1 } as const;

/** One frame's editable parameters (float64 for the arithmetic). */
export interface EditFrame {
  pose: Float64Array;
  expression: Float64Array;
  gaze: Float64Array;
  eyelids: Float64Array;
}

/** A clip's per-frame parameters, frame-major (frame f's pose is pose[6f .. 6f+5]). */
export interface ParamSequence {
  frameCount: number;
  pose: Float32Array;
  expression: Float32Array;
  gaze: Float32Array;
  eyelids: Float32Array;
}

export type ParamGroup = 'pose' | 'expression' | 'gaze' | 'eyelids';

export const GROUP_DIMS: Readonly<Record<ParamGroup, number>> = {
  pose: POSE_DIMS,
  expression: EXPRESSION_DIMS,
  gaze: GAZE_DIMS,
  eyelids: EYELID_DIMS,
};

export const PARAM_GROUPS: readonly ParamGroup[] = ['pose', 'expression', 'gaze', 'eyelids'];

export function emptyFrame(): EditFrame {
  return {
    pose: new Float64Array(POSE_DIMS),
    expression: new Float64Array(EXPRESSION_DIMS),
    gaze: new Float64Array(GAZE_DIMS),
    eyelids: new Float64Array(EYELID_DIMS),
  };
}

export function allocateSequence(frameCount: number): ParamSequence {
  return {
    frameCount,
    pose: new Float32Array(frameCount * POSE_DIMS),
    expression: new Float32Array(frameCount * EXPRESSION_DIMS),
    gaze: new Float32Array(frameCount * GAZE_DIMS),
    eyelids: new Float32Array(frameCount * EYELID_DIMS),
  };
}

/** Copies frame `frame` of `sequence` into `out` (widened to float64 for the arithmetic). */
export function readFrame(sequence: ParamSequence, frame: number, out: EditFrame): EditFrame {
  for (const group of PARAM_GROUPS) {
    const dims = GROUP_DIMS[group];
    const source = sequence[group];
    const target = out[group];
    const base = frame * dims;
    for (let i = 0; i < dims; i++) target[i] = source[base + i] ?? 0;
  }
  return out;
}

export function writeFrame(frameParams: EditFrame, sequence: ParamSequence, frame: number): void {
  for (const group of PARAM_GROUPS) {
    sequence[group].set(frameParams[group], frame * GROUP_DIMS[group]);
  }
}

/** Checks that every array of `sequence` holds exactly `frameCount` frames. */
export function sequenceShapeProblem(sequence: ParamSequence): string | undefined {
  for (const group of PARAM_GROUPS) {
    const expected = sequence.frameCount * GROUP_DIMS[group];
    if (sequence[group].length !== expected) {
      return `its ${group} array holds ${sequence[group].length} values where ${sequence.frameCount} frames need ${expected}`;
    }
  }
  return undefined;
}
