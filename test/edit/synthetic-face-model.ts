import type { FaceModel } from '../../src-main/engine/face/model.js';
import { EXPRESSION_DIM } from '../../src-main/engine/face/model.js';
import { LANDMARK, MESH_UV, VERTEX_COUNT } from '../../src-main/engine/face/topology.js';

/** A synthetic face model on the MediaPipe topology, for tests that need one without tracking. */
const N = VERTEX_COUNT * 3;
export const ACTIVE = 10;

/** A face laid out like the MediaPipe UV map (y down, millimetres), with a gentle bulge. */
function neutralShape(): Float32Array {
  const shape = new Float32Array(N);
  for (let v = 0; v < VERTEX_COUNT; v++) {
    const u = (MESH_UV[2 * v] as number) - 0.5;
    const w = (MESH_UV[2 * v + 1] as number) - 0.5;
    shape[3 * v] = u * 140;
    shape[3 * v + 1] = w * 140;
    shape[3 * v + 2] = -40 * (1 - 2 * (u * u + w * w));
  }
  return shape;
}

export function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32 - 0.5;
  };
}

/** Component 0 moves only the lower face, 1 only the upper face, 2 everything, 3.. random. */
export function syntheticFaceModel(clipId = 1): FaceModel {
  const neutral = neutralShape();
  const noseY = neutral[3 * LANDMARK.noseTip + 1] as number;
  const components = new Float32Array(EXPRESSION_DIM * N);
  const next = random(42);
  for (let v = 0; v < VERTEX_COUNT; v++) {
    const lower = (neutral[3 * v + 1] as number) > noseY;
    if (lower) components[0 * N + 3 * v + 1] = 1;
    else components[1 * N + 3 * v] = 1;
    components[2 * N + 3 * v + 2] = 1;
    for (let k = 3; k < ACTIVE; k++) for (let a = 0; a < 3; a++) components[k * N + 3 * v + a] = next();
  }
  const stddev = new Float32Array(EXPRESSION_DIM);
  for (let k = 0; k < ACTIVE; k++) stddev[k] = 1 + k * 0.1;
  return {
    basis: { version: 1, activeCount: ACTIVE, components, stddev },
    identity: {
      clipId,
      basisVersion: 1,
      neutralShape: neutral,
      albedo: new Float32Array(N).fill(0.5),
      eyeballCentres: new Float32Array(6),
      eyeballRadius: 12,
      irisRadius: 6,
      intrinsics: { fx: 500, fy: 500, cx: 128, cy: 128, width: 256, height: 256 },
      neutralFrame: 0,
      neutralFrameAuto: true,
    },
  };
}

