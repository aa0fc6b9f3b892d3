/**
 * The head beyond the face mesh for the head region (`region-mask.ts`): the model has no hair, ears
 * or neck, so they are approximated by points grown out of the face oval in model space.
 */
import { LANDMARK } from '../face/topology.js';

/** The face's silhouette on the MediaPipe mesh (MediaPipe's FACEMESH_FACE_OVAL), clockwise on screen from the forehead top. */
export const FACE_OVAL: readonly number[] = [
  10, 338, 297, 332, 284, 251, 389, 356, 454, 323, 361, 288, 397, 365, 379, 378, 400, 377,
  152, 148, 176, 149, 150, 136, 172, 58, 132, 93, 234, 127, 162, 21, 54, 103, 67, 109,
];

/** Model-space points (mm) of the approximate head outline, each an offset from a mesh vertex so it follows the jaw. */
export interface HeadPoint {
  vertex: number;
  dx: number;
  dy: number;
  dz: number;
}

export function headOutline(neutral: Float32Array, iod: number): HeadPoint[] {
  const y = (v: number): number => neutral[3 * v + 1]!;
  let cx = 0;
  let cy = 0;
  for (const v of FACE_OVAL) {
    cx += neutral[3 * v]!;
    cy += y(v);
  }
  cx /= FACE_OVAL.length;
  cy /= FACE_OVAL.length;
  const eyeY = (y(LANDMARK.leftEyeOuter) + y(LANDMARK.leftEyeInner) + y(LANDMARK.rightEyeOuter) + y(LANDMARK.rightEyeInner)) / 4;
  const topY = Math.min(...FACE_OVAL.map(y));
  const mouthY = (y(LANDMARK.mouthCornerLeft) + y(LANDMARK.mouthCornerRight)) / 2;
  const points: HeadPoint[] = [];
  for (const v of FACE_OVAL) {
    const px = neutral[3 * v]! - cx;
    const py = y(v) - cy;
    const length = Math.hypot(px, py) || 1;
    // Hair: growing towards the top of the head; ears and side hair: a band all round.
    const up = Math.min(1, Math.max(0, (eyeY - y(v)) / Math.max(1e-6, eyeY - topY)));
    const grow = (0.3 + 0.55 * up) * iod;
    points.push({ vertex: v, dx: (px / length) * grow, dy: (py / length) * grow, dz: 0 });
    // Neck: below the jaw, a little narrower than it and set back behind the chin.
    if (y(v) > mouthY) points.push({ vertex: v, dx: -0.15 * px, dy: 1.0 * iod, dz: 0.3 * iod });
  }
  return points;
}
