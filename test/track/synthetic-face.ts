/** A synthetic face model on the MediaPipe topology, for tests that need exact ground truth. */
import { EXPRESSION_DIM, emptyParams, type FaceModel, type FrameParams } from '../../src-main/engine/face/model.js';
import { poseMesh } from '../../src-main/engine/face/pose-mesh.js';
import { MESH_UV, VERTEX_COUNT } from '../../src-main/engine/face/topology.js';
import { DETECTED_POINTS } from '../../src-main/engine/track/detector.js';

export function syntheticModel(activeCount = 10): FaceModel {
  const n = VERTEX_COUNT * 3;
  const neutralShape = new Float32Array(n);
  for (let i = 0; i < VERTEX_COUNT; i++) {
    const u = MESH_UV[2 * i]! - 0.5, v = MESH_UV[2 * i + 1]! - 0.45;
    neutralShape[3 * i] = 140 * u;
    neutralShape[3 * i + 1] = 170 * v;
    neutralShape[3 * i + 2] = 160 * u * u + 90 * v * v - 30;
  }
  const components = new Float32Array(EXPRESSION_DIM * n);
  for (let k = 0; k < activeCount; k++) {
    let norm = 0;
    for (let i = 0; i < VERTEX_COUNT; i++) {
      const u = MESH_UV[2 * i]!, v = MESH_UV[2 * i + 1]!;
      const a = Math.sin((k + 1) * 2.1 * u + k) * Math.cos((k % 3 + 1) * 1.7 * v);
      components[k * n + 3 * i] = k % 3 === 0 ? a : 0.2 * a;
      components[k * n + 3 * i + 1] = k % 3 === 1 ? a : 0.3 * a;
      components[k * n + 3 * i + 2] = k % 3 === 2 ? a : 0.1 * a;
    }
    for (let c = 0; c < n; c++) norm += components[k * n + c]! ** 2;
    for (let c = 0; c < n; c++) components[k * n + c] = components[k * n + c]! / Math.sqrt(norm);
  }
  const stddev = new Float32Array(EXPRESSION_DIM);
  for (let k = 0; k < activeCount; k++) stddev[k] = 20 / (k + 1);
  return {
    identity: {
      clipId: 1,
      basisVersion: 1,
      neutralShape,
      albedo: new Float32Array(n).fill(0.6),
      eyeballCentres: Float32Array.from([32, -2, 8, -32, -2, 8]),
      eyeballRadius: 12,
      irisRadius: 5.8,
      intrinsics: { fx: 900, fy: 900, cx: 160, cy: 150, width: 320, height: 300 },
      neutralFrame: 0,
      neutralFrameAuto: true,
    },
    basis: { version: 1, activeCount, components, stddev },
  };
}

export function someParams(model: FaceModel): FrameParams {
  const p = emptyParams();
  p.rotation.set([0.2, -0.1, 0.05]);
  p.translation.set([12, -6, 700]);
  for (let k = 0; k < model.basis.activeCount; k++) p.expression[k] = 0.6 * model.basis.stddev[k]! * Math.sin(3 * k + 1);
  p.eyelids.set([0.3, 0.6]);
  p.gaze.set([0.1, -0.05, 0.12, -0.04]);
  return p;
}

/** What the detector would report for a face posed exactly by `params`: 478 points, iris centres at 468 and 473. */
export function syntheticDetection(model: FaceModel, params: FrameParams): Float32Array {
  const mesh = poseMesh(model, params);
  const points = new Float32Array(DETECTED_POINTS * 3);
  points.set(mesh.vertices.subarray(0, VERTEX_COUNT * 3));
  for (const [index, eye] of [[468, mesh.eyes.left], [473, mesh.eyes.right]] as const) {
    for (let k = 0; k < 5; k++) {
      const angle = (k * Math.PI) / 2;
      const r = k === 0 ? 0 : eye.irisRadiusPx;
      points[3 * (index + k)] = eye.irisCentre[0] + r * Math.cos(angle);
      points[3 * (index + k) + 1] = eye.irisCentre[1] + r * Math.sin(angle);
      points[3 * (index + k) + 2] = eye.irisDepth;
    }
  }
  return points;
}
