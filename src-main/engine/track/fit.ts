/**
 * Per-frame model fit (paper §4, landmark term + statistical regulariser): Gauss-Newton with
 * Huber-weighted 2D landmark residuals over head rotation, translation, eyelid closure and the
 * expression coefficients, solved by Cholesky each step (the paper's 97×97 system, smaller here:
 * 8 + active expression components). Gaze follows from the iris centres by intersecting the
 * camera ray with the posed eyeball.
 */
import { blinkBasisFor } from '../face/blink.js';
import { cloneParams, type FaceModel, type FrameParams } from '../face/model.js';
import { deformedShape } from '../face/pose-mesh.js';
import { axisAngleMatrix, eulerFromMatrix, multiply, rotationMatrix } from '../face/rotation.js';
import { LANDMARK, LEFT_BROW, LEFT_EYE_RING, LEFT_EYE_UPPER1, LIPS_LOWER_OUTER, LIPS_UPPER_OUTER, MOUTH_RING, RIGHT_BROW, RIGHT_EYE_RING, RIGHT_EYE_UPPER1, VERTEX_COUNT } from '../face/topology.js';
import { alignSimilarity } from './align.js';
import { RIGID_POINTS } from './identity.js';
import { choleskySolve } from './linalg.js';

/** Silhouette points slide along the face outline; they count less. */
const SILHOUETTE = new Set([
  10, 338, 297, 332, 284, 251, 389, 356, 454, 323, 361, 288, 397, 365, 379, 378, 400, 377, 152, 148, 176, 149, 150, 136,
  172, 58, 132, 93, 234, 127, 162, 21, 54, 103, 67, 109,
]);

export interface FitOptions {
  iterations?: number;
  /** Weight of the Gaussian prior on the expression coefficients (1 = unit-variance pixel noise). */
  regularisation?: number;
}

export interface FitResult {
  params: FrameParams;
  /** Per-landmark reprojection error (pixels) of the 468 mesh points. */
  errors: Float32Array;
  /** Inter-ocular distance in the detection (pixels), for relative errors. */
  interOcularPx: number;
}

/** Prior spread of eyelid closure: loose, so that the lid landmarks decide. */
const EYELID_PRIOR_SD = 0.8;

/**
 * Landmarks the fit uses: every contour a viewer judges (lids, lips, brows, nose, outline) and a
 * thinned-out rest of the mesh. The cost of a Gauss-Newton step grows with points × parameters², so
 * this keeps the fit cheap; the error is still measured on all 468.
 */
export const FIT_POINTS: Int32Array = (() => {
  const keep = new Set<number>([
    ...LEFT_EYE_RING, ...RIGHT_EYE_RING, ...MOUTH_RING, ...LIPS_UPPER_OUTER, ...LIPS_LOWER_OUTER, ...LEFT_BROW, ...RIGHT_BROW,
    ...LEFT_EYE_UPPER1, ...RIGHT_EYE_UPPER1, ...SILHOUETTE, 1, 2, 4, 5, 6, 168, 197, 195, 98, 327,
  ]);
  for (let i = 0; i < VERTEX_COUNT; i += 3) keep.add(i);
  return Int32Array.from([...keep].sort((a, b) => a - b));
})();

const POINT_WEIGHTS = (() => {
  const w = new Float64Array(VERTEX_COUNT).fill(1);
  for (const i of SILHOUETTE) w[i] = 0.4;
  return w;
})();

/** Inter-ocular distance of 2D detections (eye-corner midpoints), in pixels. */
export function interOcularPx(points: ArrayLike<number>, stride = 3): number {
  const mid = (a: number, b: number, k: number): number => (points[stride * a + k]! + points[stride * b + k]!) / 2;
  return Math.hypot(
    mid(LANDMARK.leftEyeOuter, LANDMARK.leftEyeInner, 0) - mid(LANDMARK.rightEyeOuter, LANDMARK.rightEyeInner, 0),
    mid(LANDMARK.leftEyeOuter, LANDMARK.leftEyeInner, 1) - mid(LANDMARK.rightEyeOuter, LANDMARK.rightEyeInner, 1),
  );
}

/** Pose from a similarity between the neutral shape and the detection (a start for the first frame). */
export function initialParams(model: FaceModel, points: Float32Array, base: FrameParams): FrameParams {
  const { fx, fy, cx, cy } = model.identity.intrinsics;
  const T = alignSimilarity(model.identity.neutralShape, points, RIGID_POINTS);
  const params = cloneParams(base);
  const [yaw, pitch, roll] = eulerFromMatrix(T.rotation);
  params.rotation.set([yaw, pitch, roll]);
  // Weak perspective: pixels per mm at the face = f / Z.
  const z = fx / T.scale;
  params.translation.set([((T.translation[0] - cx) * z) / fx, ((T.translation[1] - cy) * z) / fy, z]);
  params.expression.fill(0);
  params.eyelids.fill(0);
  return params;
}

