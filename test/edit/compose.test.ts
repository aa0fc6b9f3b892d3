import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { SourceBinding } from '../../src-main/engine/edit/bindings.js';
import { composeFrame, composeShot, type ClipParams, type Lane, type ShotInputs } from '../../src-main/engine/edit/compose.js';
import { linearRig } from '../../src-main/engine/edit/expression-rig.js';
import { DEFAULT_HANDLES, type Keyframe } from '../../src-main/engine/edit/keyframes.js';
import { EXPRESSION_DIMS, allocateSequence, type ParamSequence } from '../../src-main/engine/edit/parameters.js';

const DEG = Math.PI / 180;
const TOLERANCE = 1e-5; // parameters are stored as float32

/** A clip whose every value is a distinct, easily computed function of (frame, index, seed). */
function clip(frameCount: number, seed: number, fps = 25, neutralFrame = 0): ClipParams {
  const params = allocateSequence(frameCount);
  const fill = (array: Float32Array, dims: number, scale: number): void => {
    for (let f = 0; f < frameCount; f++) for (let i = 0; i < dims; i++) array[f * dims + i] = value(seed, f, i) * scale;
  };
  fill(params.pose, 6, 0.01);
  fill(params.expression, EXPRESSION_DIMS, 0.1);
  fill(params.gaze, 4, 0.01);
  fill(params.eyelids, 2, 0.001);
  return { params, neutralFrame, fps };
}

function value(seed: number, frame: number, index: number): number {
  return seed + frame * 0.5 + index * 0.25;
}

function at(sequence: ParamSequence, group: 'pose' | 'expression' | 'gaze' | 'eyelids', frame: number, index: number): number {
  const dims = { pose: 6, expression: EXPRESSION_DIMS, gaze: 4, eyelids: 2 }[group];
  return sequence[group][frame * dims + index] as number;
}

function binding(extra: Partial<SourceBinding>): SourceBinding {
  return {
    id: 'b1',
    sourceClipId: 2,
    offset: 0,
    mode: 'full',
    strength: 1,
    sourceNeutralFrame: null,
    targetNeutralFrame: null,
    rangeStart: null,
    rangeEnd: null,
    ...extra,
  };
}

function key(position: number, value: number, type: Keyframe['type'] = 'linear'): Keyframe {
  return { id: `k${position}`, position, value, type, handles: [...DEFAULT_HANDLES], connectedRight: true };
}

function close(actual: number, expected: number, what: string): void {
  assert.ok(Math.abs(actual - expected) < TOLERANCE, `${what}: ${actual} ≠ ${expected}`);
}

