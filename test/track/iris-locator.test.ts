import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LEFT_EYE_LOWER, LEFT_EYE_UPPER } from '../../src-main/engine/face/topology.js';
import { DETECTED_POINTS } from '../../src-main/engine/track/detector.js';
import { IRIS_EYES, locateIris, refineIrises } from '../../src-main/engine/track/iris-locator.js';

const W = 160, H = 100;

interface SyntheticEye {
  rgb: Uint8Array;
  points: Float32Array;
}

/**
 * A frame with one eye (the subject's left, iris point 468): skin, an almond-shaped opening
 * between two parabolic lids, white sclera, and a dark anti-aliased iris disc at (irisX, irisY)
 * that the lids cut. The detector's points lie on the lids; its iris points sit `detectorOffset`
 * to the side of the real iris.
 */
function syntheticEye(irisX: number, irisY: number, options: { radius?: number; opening?: number; detectorOffset?: number } = {}): SyntheticEye {
  const radius = options.radius ?? 7;
  const opening = options.opening ?? 9;
  const cx = 80, cy = 50, half = 22;
  const upper = (x: number): number => cy - opening * (1 - ((x - cx) / half) ** 2);
  const lower = (x: number): number => cy + 0.6 * opening * (1 - ((x - cx) / half) ** 2);
  const rgb = new Uint8Array(W * H * 3);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const px = x + 0.5, py = y + 0.5;
      let colour = [205, 160, 135];
      if (Math.abs(px - cx) < half && py > upper(px) && py < lower(px)) {
        const cover = Math.min(1, Math.max(0, radius + 0.5 - Math.hypot(px - irisX, py - irisY)));
        colour = [235 - 185 * cover, 232 - 192 * cover, 228 - 198 * cover];
      }
      rgb.set(colour.map(Math.round), (y * W + x) * 3);
    }
  }
  const points = new Float32Array(DETECTED_POINTS * 3);
  // Lid points evenly from the outer corner (image right for the left eye) to the inner one.
  const along = (i: number, count: number): number => cx + half - (2 * half * i) / (count - 1);
  LEFT_EYE_UPPER.forEach((p, i) => points.set([along(i, LEFT_EYE_UPPER.length), upper(along(i, LEFT_EYE_UPPER.length)), 0], 3 * p));
  LEFT_EYE_LOWER.forEach((p, i) => points.set([along(i, LEFT_EYE_LOWER.length), lower(along(i, LEFT_EYE_LOWER.length)), 0], 3 * p));
  const dx = irisX + (options.detectorOffset ?? 0);
  points.set([dx, irisY, 0, dx + radius, irisY, 0, dx, irisY - radius, 0, dx - radius, irisY, 0, dx, irisY + radius, 0], 3 * 468);
  return { rgb, points };
}

const LEFT = IRIS_EYES.find((e) => e.iris === 468)!;

describe('iris locator', () => {
  it('finds the dark disc between the lids to a tenth of a pixel, wherever the detector put it', () => {
    for (const [x, y] of [[80, 48], [73.3, 47.6], [88.7, 49.2], [77.45, 46.8]] as const) {
      const eye = syntheticEye(x, y, { detectorOffset: 3 });
      const fix = locateIris(eye.rgb, W, H, eye.points, LEFT);
      assert.ok(Math.abs(fix.foundX - x) < 0.1, `x ${fix.foundX} for ${x}`);
      assert.ok(Math.abs(fix.foundY - y) < 0.3, `y ${fix.foundY} for ${y}`);
      assert.ok(fix.confidence > 0.9, `confidence ${fix.confidence}`);
      assert.ok(Math.abs(fix.x - x) < 0.1, 'a confident fix replaces the detector point');
    }
  });

  it('follows a sub-pixel move of the iris', () => {
    const a = locateIris(...fixArgs(syntheticEye(80, 48)));
    const b = locateIris(...fixArgs(syntheticEye(80.4, 48)));
    assert.ok(Math.abs(b.foundX - a.foundX - 0.4) < 0.06, `moved ${b.foundX - a.foundX}`);
  });

  it('keeps the detector point when the eye is closed', () => {
    const eye = syntheticEye(80, 50, { opening: 1, detectorOffset: 2 });
    const fix = locateIris(eye.rgb, W, H, eye.points, LEFT);
    assert.equal(fix.confidence, 0);
    assert.equal(fix.x, 82);
    assert.equal(fix.y, 50);
  });

  it('keeps the detector point when the opening shows no dark disc', () => {
    const eye = syntheticEye(80, 48, { radius: 0, detectorOffset: 2 });
    const fix = locateIris(eye.rgb, W, H, eye.points, LEFT);
    assert.equal(fix.confidence, 0);
    assert.equal(fix.x, 82);
  });

  it('moves the rim points with the centre', () => {
    const eye = syntheticEye(75.5, 48, { detectorOffset: 3 });
    const rimBefore = eye.points.slice(3 * 469, 3 * 473);
    const [left] = refineIrises(eye.rgb, W, H, eye.points);
    const shift = eye.points[3 * 468]! - 78.5;
    assert.ok(Math.abs(eye.points[3 * 468]! - 75.5) < 0.1 && left!.confidence > 0.9);
    for (let k = 0; k < 4; k++) assert.ok(Math.abs(eye.points[3 * (469 + k)]! - rimBefore[3 * k]! - shift) < 1e-4);
  });
});

function fixArgs(eye: SyntheticEye): Parameters<typeof locateIris> {
  return [eye.rgb, W, H, eye.points, LEFT];
}
