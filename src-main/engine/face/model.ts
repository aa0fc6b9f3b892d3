/**
 * The face model (paper §4, on the MediaPipe topology).
 *
 * Coordinates: camera space is OpenCV-like (x right, y down, z forward from the camera,
 * millimetres); a pixel is u = fx·x/z + cx, v = fy·y/z + cy. Model space uses the same axes
 * for a face looking into the camera (the face looks along −z), origin between the eyes.
 * A model point X maps to camera space as R·X + t.
 *
 * Per clip (identity): neutral shape, per-vertex albedo, eyeball centres, intrinsics, the
 * neutral frame. Per project: the expression basis (shared by every clip, append-only and
 * versioned, so stored coefficients stay valid when later clips extend it).
 * Per frame: FrameParams.
 */

export const EXPRESSION_DIM = 64;
export const SH_COEFFS = 27;

export interface CameraIntrinsics {
  fx: number;
  fy: number;
  cx: number;
  cy: number;
  width: number;
  height: number;
}

/**
 * The project's expression space: EXPRESSION_DIM components of VERTEX_COUNT × 3 vertex
 * displacements (mm, model space). Components [0, activeCount) are in use; a later version
 * only appends components after them, never changes earlier ones.
 */
export interface ExpressionBasis {
  version: number;
  activeCount: number;
  /** EXPRESSION_DIM × VERTEX_COUNT × 3, component-major. Unused components are zero. */
  components: Float32Array;
  /** Standard deviation of each coefficient over the data it was learned from (0 when unused). */
  stddev: Float32Array;
}

/** Per-clip identity: everything that stays fixed over the clip. */
export interface FaceIdentity {
  clipId: number;
  /** Version of the project's expression basis this clip's coefficients use. */
  basisVersion: number;
  /** VERTEX_COUNT × 3, model space, millimetres. */
  neutralShape: Float32Array;
  /** VERTEX_COUNT × 3 diffuse reflectance in [0, 1], in the video's own (gamma-encoded) RGB like the frames. */
  albedo: Float32Array;
  /** Eyeball centres in model space: subject's left eye xyz, then right eye xyz. */
  eyeballCentres: Float32Array;
  /** Eyeball radius (mm): the iris centre lies on this sphere. */
  eyeballRadius: number;
  /** Visible iris radius (mm). */
  irisRadius: number;
  intrinsics: CameraIntrinsics;
  /** Frame whose expression counts as the actor's neutral (relative transfer starts here). */
  neutralFrame: number;
  /** True when the neutral frame was chosen automatically (false: set by the user). */
  neutralFrameAuto: boolean;
}

/** Everything needed to pose the face of one clip. */
export interface FaceModel {
  identity: FaceIdentity;
  basis: ExpressionBasis;
}

/**
 * One frame's parameters. Head rotation as Euler angles in radians (see rotation.ts): yaw > 0 turns
 * the face to the subject's own right (towards the image left), pitch > 0 tilts it up, roll > 0
 * rotates it clockwise on screen. Gaze is relative to the head with the same convention: the gaze
 * direction is Ry(yaw)·Rx(−pitch)·(0, 0, −1) in model space, so yaw > 0 looks to the subject's right
 * and pitch > 0 looks up. Eyelid closure: 0 as in the neutral shape, 1 closed, < 0 wider.
 * SH: 9 coefficients × RGB, stored as index 3·k + channel (k: SH function, see sh.ts).
 */
export interface FrameParams {
  /** yaw, pitch, roll (radians). */
  rotation: Float32Array;
  /** x, y, z in camera space (mm). */
  translation: Float32Array;
  expression: Float32Array;
  /** left yaw, left pitch, right yaw, right pitch (radians, subject's left/right). */
  gaze: Float32Array;
  /** left, right closure. */
  eyelids: Float32Array;
  sh: Float32Array;
}

/** Offsets of each group in a packed parameter vector (what the project stores per frame). */
export const PARAM_LAYOUT = {
  rotation: 0,
  translation: 3,
  expression: 6,
  gaze: 6 + EXPRESSION_DIM,
  eyelids: 10 + EXPRESSION_DIM,
  sh: 12 + EXPRESSION_DIM,
} as const;

export const PARAM_COUNT = 12 + EXPRESSION_DIM + SH_COEFFS;

export function emptyParams(): FrameParams {
  const sh = new Float32Array(SH_COEFFS);
  sh[0] = sh[1] = sh[2] = 1 / 0.282095; // unit ambient light
  return {
    rotation: new Float32Array(3),
    translation: new Float32Array(3),
    expression: new Float32Array(EXPRESSION_DIM),
    gaze: new Float32Array(4),
    eyelids: new Float32Array(2),
    sh,
  };
}

/** Views into one packed vector (no copy). */
export function unpackParams(packed: Float32Array, offset = 0): FrameParams {
  if (packed.length - offset < PARAM_COUNT) throw new RangeError(`a packed parameter vector needs ${PARAM_COUNT} values.`);
  const at = (start: number, length: number): Float32Array => packed.subarray(offset + start, offset + start + length);
  return {
    rotation: at(PARAM_LAYOUT.rotation, 3),
    translation: at(PARAM_LAYOUT.translation, 3),
    expression: at(PARAM_LAYOUT.expression, EXPRESSION_DIM),
    gaze: at(PARAM_LAYOUT.gaze, 4),
    eyelids: at(PARAM_LAYOUT.eyelids, 2),
    sh: at(PARAM_LAYOUT.sh, SH_COEFFS),
  };
}

export function packParams(params: FrameParams, out = new Float32Array(PARAM_COUNT), offset = 0): Float32Array {
  out.set(params.rotation, offset + PARAM_LAYOUT.rotation);
  out.set(params.translation, offset + PARAM_LAYOUT.translation);
  out.set(params.expression, offset + PARAM_LAYOUT.expression);
  out.set(params.gaze, offset + PARAM_LAYOUT.gaze);
  out.set(params.eyelids, offset + PARAM_LAYOUT.eyelids);
  out.set(params.sh, offset + PARAM_LAYOUT.sh);
  return out;
}

export function cloneParams(params: FrameParams): FrameParams {
  return unpackParams(packParams(params));
}