describe('composition: tracked → source transfer → keyframe offsets', () => {
  const target = clip(20, 1, 25, 3);
  const source = clip(30, 7, 25, 5);
  const sources = new Map([[2, source]]);
  const base = { target, sources, bindings: [], lanes: [] } satisfies ShotInputs;

  it('returns the tracked parameters when nothing is edited', () => {
    const out = composeShot(base);
    assert.deepEqual(out.pose, target.params.pose);
    assert.deepEqual(out.expression, target.params.expression);
    assert.deepEqual(out.gaze, target.params.gaze);
    assert.deepEqual(out.eyelids, target.params.eyelids);
  });

  it('full-head transfer: target_neutral + strength · (source_t − source_neutral) for every group', () => {
    const out = composeShot({ ...base, bindings: [binding({ offset: 4, strength: 0.5 })] });
    // Target frame 10 ← source frame 6; neutrals: target 3, source 5. value() is linear in frame, so
    // source_6 − source_5 = 0.5 · scale and target_neutral = value(1, 3, i) · scale.
    for (let i = 0; i < 6; i++) close(at(out, 'pose', 10, i), (value(1, 3, i) + 0.5 * 0.5) * 0.01, `pose ${i}`);
    for (const i of [0, 17, 63]) close(at(out, 'expression', 10, i), (value(1, 3, i) + 0.5 * 0.5) * 0.1, `expression ${i}`);
    for (let i = 0; i < 4; i++) close(at(out, 'gaze', 10, i), (value(1, 3, i) + 0.25) * 0.01, `gaze ${i}`);
    for (let i = 0; i < 2; i++) close(at(out, 'eyelids', 10, i), (value(1, 3, i) + 0.25) * 0.001, `eyelid ${i}`);
    // Frames before the offset have no source frame: tracked values stay.
    for (let i = 0; i < 6; i++) close(at(out, 'pose', 2, i), value(1, 2, i) * 0.01, `untouched pose ${i}`);
  });

  it('expression-only writes expression and eyelids, gaze-only writes gaze; the rest stays tracked', () => {
    const expression = composeFrame({ ...base, bindings: [binding({ mode: 'expression' })] }, 8);
    close(expression.expression[5] as number, (value(1, 3, 5) + (8 - 5) * 0.5) * 0.1, 'expression');
    close(expression.eyelids[1] as number, (value(1, 3, 1) + (8 - 5) * 0.5) * 0.001, 'eyelid');
    close(expression.pose[0] as number, value(1, 8, 0) * 0.01, 'pose untouched');
    close(expression.gaze[2] as number, value(1, 8, 2) * 0.01, 'gaze untouched');

    const gaze = composeFrame({ ...base, bindings: [binding({ mode: 'gaze', strength: 0.25 })] }, 8);
    close(gaze.gaze[3] as number, (value(1, 3, 3) + 0.25 * 3 * 0.5) * 0.01, 'gaze');
    close(gaze.expression[5] as number, value(1, 8, 5) * 0.1, 'expression untouched');
    close(gaze.eyelids[0] as number, value(1, 8, 0) * 0.001, 'eyelids untouched');
  });

  it("mouth-only replaces the mouth part of the target motion with the source's", () => {
    // A rig whose mouth subspace is coefficients 0..9.
    const projection = new Float64Array(EXPRESSION_DIMS * EXPRESSION_DIMS);
    for (let k = 0; k < 10; k++) projection[k * EXPRESSION_DIMS + k] = 1;
    const rig = linearRig({}, projection);
    const out = composeFrame({ ...base, rig, bindings: [binding({ mode: 'mouth', strength: 0.5, offset: 2 })] }, 12);
    // Mouth coefficient: target_neutral + 0.5 · (source_10 − source_5); the others stay tracked.
    close(out.expression[4] as number, (value(1, 3, 4) + 0.5 * 5 * 0.5) * 0.1, 'mouth coefficient');
    close(out.expression[40] as number, value(1, 12, 40) * 0.1, 'upper-face coefficient');
    close(out.pose[1] as number, value(1, 12, 1) * 0.01, 'pose untouched');
    assert.throws(() => composeFrame({ ...base, bindings: [binding({ mode: 'mouth' })] }, 12), /mouth subspace/);
  });

  it('matches clips at different frame rates by time, and honours the neutral overrides and the trim', () => {
    const fast = clip(60, 7, 50, 5);
    const inputs: ShotInputs = {
      ...base,
      sources: new Map([[2, fast]]),
      bindings: [binding({ mode: 'gaze', offset: 2, sourceNeutralFrame: 0, targetNeutralFrame: 1, rangeStart: 5, rangeEnd: 9 })],
    };
    const out = composeShot(inputs);
    // Target frame 6 at 25 fps → 4 frames after the offset → source frame 8 at 50 fps.
    close(at(out, 'gaze', 6, 0), (value(1, 1, 0) + 8 * 0.5) * 0.01, 'rate-matched gaze');
    close(at(out, 'gaze', 4, 0), value(1, 4, 0) * 0.01, 'before the trim');
    close(at(out, 'gaze', 10, 0), value(1, 10, 0) * 0.01, 'after the trim');
  });

  it('a later binding overrides an earlier one on the groups both write', () => {
    const other = clip(30, 100, 25, 0);
    const out = composeFrame(
      { ...base, sources: new Map([[2, source], [3, other]]), bindings: [binding({}), binding({ id: 'b2', sourceClipId: 3, mode: 'gaze', strength: 0 })] },
      10,
    );
    close(out.gaze[0] as number, value(1, 3, 0) * 0.01, 'gaze from the second binding (strength 0 = target neutral)');
    close(out.pose[0] as number, (value(1, 3, 0) + 5 * 0.5) * 0.01, 'pose from the first binding');
  });

  it('adds keyframe offsets in editor units on top of the transfer', () => {
    const lanes: Lane[] = [
      { param: 'headYaw', mode: 'offset', keys: [key(0, 0), key(10, 10)] },
      { param: 'gazePitch', mode: 'offset', keys: [key(0, -4)] },
      { param: 'headZ', mode: 'offset', keys: [key(0, 0, 'hold'), key(6, 25)] },
    ];
    const out = composeShot({ ...base, bindings: [binding({ mode: 'gaze' })], lanes });
    close(at(out, 'pose', 5, 0), value(1, 5, 0) * 0.01 + 5 * DEG, 'yaw + 5°');
    close(at(out, 'pose', 5, 5), value(1, 5, 5) * 0.01, 'head z still held at 0');
    close(at(out, 'pose', 7, 5), value(1, 7, 5) * 0.01 + 25, 'head z + 25 mm');
    // Gaze pitch moves both eyes (indices 1 and 3), on top of the transferred gaze.
    const transferred = (i: number): number => (value(1, 3, i) + (5 - 5) * 0.5) * 0.01;
    close(at(out, 'gaze', 5, 1), transferred(1) - 4 * DEG, 'left pitch');
    close(at(out, 'gaze', 5, 3), transferred(3) - 4 * DEG, 'right pitch');
    close(at(out, 'gaze', 5, 0), transferred(0), 'yaw untouched');
  });

  it('absolute lanes replace the value; gaze keeps vergence, eyeWide opens both eyelids, closure stops at 1', () => {
    const lanes: Lane[] = [
      { param: 'headRoll', mode: 'absolute', keys: [key(0, 30)] },
      { param: 'gazeYaw', mode: 'absolute', keys: [key(0, 0)] },
      { param: 'eyeWide', mode: 'offset', keys: [key(0, 0.2)] },
      { param: 'blinkRight', mode: 'offset', keys: [key(0, 5)] },
    ];
    const out = composeFrame({ ...base, lanes }, 4);
    close(out.pose[2] as number, 30 * DEG, 'roll = 30°');
    const left = value(1, 4, 0) * 0.01;
    const right = value(1, 4, 2) * 0.01;
    close(out.gaze[0] as number, left - (left + right) / 2, 'left yaw centred');
    close(out.gaze[2] as number, right - (left + right) / 2, 'right yaw centred');
    close(out.eyelids[0] as number, value(1, 4, 0) * 0.001 - 0.2, 'eyeWide lowers closure');
    assert.equal(out.eyelids[1], 1, 'closure is clamped at fully closed');
  });

  it('moves named expression controls through the rig, offset and absolute', () => {
    const direction = new Float64Array(EXPRESSION_DIMS);
    direction[2] = 0.5;
    direction[7] = -0.25;
    const readout = new Float64Array(EXPRESSION_DIMS);
    readout[2] = 2; // readout · direction = 1
    const rig = linearRig({ jawOpen: { direction, readout } }, new Float64Array(EXPRESSION_DIMS * EXPRESSION_DIMS));
    const offset = composeFrame({ ...base, rig, lanes: [{ param: 'jawOpen', mode: 'offset', keys: [key(0, 4)] }] }, 6);
    close(offset.expression[2] as number, value(1, 6, 2) * 0.1 + 2, 'coefficient 2 moves 4 · 0.5');
    close(offset.expression[7] as number, value(1, 6, 7) * 0.1 - 1, 'coefficient 7 moves 4 · −0.25');
    const absolute = composeFrame({ ...base, rig, lanes: [{ param: 'jawOpen', mode: 'absolute', keys: [key(0, 3)] }] }, 6);
    close(rig.read('jawOpen', { ...absolute }), 3, 'jaw open reads exactly the keyed value');
    assert.throws(() => composeFrame({ ...base, lanes: [{ param: 'smileLeft', mode: 'offset', keys: [key(0, 1)] }] }, 0), /expression controls/);
  });

  it('rejects unknown sources, unknown lanes and frames outside the shot', () => {
    assert.throws(() => composeShot({ ...base, bindings: [binding({ sourceClipId: 9 })] }), /source clip 9 has no tracked parameters/);
    assert.throws(() => composeShot({ ...base, lanes: [{ param: 'noseLength', mode: 'offset', keys: [key(0, 1)] }] }), /noseLength/);
    assert.throws(() => composeShot(base, 15, 10), /outside the shot/);
    assert.throws(() => composeShot({ ...base, bindings: [binding({ sourceNeutralFrame: 99 })] }), /neutral frame/);
  });
});