export function fitFrame(model: FaceModel, points: Float32Array, start: FrameParams, options: FitOptions = {}): FitResult {
  const { identity, basis } = model;
  const { fx, fy, cx, cy } = identity.intrinsics;
  const K = basis.activeCount;
  const P = 8 + K;
  const n3 = VERTEX_COUNT * 3;
  const [blinkLeft, blinkRight] = blinkBasisFor(identity.neutralShape);
  const params = cloneParams(start);
  const iod = interOcularPx(points);
  const huber = Math.max(1.5, 0.03 * iod);
  const lambda = options.regularisation ?? 1;
  const H = new Float64Array(P * P);
  const g = new Float64Array(P);
  const J = new Float64Array(2 * P);
  const shape = new Float32Array(n3);
  const comps = basis.components;
  const iterations = options.iterations ?? 4;
  for (let iter = 0; iter < iterations; iter++) {
    deformedShape(model, params, shape);
    const R = rotationMatrix(params.rotation[0]!, params.rotation[1]!, params.rotation[2]!);
    const t = params.translation;
    H.fill(0);
    g.fill(0);
    for (const i of FIT_POINTS) {
      const sx = shape[3 * i]!, sy = shape[3 * i + 1]!, sz = shape[3 * i + 2]!;
      const vx = R[0]! * sx + R[1]! * sy + R[2]! * sz;
      const vy = R[3]! * sx + R[4]! * sy + R[5]! * sz;
      const vz = R[6]! * sx + R[7]! * sy + R[8]! * sz;
      const X = vx + t[0]!, Y = vy + t[1]!, Z = vz + t[2]!;
      const iz = 1 / Z;
      const ru = points[3 * i]! - (fx * X * iz + cx);
      const rv = points[3 * i + 1]! - (fy * Y * iz + cy);
      const norm = Math.hypot(ru, rv);
      const w = POINT_WEIGHTS[i]! * (norm > huber ? huber / norm : 1);
      // dΠ/dX rows
      const a0 = fx * iz, a2 = -fx * X * iz * iz;
      const b1 = fy * iz, b2 = -fy * Y * iz * iz;
      // d(camera point)/dθ columns: ω (3), t (3), eyelids (2), expression (K); row u at J[j], row v at J[P + j].
      J[0] = a2 * vy; J[P] = -b1 * vz + b2 * vy;
      J[1] = a0 * vz - a2 * vx; J[P + 1] = -b2 * vx;
      J[2] = -a0 * vy; J[P + 2] = b1 * vx;
      J[3] = a0; J[P + 3] = 0;
      J[4] = 0; J[P + 4] = b1;
      J[5] = a2; J[P + 5] = b2;
      const o = 3 * i;
      for (let e = 0; e < 2; e++) {
        const B = e === 0 ? blinkLeft : blinkRight;
        const bx = B[o]!, by = B[o + 1]!, bz = B[o + 2]!;
        const dx = R[0]! * bx + R[1]! * by + R[2]! * bz, dy = R[3]! * bx + R[4]! * by + R[5]! * bz, dz = R[6]! * bx + R[7]! * by + R[8]! * bz;
        J[6 + e] = a0 * dx + a2 * dz;
        J[P + 6 + e] = b1 * dy + b2 * dz;
      }
      for (let k = 0; k < K; k++) {
        const base = k * n3 + o;
        const bx = comps[base]!, by = comps[base + 1]!, bz = comps[base + 2]!;
        const dx = R[0]! * bx + R[1]! * by + R[2]! * bz, dy = R[3]! * bx + R[4]! * by + R[5]! * bz, dz = R[6]! * bx + R[7]! * by + R[8]! * bz;
        J[8 + k] = a0 * dx + a2 * dz;
        J[P + 8 + k] = b1 * dy + b2 * dz;
      }
      for (let p = 0; p < P; p++) {
        const jp = w * J[p]!, jq = w * J[P + p]!;
        if (jp === 0 && jq === 0) continue;
        g[p] = g[p]! + jp * ru + jq * rv;
        const row = p * P;
        for (let q = p; q < P; q++) H[row + q] = H[row + q]! + jp * J[q]! + jq * J[P + q]!;
      }
    }
    for (let p = 0; p < P; p++) for (let q = 0; q < p; q++) H[p * P + q] = H[q * P + p]!;
    // Priors: eyelids loosely around 0, expression by the basis' own variances; a little damping.
    for (let e = 0; e < 2; e++) {
      const prior = lambda / EYELID_PRIOR_SD ** 2;
      H[(6 + e) * P + 6 + e] = H[(6 + e) * P + 6 + e]! + prior;
      g[6 + e] = g[6 + e]! - prior * params.eyelids[e]!;
    }
    for (let k = 0; k < K; k++) {
      const sd = Math.max(1e-3, basis.stddev[k]!);
      const prior = lambda / (sd * sd);
      H[(8 + k) * P + 8 + k] = H[(8 + k) * P + 8 + k]! + prior;
      g[8 + k] = g[8 + k]! - prior * params.expression[k]!;
    }
    for (let p = 0; p < P; p++) H[p * P + p] = H[p * P + p]! * 1.0001 + 1e-6;
    if (!choleskySolve(H, g, P)) break;
    const dR = axisAngleMatrix(g[0]!, g[1]!, g[2]!);
    const [yaw, pitch, roll] = eulerFromMatrix(multiply(dR, R));
    params.rotation.set([yaw, pitch, roll]);
    params.translation[0] = t[0]! + g[3]!;
    params.translation[1] = t[1]! + g[4]!;
    params.translation[2] = Math.max(1, t[2]! + g[5]!);
    params.eyelids[0] = params.eyelids[0]! + g[6]!;
    params.eyelids[1] = params.eyelids[1]! + g[7]!;
    for (let k = 0; k < K; k++) params.expression[k] = params.expression[k]! + g[8 + k]!;
    // Converged: rotation below 0.01°, translation below 0.01 mm, coefficients below 0.01.
    let step = Math.max(Math.abs(g[0]!), Math.abs(g[1]!), Math.abs(g[2]!)) * 5000;
    for (let p = 3; p < P; p++) step = Math.max(step, Math.abs(g[p]!) * 100);
    if (step < 1) break;
  }
  fitGaze(model, points, params);
  return { params, errors: reprojectionErrors(model, params, points), interOcularPx: iod };
}

