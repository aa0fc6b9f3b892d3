/**
 * Named parts of the 468-vertex MediaPipe face mesh. "Left" and "right" are the
 * subject's own (the subject's left eye appears on the right of a frontal image).
 * Ring orders follow the lid / lip margin around the opening, so a ring is a polygon.
 */
import { MESH_TRIANGLES, MESH_UV } from './mediapipe-topology.js';

export { MESH_TRIANGLES, MESH_UV };

export const VERTEX_COUNT = 468;
export const TRIANGLE_COUNT = MESH_TRIANGLES.length / 3;

/** Eye opening (lid margin), outer corner → upper lid → inner corner → lower lid. */
export const LEFT_EYE_UPPER = [263, 466, 388, 387, 386, 385, 384, 398, 362] as const;
export const LEFT_EYE_LOWER = [263, 249, 390, 373, 374, 380, 381, 382, 362] as const;
export const RIGHT_EYE_UPPER = [33, 246, 161, 160, 159, 158, 157, 173, 133] as const;
export const RIGHT_EYE_LOWER = [33, 7, 163, 144, 145, 153, 154, 155, 133] as const;

/** Second and third rings above each eye (they follow the upper lid partly when it closes). */
export const LEFT_EYE_UPPER1 = [467, 260, 259, 257, 258, 286, 414] as const;
export const RIGHT_EYE_UPPER1 = [247, 30, 29, 27, 28, 56, 190] as const;

/** Closed polygon of each eye opening: upper lid corner to corner, then lower lid back. */
export const LEFT_EYE_RING: readonly number[] = [...LEFT_EYE_UPPER, ...[...LEFT_EYE_LOWER].reverse().slice(1, -1)];
export const RIGHT_EYE_RING: readonly number[] = [...RIGHT_EYE_UPPER, ...[...RIGHT_EYE_LOWER].reverse().slice(1, -1)];

/** Inner lip margin (mouth opening), right corner → upper lip → left corner → lower lip. */
export const LIPS_UPPER_INNER = [78, 191, 80, 81, 82, 13, 312, 311, 310, 415, 308] as const;
export const LIPS_LOWER_INNER = [78, 95, 88, 178, 87, 14, 317, 402, 318, 324, 308] as const;
export const MOUTH_RING: readonly number[] = [...LIPS_UPPER_INNER, ...[...LIPS_LOWER_INNER].reverse().slice(1, -1)];

export const LIPS_UPPER_OUTER = [61, 185, 40, 39, 37, 0, 267, 269, 270, 409, 291] as const;
export const LIPS_LOWER_OUTER = [61, 146, 91, 181, 84, 17, 314, 405, 321, 375, 291] as const;

export const LEFT_BROW = [276, 283, 282, 295, 285, 300, 293, 334, 296, 336] as const;
export const RIGHT_BROW = [46, 53, 52, 65, 55, 70, 63, 105, 66, 107] as const;

/** Single landmarks used by the controls and the fitting. */
export const LANDMARK = {
  noseTip: 1,
  noseBridge: 168,
  foreheadTop: 10,
  chin: 152,
  upperLipInner: 13,
  lowerLipInner: 14,
  upperLipOuter: 0,
  lowerLipOuter: 17,
  mouthCornerLeft: 291,
  mouthCornerRight: 61,
  leftEyeOuter: 263,
  leftEyeInner: 362,
  rightEyeOuter: 33,
  rightEyeInner: 133,
  leftUpperLid: 386,
  leftLowerLid: 374,
  rightUpperLid: 159,
  rightLowerLid: 145,
  leftBrowInner: 336,
  rightBrowInner: 107,
  leftBrowMid: 334,
  rightBrowMid: 105,
  leftCheek: 425,
  rightCheek: 205,
} as const;

/** Iris points the detector appends after the 468 mesh vertices: centre, then 4 on the rim. */
export const LEFT_IRIS_POINTS = [468, 469, 470, 471, 472] as const;
export const RIGHT_IRIS_POINTS = [473, 474, 475, 476, 477] as const;

function fan(ring: readonly number[]): Uint16Array {
  const out: number[] = [];
  for (let i = 1; i + 1 < ring.length; i++) out.push(ring[0]!, ring[i]!, ring[i + 1]!);
  return Uint16Array.from(out);
}

/** Triangles filling the mouth opening (the mouth interior), fan over the inner lip margin. */
export const MOUTH_TRIANGLES: Uint16Array = fan(MOUTH_RING);

/** What each mesh triangle covers. The mesh closes the eye openings with skin triangles. */
export const TriangleKind = { Skin: 0, LeftEye: 1, RightEye: 2 } as const;

function classifyTriangles(): Uint8Array {
  const left = new Set(LEFT_EYE_RING);
  const right = new Set(RIGHT_EYE_RING);
  const kinds = new Uint8Array(TRIANGLE_COUNT);
  for (let t = 0; t < TRIANGLE_COUNT; t++) {
    const a = MESH_TRIANGLES[3 * t]!;
    const b = MESH_TRIANGLES[3 * t + 1]!;
    const c = MESH_TRIANGLES[3 * t + 2]!;
    if (left.has(a) && left.has(b) && left.has(c)) kinds[t] = TriangleKind.LeftEye;
    else if (right.has(a) && right.has(b) && right.has(c)) kinds[t] = TriangleKind.RightEye;
  }
  return kinds;
}

/** Per mesh triangle: a TriangleKind. */
export const TRIANGLE_KINDS: Uint8Array = classifyTriangles();

/** Skin triangles only (eye openings removed): what the diffuse and correspondence images draw. */
export const SKIN_TRIANGLES: Uint16Array = (() => {
  const out: number[] = [];
  for (let t = 0; t < TRIANGLE_COUNT; t++) {
    if (TRIANGLE_KINDS[t] !== TriangleKind.Skin) continue;
    out.push(MESH_TRIANGLES[3 * t]!, MESH_TRIANGLES[3 * t + 1]!, MESH_TRIANGLES[3 * t + 2]!);
  }
  return Uint16Array.from(out);
})();
