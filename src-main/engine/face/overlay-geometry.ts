import type { FrameParams } from './model.js';
import { poseMesh, type EyeGeometry } from './pose-mesh.js';
import type { StoredFaceModel } from './store.js';
import { LEFT_BROW, LEFT_EYE_RING, LIPS_LOWER_OUTER, LIPS_UPPER_OUTER, MOUTH_RING, RIGHT_BROW, RIGHT_EYE_RING, SKIN_TRIANGLES, VERTEX_COUNT } from './topology.js';

/**
 * The tracking overlay's geometry, the same for the viewer (`tracking.overlay`) and
 * `dvp overlay`: the mesh's wireframe, the landmarks drawn as dots, and each eye's opening,
 * iris and gaze ray projected into plate pixels.
 */

/** Gaze rays end this far (mm) from the eyeball centre. */
export const GAZE_RAY_MM = 45;

/** Landmarks drawn as dots: contours a viewer can judge (lids, lips, brows, iris centres). */
export const LANDMARK_DOTS: readonly number[] = [...LEFT_EYE_RING, ...RIGHT_EYE_RING, ...MOUTH_RING, ...LIPS_UPPER_OUTER, ...LIPS_LOWER_OUTER, ...LEFT_BROW, ...RIGHT_BROW, 1, 152, 468, 473];

/** The skin triangles' edges, each once, as vertex pairs a, b, a, b, … */
export const MESH_EDGES: readonly number[] = (() => {
  const seen = new Set<number>();
  const edges: number[] = [];
  for (let t = 0; t < SKIN_TRIANGLES.length; t += 3) {
    for (let e = 0; e < 3; e++) {
      const a = SKIN_TRIANGLES[t + e]!;
      const b = SKIN_TRIANGLES[t + ((e + 1) % 3)]!;
      const key = Math.min(a, b) * VERTEX_COUNT + Math.max(a, b);
      if (seen.has(key)) continue;
      seen.add(key);
      edges.push(a, b);
    }
  }
  return edges;
})();

interface Intrinsics {
  fx: number;
  fy: number;
  cx: number;
  cy: number;
}

/** Where the eye's gaze ray ends in plate pixels, or null when it points behind the camera. */
export function gazeRayEnd(eye: EyeGeometry, { fx, fy, cx, cy }: Intrinsics): [number, number] | null {
  const [ex, ey, ez] = eye.eyeballCentre;
  const [dx, dy, dz] = eye.gazeDirection;
  const tz = ez + GAZE_RAY_MM * dz;
  return tz > 1 ? [(fx * (ex + GAZE_RAY_MM * dx)) / tz + cx, (fy * (ey + GAZE_RAY_MM * dy)) / tz + cy] : null;
}

export interface OverlayEyeGeometry {
  ring: number[];
  iris: [number, number];
  irisRadius: number;
  gazeEnd: [number, number] | null;
}

export interface OverlayMesh {
  /** VERTEX_COUNT × 2 plate pixels. */
  vertices: number[];
  /** Per vertex: 1 where it faces the camera. */
  facing: number[];
  eyes: [OverlayEyeGeometry, OverlayEyeGeometry];
}

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}

function overlayEye(eye: EyeGeometry, intrinsics: Intrinsics): OverlayEyeGeometry {
  const end = gazeRayEnd(eye, intrinsics);
  return {
    ring: Array.from(eye.ring, round2),
    iris: [round2(eye.irisCentre[0]), round2(eye.irisCentre[1])],
    irisRadius: round2(eye.irisRadiusPx),
    gazeEnd: end ? [round2(end[0]), round2(end[1])] : null,
  };
}

/** The posed mesh of one frame in plate pixels (to 0.01 px), with per-vertex facing and the eyes. */
export function overlayMesh(model: StoredFaceModel, params: FrameParams): OverlayMesh {
  const mesh = poseMesh(model, params);
  const vertices = new Array<number>(VERTEX_COUNT * 2);
  const facing = new Array<number>(VERTEX_COUNT);
  for (let v = 0; v < VERTEX_COUNT; v++) {
    vertices[2 * v] = round2(mesh.vertices[3 * v]!);
    vertices[2 * v + 1] = round2(mesh.vertices[3 * v + 1]!);
    // Camera z points into the scene: a normal with z > 0.1 faces away (as `dvp overlay` culls).
    facing[v] = mesh.normals[3 * v + 2]! > 0.1 ? 0 : 1;
  }
  const intrinsics = model.identity.intrinsics;
  return { vertices, facing, eyes: [overlayEye(mesh.eyes.left, intrinsics), overlayEye(mesh.eyes.right, intrinsics)] };
}

/** Landmarks to 0.01 px, as the overlay sends them. */
export function roundedLandmarks(landmarks: Float32Array): number[] {
  return Array.from(landmarks, round2);
}