/** Distance (pixels) between each of the 468 detected points and the fitted model's projection. */
export function reprojectionErrors(model: FaceModel, params: FrameParams, points: ArrayLike<number>, stride = 3): Float32Array {
  const { fx, fy, cx, cy } = model.identity.intrinsics;
  const shape = deformedShape(model, params);
  const R = rotationMatrix(params.rotation[0]!, params.rotation[1]!, params.rotation[2]!);
  const t = params.translation;
  const errors = new Float32Array(VERTEX_COUNT);
  for (let i = 0; i < VERTEX_COUNT; i++) {
    const sx = shape[3 * i]!, sy = shape[3 * i + 1]!, sz = shape[3 * i + 2]!;
    const X = R[0]! * sx + R[1]! * sy + R[2]! * sz + t[0]!;
    const Y = R[3]! * sx + R[4]! * sy + R[5]! * sz + t[1]!;
    const Z = R[6]! * sx + R[7]! * sy + R[8]! * sz + t[2]!;
    errors[i] = Math.hypot(points[stride * i]! - (fx * X) / Z - cx, points[stride * i + 1]! - (fy * Y) / Z - cy);
  }
  return errors;
}

/** Gaze angles per eye from the detected iris centres (points 468 and 473), written into params.gaze. */
export function fitGaze(model: FaceModel, points: ArrayLike<number>, params: FrameParams): void {
  const { identity } = model;
  const { fx, fy, cx, cy } = identity.intrinsics;
  const R = rotationMatrix(params.rotation[0]!, params.rotation[1]!, params.rotation[2]!);
  const t = params.translation;
  const r = identity.eyeballRadius;
  for (let e = 0; e < 2; e++) {
    const iris = e === 0 ? 468 : 473;
    const c = identity.eyeballCentres.subarray(3 * e, 3 * e + 3);
    const C = [0, 1, 2].map((row) => R[3 * row]! * c[0]! + R[3 * row + 1]! * c[1]! + R[3 * row + 2]! * c[2]! + t[row]!);
    let ux = (points[3 * iris]! - cx) / fx, uy = (points[3 * iris + 1]! - cy) / fy, uz = 1;
    const len = Math.hypot(ux, uy, uz);
    ux /= len; uy /= len; uz /= len;
    const uc = ux * C[0]! + uy * C[1]! + uz * C[2]!;
    const disc = uc * uc - (C[0]! ** 2 + C[1]! ** 2 + C[2]! ** 2) + r * r;
    // Nearest intersection with the eyeball; a ray that misses it takes the closest point on the sphere.
    const s = disc >= 0 ? uc - Math.sqrt(disc) : uc;
    let dx = s * ux - C[0]!, dy = s * uy - C[1]!, dz = s * uz - C[2]!;
    const dl = Math.hypot(dx, dy, dz) || 1;
    dx /= dl; dy /= dl; dz /= dl;
    // Into model space (Rᵀ·d).
    const mx = R[0]! * dx + R[3]! * dy + R[6]! * dz;
    const my = R[1]! * dx + R[4]! * dy + R[7]! * dz;
    const mz = R[2]! * dx + R[5]! * dy + R[8]! * dz;
    params.gaze[2 * e] = Math.atan2(-mx, -mz);
    params.gaze[2 * e + 1] = Math.asin(Math.max(-1, Math.min(1, -my)));
  }
}
