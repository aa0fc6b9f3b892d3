import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { applyControl, buildControls, readControl } from '../../src-main/engine/face/controls.js';
import { PARAM_COUNT, cloneParams, emptyParams, packParams, unpackParams } from '../../src-main/engine/face/model.js';
import { gazeDirectionModel, poseMesh } from '../../src-main/engine/face/pose-mesh.js';
import { eulerFromMatrix, rotationMatrix } from '../../src-main/engine/face/rotation.js';
import { LANDMARK, MOUTH_TRIANGLES, SKIN_TRIANGLES, TRIANGLE_COUNT, VERTEX_COUNT } from '../../src-main/engine/face/topology.js';
import { fitFrame, initialParams } from '../../src-main/engine/track/fit.js';
import { syntheticDetection, syntheticModel, someParams } from './synthetic-face.js';

describe('face model', () => {
  it('has the MediaPipe topology with eye openings separated from the skin', () => {
    assert.equal(VERTEX_COUNT, 468);
    assert.equal(TRIANGLE_COUNT, 880);
    // 14 fan triangles close each eye in the MediaPipe mesh; the skin list leaves them out.
    assert.equal(SKIN_TRIANGLES.length / 3, 880 - 28);
    assert.equal(MOUTH_TRIANGLES.length / 3, 18);
  });

  it('round-trips Euler angles through rotation matrices', () => {
    for (const [yaw, pitch, roll] of [[0.3, -0.2, 0.1], [-1.0, 0.5, -0.4], [0, 0, 0]] as const) {
      const [y, p, r] = eulerFromMatrix(rotationMatrix(yaw, pitch, roll));
      assert.ok(Math.abs(y - yaw) < 1e-9 && Math.abs(p - pitch) < 1e-9 && Math.abs(r - roll) < 1e-9, `${yaw},${pitch},${roll} → ${y},${p},${r}`);
    }
    // Convention: positive pitch lifts the face: its forward vector R·(0, 0, −1) gets a negative (upward) y.
    const R = rotationMatrix(0, 0.3, 0);
    assert.ok(-R[5]! < 0, 'pitch up moves the forward direction up');
    // Positive yaw turns the face to the subject's right, the image left (negative x).
    assert.ok(-rotationMatrix(0.3, 0, 0)[2]! < 0, 'yaw turns towards the image left');
    assert.ok(gazeDirectionModel(0, 0.3)[1] < 0, 'gaze pitch up looks up (y is down)');
  });

  it('packs and unpacks frame parameters losslessly', () => {
    const model = syntheticModel();
    const params = someParams(model);
    const packed = packParams(params);
    assert.equal(packed.length, PARAM_COUNT);
    const back = unpackParams(packed);
    assert.deepEqual(Array.from(back.expression), Array.from(params.expression));
    assert.deepEqual(Array.from(back.gaze), Array.from(params.gaze));
  });

  it('poses the mesh in image pixels with outward normals, shading and eye geometry', () => {
    const model = syntheticModel();
    const params = emptyParams();
    params.translation.set([0, 0, 600]);
    const mesh = poseMesh(model, params);
    const { fx, cx, cy } = model.identity.intrinsics;
    const nose = LANDMARK.noseTip;
    const X = mesh.cameraVertices[3 * nose]!, Z = mesh.cameraVertices[3 * nose + 2]!;
    assert.ok(Math.abs(mesh.vertices[3 * nose]! - (fx * X / Z + cx)) < 1e-3);
    assert.ok(Math.abs(mesh.vertices[3 * nose + 2]! - Z) < 1e-3, 'z is the camera depth');
    // A frontal face's normal at the nose points towards the camera (negative z).
    assert.ok(mesh.normals[3 * nose + 2]! < -0.5);
    // Unit ambient light: colour = albedo (0.6) × shading (1 at every normal).
    assert.ok(Math.abs(mesh.colour[3 * nose]! - 0.6) < 1e-3);
    // Looking straight: the iris projects near the eyeball centre's projection.
    const left = mesh.eyes.left;
    assert.ok(left.irisRadiusPx > 3 && left.irisRadiusPx < 12);
    assert.ok(Math.abs(left.irisCentre[1] - (cy + (fx * left.eyeballCentre[1]) / left.eyeballCentre[2])) < 1);
    // Closing the left eyelid brings the upper lid down to the lower lid.
    const closed = cloneParams(params);
    closed.eyelids[0] = 1;
    const shut = poseMesh(model, closed);
    const gap = (m: typeof mesh): number => m.vertices[3 * LANDMARK.leftLowerLid + 1]! - m.vertices[3 * LANDMARK.leftUpperLid + 1]!;
    assert.ok(Math.abs(gap(shut)) < 0.05 * Math.abs(gap(mesh)) + 0.05, `open gap ${gap(mesh)}, closed gap ${gap(shut)}`);
  });

  it('fits pose, expression, eyelids and gaze back from exact landmarks', () => {
    const model = syntheticModel();
    const truth = someParams(model);
    const detection = syntheticDetection(model, truth);
    const start = initialParams(model, detection, emptyParams());
    const result = fitFrame(model, detection, start, { iterations: 8, regularisation: 1e-4 });
    const p = result.params;
    for (let k = 0; k < 3; k++) assert.ok(Math.abs(p.rotation[k]! - truth.rotation[k]!) < 0.005, `rotation ${k}: ${p.rotation[k]} vs ${truth.rotation[k]}`);
    assert.ok(Math.abs(p.translation[2]! - truth.translation[2]!) < 5, `depth ${p.translation[2]}`);
    for (let e = 0; e < 2; e++) assert.ok(Math.abs(p.eyelids[e]! - truth.eyelids[e]!) < 0.03, `eyelid ${e}: ${p.eyelids[e]}`);
    for (let g = 0; g < 4; g++) assert.ok(Math.abs(p.gaze[g]! - truth.gaze[g]!) < 0.01, `gaze ${g}: ${p.gaze[g]} vs ${truth.gaze[g]}`);
    const sorted = Array.from(result.errors).sort((a, b) => a - b);
    assert.ok(sorted[Math.floor(0.95 * sorted.length)]! < 0.05, `95th percentile error ${sorted[Math.floor(0.95 * sorted.length)]} px`);
  });

  it('named controls read back the value they were set to, with ranges from the frames', () => {
    const model = syntheticModel();
    const frames = [0, 1, 2, 3, 4].map((i) => {
      const p = someParams(model);
      for (let k = 0; k < model.basis.activeCount; k++) p.expression[k] = p.expression[k]! * (i - 2) / 2;
      p.rotation[0] = 0.1 * i;
      return p;
    });
    const controls = buildControls(model, frames, frames[2]!);
    const names = controls.map((c) => c.name);
    for (const name of ['jawOpen', 'smileLeft', 'smileRight', 'pucker', 'mouthStretch', 'browRaise', 'browFurrow', 'blinkLeft', 'blinkRight', 'eyeWide', 'gazeYaw', 'gazePitch', 'headYaw', 'headPitch', 'headRoll', 'headX', 'headY', 'headZ']) {
      assert.ok(names.includes(name as never), `control ${name}`);
    }
    const headYaw = controls.find((c) => c.name === 'headYaw')!;
    assert.ok(Math.abs(headYaw.max - 0.4) < 1e-6 && Math.abs(headYaw.min) < 1e-6);
    for (const control of controls.filter((c) => c.kind === 'expression' || c.name === 'eyeWide')) {
      const set = applyControl(model, control, frames[2]!, 3.5);
      assert.ok(Math.abs(readControl(model, control, set) - 3.5) < 1e-3, `${control.name} reads ${readControl(model, control, set)}`);
    }
  });
});
