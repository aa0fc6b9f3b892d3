/**
 * A synthetic face model on the MediaPipe topology, for tests and benchmarks that must run
 * without tracking: the neutral shape lays the UV map out as a frontal face (UV is close to
 * a frontal projection of the canonical mesh) on an ellipsoidal bump, so the mesh has the
 * real topology, triangle count and screen coverage of a face.
 */
import { EXPRESSION_DIM, emptyParams, type FaceModel, type FrameParams } from '../../src-main/engine/face/model.js';
import { LEFT_EYE_RING, MESH_UV, RIGHT_EYE_RING, VERTEX_COUNT } from '../../src-main/engine/face/topology.js';

const FACE_WIDTH_MM = 150;
const FACE_HEIGHT_MM = 190;
const FACE_DEPTH_MM = 70;

function ringCentre(shape: Float32Array, ring: readonly number[]): [number, number, number] {
  const c: [number, number, number] = [0, 0, 0];
  for (const v of ring) for (let a = 0; a < 3; a++) c[a]! += shape[3 * v + a]! / ring.length;
  return c;
}

export function syntheticFaceModel(plate: { width: number; height: number }, seed = 1): FaceModel {
  const neutralShape = new Float32Array(3 * VERTEX_COUNT);
  const albedo = new Float32Array(3 * VERTEX_COUNT);
  for (let v = 0; v < VERTEX_COUNT; v++) {
    const u = MESH_UV[2 * v]! - 0.5;
    const w = MESH_UV[2 * v + 1]! - 0.45;
    const bump = Math.sqrt(Math.max(0, 1 - (u / 0.55) ** 2 - (w / 0.6) ** 2));
    neutralShape[3 * v] = u * FACE_WIDTH_MM;
    neutralShape[3 * v + 1] = w * FACE_HEIGHT_MM;
    neutralShape[3 * v + 2] = -FACE_DEPTH_MM * bump;
    albedo[3 * v] = 0.75 + 0.1 * Math.sin(13 * u);
    albedo[3 * v + 1] = 0.55 + 0.05 * Math.cos(11 * w);
    albedo[3 * v + 2] = 0.45;
  }
  const left = ringCentre(neutralShape, LEFT_EYE_RING);
  const right = ringCentre(neutralShape, RIGHT_EYE_RING);
  const eyeballRadius = 12;
  const components = new Float32Array(EXPRESSION_DIM * 3 * VERTEX_COUNT);
  let state = seed >>> 0;
  for (let i = 0; i < components.length; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    components[i] = (state / 2 ** 32 - 0.5) * 0.5;
  }
  const focal = 1.2 * Math.max(plate.width, plate.height);
  return {
    identity: {
      clipId: 1,
      basisVersion: 1,
      neutralShape,
      albedo,
      eyeballCentres: Float32Array.from([left[0], left[1], left[2] + eyeballRadius, right[0], right[1], right[2] + eyeballRadius]),
      eyeballRadius,
      irisRadius: 5.5,
      intrinsics: { fx: focal, fy: focal, cx: plate.width / 2, cy: plate.height / 2, width: plate.width, height: plate.height },
      neutralFrame: 0,
      neutralFrameAuto: true,
    },
    basis: { version: 1, activeCount: EXPRESSION_DIM, components, stddev: new Float32Array(EXPRESSION_DIM).fill(1) },
  };
}

/**
 * Parameters of frame `f` of a synthetic performance: the head sways and nods at a distance
 * where the face fills about half the plate, the expression and gaze drift, lit from the upper left.
 */
export function syntheticParams(model: FaceModel, f: number): FrameParams {
  const params = emptyParams();
  params.rotation.set([0.25 * Math.sin(f / 17), 0.12 * Math.sin(f / 23), 0.06 * Math.sin(f / 29)]);
  const distance = (model.identity.intrinsics.fy * FACE_HEIGHT_MM) / (0.5 * model.identity.intrinsics.height);
  params.translation.set([8 * Math.sin(f / 31), 12, distance]);
  for (let k = 0; k < EXPRESSION_DIM; k++) params.expression[k] = 0.8 * Math.sin(f / (7 + k) + k);
  params.gaze.set([0.2 * Math.sin(f / 11), 0.1 * Math.cos(f / 13), 0.2 * Math.sin(f / 11), 0.1 * Math.cos(f / 13)]);
  params.sh.set([2.4, 2.2, 2.0, -0.4, -0.4, -0.4, -0.8, -0.8, -0.8, -0.5, -0.5, -0.5], 0);
  return params;
}
