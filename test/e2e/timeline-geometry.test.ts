import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Keyframe } from '../../src-main/api/edit-schemas.js';
import { clampShift, movedKeys } from '../../src-renderer/src/lib/timeline/keys.js';
import { curvePath, frameToX, laneRange, rulerTicks, spanRects, valueToY, xToFrame } from '../../src-renderer/src/lib/timeline/scale.js';

/** The timeline's pure geometry (src-renderer/src/lib/timeline), run in Node without a browser. */

function key(id: string, position: number, value: number): Keyframe {
  return { id, position, value, type: 'linear', handles: [0.5, 1, 0.5, 0], connectedRight: true };
}

function points(path: string): [number, number][] {
  return [...path.matchAll(/[ML](-?[\d.]+) (-?[\d.]+)/g)].map((m) => [Number(m[1]), Number(m[2])]);
}

describe('timeline geometry', () => {
  it('maps frames to pixels and back', () => {
    const view = { start: 100, pxPerFrame: 4 };
    assert.equal(frameToX(view, 110), 40);
    assert.equal(xToFrame(view, 40), 110);
  });

  it('draws one point per frame zoomed in, and one min–max stroke per pixel column zoomed out', () => {
    const values = Array.from({ length: 150_000 }, (_, f) => Math.sin(f / 7) * 10);
    const range = laneRange('deg', [values]);
    const zoomedIn = points(curvePath(values, { start: 1000, pxPerFrame: 10 }, 500, range, 40));
    assert.equal(zoomedIn.length, 51, 'frames 1000..1050 inclusive');
    assert.ok(Math.abs((zoomedIn[0]?.[1] ?? NaN) - valueToY(range, 40, values[1000] as number)) < 0.06);

    const fitted = points(curvePath(values, { start: 0, pxPerFrame: 1000 / 150_000 }, 1000, range, 40));
    assert.ok(fitted.length <= 2 * 1001, `at most two points per pixel column (got ${fitted.length})`);
    // Every column spans the whole swing of a fast sine: the extremes are not decimated away.
    const top = Math.min(...fitted.map((p) => p[1]));
    const bottom = Math.max(...fitted.map((p) => p[1]));
    assert.ok(Math.abs(top - valueToY(range, 40, 10)) < 0.2 && Math.abs(bottom - valueToY(range, 40, -10)) < 0.2);
  });

  it('pads a lane range and never makes it thinner than its unit allows', () => {
    const still = laneRange('deg', [[1, 1.01, 1.02]]);
    assert.ok(still.max - still.min >= 4, 'a nearly still curve is not blown up into noise');
    assert.ok(still.min < 1 && still.max > 1.02);
    const wide = laneRange('mm', [[-50, 50]], [80]);
    assert.ok(wide.min < -50 && wide.max > 80);
  });

  it('puts ruler labels at timecode-friendly steps with room between them', () => {
    const fit = rulerTicks({ start: 0, pxPerFrame: 1200 / 1499 }, 1200, 25, 1498);
    assert.ok(fit.step % 25 === 0, `whole seconds when the whole minute is shown (step ${fit.step})`);
    assert.ok(fit.step * (1200 / 1499) >= 90);
    const close = rulerTicks({ start: 0, pxPerFrame: 30 }, 1200, 25, 1498);
    assert.equal(close.step, 5);
    assert.ok(close.ticks.every((t) => t.frame >= 0 && t.frame <= 1498));
    assert.ok(close.ticks.filter((t) => t.major).every((t) => t.frame % 5 === 0));
  });

  it('turns inclusive frame spans into the visible pixel rectangles', () => {
    const rects = spanRects([{ first: 0, last: 9 }, { first: 50, last: 60 }, { first: 500, last: 600 }], { start: 5, pxPerFrame: 2 }, 200);
    assert.deepEqual(rects, [
      { x: 0, width: 10 },
      { x: 90, width: 22 },
    ]);
  });

  it('moves selected keys together, keeps them inside the shot, and lets a moved key replace the one it lands on', () => {
    assert.equal(clampShift([10, 20], -15, 99), -10);
    assert.equal(clampShift([10, 20], 100, 99), 79);
    const keys = [key('a', 10, 0), key('b', 20, 5), key('c', 23, 1)];
    const { keys: after, moved } = movedKeys(keys, new Set(['b']), 3, 2);
    assert.deepEqual(moved.map((k) => [k.id, k.position, k.value]), [['b', 23, 7]]);
    assert.deepEqual(after.map((k) => k.id), ['a', 'b'], 'c was replaced by b landing on its frame');
  });
});
