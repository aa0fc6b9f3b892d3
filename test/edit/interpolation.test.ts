import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bezierProgression, curveX, curveY, solveCurveX, type UnitBezier } from '../../src-main/engine/edit/bezier.js';
import { DEFAULT_HANDLES, validateKeyframe, type Keyframe } from '../../src-main/engine/edit/keyframes.js';
import { evaluateLane, sampleLane } from '../../src-main/engine/edit/lane-curve.js';

function key(position: number, value: number, extra: Partial<Keyframe> = {}): Keyframe {
  return { id: `k${position}`, position, value, type: 'linear', handles: [...DEFAULT_HANDLES], connectedRight: true, ...extra };
}

/** Reference: the curve sampled densely by its parameter t, then the y of the sample nearest in x. */
function referenceProgression(curve: UnitBezier, u: number): number {
  let best = 0;
  let bestError = Infinity;
  const steps = 200_000;
  for (let i = 0; i <= steps; i++) {
    const t = i / steps;
    const error = Math.abs(curveX(curve, t) - u);
    if (error < bestError) {
      bestError = error;
      best = curveY(curve, t);
    }
  }
  return best;
}

describe('cubic bezier solving', () => {
  it('inverts x(t) to 1e-9 for ordinary and degenerate handles (Newton and the bisection fallback)', () => {
    const curves: UnitBezier[] = [
      { x1: 0.5, y1: 0, x2: 0.5, y2: 1 },
      { x1: 0.25, y1: 0.1, x2: 0.25, y2: 1 },
      // Flat ends: dx/dt = 0 at t = 0 and t = 1, where Newton alone stalls.
      { x1: 0, y1: 0, x2: 1, y2: 1 },
      // The most extreme monotone case: dx/dt = 0 at t = 0.5.
      { x1: 1, y1: 0, x2: 0, y2: 1 },
    ];
    for (const curve of curves) {
      for (let i = 0; i <= 100; i++) {
        const u = i / 100;
        const t = solveCurveX(curve, u);
        assert.ok(t >= 0 && t <= 1, `t out of [0, 1] for ${JSON.stringify(curve)} at u=${u}`);
        assert.ok(Math.abs(curveX(curve, t) - u) < 1e-9, `x(t) = ${curveX(curve, t)} for u = ${u} on ${JSON.stringify(curve)}`);
      }
    }
  });

  it('matches a dense parametric sampling of the curve', () => {
    const curve = { x1: 0.42, y1: 0, x2: 0.58, y2: 1 };
    for (const u of [0.05, 0.2, 0.37, 0.5, 0.81, 0.99]) {
      assert.ok(Math.abs(bezierProgression(curve, u) - referenceProgression(curve, u)) < 1e-4, `u = ${u}`);
    }
  });

  it('handles on the diagonal give a straight line, x(t) stays monotone for every handle in [0, 1]', () => {
    const straight = { x1: 1 / 3, y1: 1 / 3, x2: 2 / 3, y2: 2 / 3 };
    for (let i = 0; i <= 20; i++) assert.ok(Math.abs(bezierProgression(straight, i / 20) - i / 20) < 1e-12);
    for (const x1 of [0, 0.3, 1]) {
      for (const x2 of [0, 0.6, 1]) {
        let previous = -1;
        for (let i = 0; i <= 200; i++) {
          const x = curveX({ x1, y1: 0, x2, y2: 1 }, i / 200);
          assert.ok(x >= previous - 1e-15, `x(t) decreases for x1=${x1}, x2=${x2}`);
          previous = x;
        }
      }
    }
  });
});

