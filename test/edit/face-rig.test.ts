import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildControls } from '../../src-main/engine/face/controls.js';
import { EXPRESSION_DIM, emptyParams, type FrameParams } from '../../src-main/engine/face/model.js';
import { LANDMARK, VERTEX_COUNT } from '../../src-main/engine/face/topology.js';
import { faceModelRig } from '../../src-main/engine/edit/face-rig.js';
import { mouthProjection } from '../../src-main/engine/edit/mouth-subspace.js';
import { emptyFrame } from '../../src-main/engine/edit/parameters.js';
import { ACTIVE, random, syntheticFaceModel as model } from './synthetic-face-model.js';

const N = VERTEX_COUNT * 3;

function unit(k: number): Float64Array {
  const v = new Float64Array(EXPRESSION_DIM);
  v[k] = 1;
  return v;
}

function apply(p: Float64Array, delta: Float64Array): Float64Array {
  const out = new Float64Array(EXPRESSION_DIM);
  for (let r = 0; r < EXPRESSION_DIM; r++) for (let c = 0; c < EXPRESSION_DIM; c++) out[r] = (out[r] as number) + (p[r * EXPRESSION_DIM + c] as number) * (delta[c] as number);
  return out;
}

describe('mouth subspace', () => {
  const face = model();
  const p = mouthProjection(face.basis, face.identity.neutralShape);

  it('keeps a lower-face-only motion, drops an upper-face-only motion, and never uses unused components', () => {
    const lower = apply(p, unit(0));
    assert.ok(Math.abs((lower[0] as number) - 1) < 1e-6 && lower.every((x, k) => k === 0 || Math.abs(x) < 1e-6), `lower → ${lower.slice(0, ACTIVE)}`);
    const upper = apply(p, unit(1));
    assert.ok(upper.every((x) => Math.abs(x) < 1e-6), `upper → ${upper.slice(0, ACTIVE)}`);
    const unused = apply(p, unit(40));
    assert.ok(unused.every((x) => x === 0));
  });

  it('solves the least-squares problem: lower face reproduced, upper face kept still', () => {
    // For a mixed motion the result must satisfy the normal equations (BᵀB)·δ = B_mᵀB_m·Δ.
    const delta = new Float64Array(EXPRESSION_DIM);
    for (let k = 0; k < ACTIVE; k++) delta[k] = Math.sin(k + 1);
    const result = apply(p, delta);
    const { components } = face.basis;
    const noseY = face.identity.neutralShape[3 * LANDMARK.noseTip + 1] as number;
    const cost = (d: Float64Array): number => {
      let total = 0;
      for (let i = 0; i < N; i++) {
        const lower = (face.identity.neutralShape[i - (i % 3) + 1] as number) > noseY;
        let moved = 0;
        let wanted = 0;
        for (let k = 0; k < ACTIVE; k++) {
          moved += (components[k * N + i] as number) * (d[k] as number);
          wanted += (components[k * N + i] as number) * (delta[k] as number);
        }
        total += lower ? (moved - wanted) ** 2 : moved ** 2;
      }
      return total;
    };
    const best = cost(result);
    assert.ok(best < cost(delta) && best < cost(new Float64Array(EXPRESSION_DIM)));
    // Any small step away from the optimum costs more.
    for (let k = 0; k < ACTIVE; k++) {
      const nudged = Float64Array.from(result);
      nudged[k] = (nudged[k] as number) + 1e-3;
      assert.ok(cost(nudged) > best - 1e-9, `component ${k}`);
    }
  });
});

describe('rig from the face model', () => {
  const face = model();
  const frames: FrameParams[] = [];
  const next = random(7);
  for (let f = 0; f < 20; f++) {
    const params = emptyParams();
    for (let k = 0; k < ACTIVE; k++) params.expression[k] = next() * 2;
    params.eyelids[0] = next();
    frames.push(params);
  }
  const controls = buildControls(face, frames, emptyParams());
  const rig = faceModelRig(face, controls);

  it('reads the face model\'s own measurements and raises a control by exactly the keyed amount', () => {
    for (const name of ['jawOpen', 'smileLeft', 'browRaise', 'pucker']) {
      const frame = emptyFrame();
      for (let k = 0; k < ACTIVE; k++) frame.expression[k] = Math.cos(k * 3);
      frame.eyelids[0] = 0.3;
      const before = rig.read(name, frame);
      rig.add(name, frame, 2.5);
      const after = rig.read(name, frame);
      assert.ok(Math.abs(after - before - 2.5) < 1e-3, `${name}: ${before} → ${after}`);
      assert.equal(frame.eyelids[0], 0.3, 'expression controls leave the eyelids alone');
    }
    assert.throws(() => rig.read('noseLength', emptyFrame()), /no expression control named 'noseLength'/);
  });
});