describe('lane evaluation', () => {
  const keys = [
    key(10, 2, { type: 'hold' }),
    key(20, 6, { type: 'linear' }),
    key(30, -4, { type: 'bezier', handles: [0.5, 1, 0.5, 0] }),
    key(40, 8, { type: 'bezier', handles: [0.5, 1, 0.5, 0] }),
  ];

  it('is exact on every key and holds before the first and after the last', () => {
    for (const k of keys) assert.equal(evaluateLane(keys, k.position), k.value);
    assert.equal(evaluateLane(keys, 0), 2);
    assert.equal(evaluateLane(keys, -5), 2);
    assert.equal(evaluateLane(keys, 41), 8);
    assert.equal(evaluateLane(keys, 1e6), 8);
    assert.equal(evaluateLane([], 3), undefined);
  });

  it('holds a hold key until the next key', () => {
    for (const f of [10, 11, 15.5, 19, 19.999]) assert.equal(evaluateLane(keys, f), 2);
  });

  it('interpolates linearly after a linear key', () => {
    assert.equal(evaluateLane(keys, 25), 1); // 6 + 0.5 · (−4 − 6)
    assert.ok(Math.abs((evaluateLane(keys, 22) as number) - (6 - 0.2 * 10)) < 1e-12);
  });

  it("eases a bezier segment with the left key's out handle and the right key's in handle", () => {
    // Out handle (0.5, 0) of key 30 and in handle (0.5, 1) of key 40: symmetric ease-in-out.
    const middle = evaluateLane(keys, 35) as number;
    assert.ok(Math.abs(middle - 2) < 1e-9, `midpoint ${middle}`); // −4 + 0.5 · 12
    const early = evaluateLane(keys, 31) as number;
    assert.ok(early > -4 && early < -4 + 0.1 * 12, `an ease-out starts slower than linear (${early})`);
    // Symmetry of the ease: value(30 + d) − (−4) = 8 − value(40 − d).
    for (const d of [1, 2.5, 4]) {
      assert.ok(Math.abs((evaluateLane(keys, 30 + d) as number) + 4 - (8 - (evaluateLane(keys, 40 - d) as number))) < 1e-9);
    }
    const expected = -4 + 12 * referenceProgression({ x1: 0.5, y1: 0, x2: 0.5, y2: 1 }, 0.3);
    assert.ok(Math.abs((evaluateLane(keys, 33) as number) - expected) < 1e-4);
  });

  it('changing a handle changes the curve, and a break (connectedRight false) holds', () => {
    const fast = [key(0, 0, { type: 'bezier', handles: [0, 0, 0, 1] }), key(10, 1, { handles: [1, 1, 0, 0] })];
    const slow = [key(0, 0, { type: 'bezier', handles: [0, 0, 0.9, 0] }), key(10, 1, { handles: [1, 1, 0, 0] })];
    const atThree = [evaluateLane(fast, 3) as number, evaluateLane(slow, 3) as number];
    const [fastValue, slowValue] = atThree as [number, number];
    assert.ok(fastValue > 0.5 && slowValue < 0.1, `fast ${fastValue}, slow ${slowValue}`);
    const broken = [key(0, 1, { connectedRight: false }), key(10, 5)];
    assert.equal(evaluateLane(broken, 9), 1);
    assert.equal(evaluateLane(broken, 10), 5);
  });

  it('sampleLane agrees with evaluateLane on every frame', () => {
    const sampled = sampleLane(keys, -3, 50) as Float64Array;
    for (let i = 0; i < 50; i++) assert.equal(sampled[i], evaluateLane(keys, i - 3), `frame ${i - 3}`);
    assert.equal(sampleLane([], 0, 5), undefined);
  });

  it('rejects handles that would run the curve backwards in time, and bad positions', () => {
    assert.throws(() => validateKeyframe(key(3, 1, { handles: [1.2, 0, 0.5, 0] }), 'headYaw'), /\[0, 1\]/);
    assert.throws(() => validateKeyframe(key(3, 1, { handles: [0.5, 0, -0.1, 0] }), 'headYaw'), /\[0, 1\]/);
    assert.throws(() => validateKeyframe(key(-1, 1), 'headYaw'), /non-negative frame/);
    assert.throws(() => validateKeyframe(key(2.5, 1), 'headYaw'), /whole/);
    assert.throws(() => validateKeyframe(key(2, Number.NaN), 'headYaw'), /finite value/);
    validateKeyframe(key(2, 1, { handles: [0, 5, 1, -3] }), 'headYaw'); // y may overshoot
  });
});
