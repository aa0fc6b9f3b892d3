/**
 * The pure measures of bench/benchmarks/temporal-stability.ts on synthetic frames and parameter
 * sequences whose answers are known: masked flicker (static clip, alternating noise, outside the
 * mask, soft weights, the union of a pair's masks), the difference of frame-to-frame changes,
 * the RMS of second differences (ramps, alternation, gaps) and the mask placement into the plate.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { emptyParams, type FrameParams } from '../../src-main/engine/face/model.js';
import { cropMaskToPlate, maskedFlicker, parameterJitter, secondDifferenceRms, temporalDifferenceError } from '../../bench/temporal-metrics.js';

const W = 8;
const H = 6;
const PIXELS = W * H;

function frame(fill: (p: number, c: number) => number): Uint8Array {
  const out = new Uint8Array(PIXELS * 3);
  for (let p = 0; p < PIXELS; p++) for (let c = 0; c < 3; c++) out[3 * p + c] = fill(p, c);
  return out;
}

function mask(fill: (p: number) => number): Float32Array {
  return Float32Array.from({ length: PIXELS }, (_, p) => fill(p));
}

/** Left half of the picture inside the mask, right half outside. */
const leftHalf = mask((p) => (p % W < W / 2 ? 1 : 0));
const inside = (p: number): boolean => p % W < W / 2;

/** A deterministic pseudo-random byte per (seed, pixel, channel). */
function noise(seed: number, p: number, c: number): number {
  let x = (seed * 7919 + p * 131 + c * 17 + 1) >>> 0;
  x ^= x << 13;
  x ^= x >>> 17;
  x ^= x << 5;
  return (x >>> 0) % 256;
}

describe('maskedFlicker', () => {
  it('is 0 for a static clip, whatever is outside the mask', () => {
    const still = frame((p, c) => noise(1, p, c));
    assert.deepEqual(maskedFlicker([still, still, still], [leftHalf, leftHalf, leftHalf]), [0, 0]);
    // Noise that changes every frame outside the mask only.
    const frames = [0, 1, 2, 3].map((seed) => frame((p, c) => (inside(p) ? 100 : noise(seed, p, c))));
    assert.deepEqual(maskedFlicker(frames, frames.map(() => leftHalf)), [0, 0, 0]);
  });

  it('measures alternating noise of known amplitude inside the mask', () => {
    // Inside the mask each channel alternates by ±d (d = 10, 20, 30 for R, G, B): mean |Δ| = 20.
    const base = frame((p, c) => 100 + (noise(5, p, c) % 50));
    const up = frame((p, c) => base[3 * p + c]! + (inside(p) ? 10 * (c + 1) : 0));
    const frames = [base, up, base, up, base];
    const values = maskedFlicker(frames, frames.map(() => leftHalf));
    assert.equal(values.length, 4);
    for (const v of values) assert.ok(Math.abs(v - 20) < 1e-9, `${v}`);
  });

  it('weights pixels by the mask and takes the union of a pair\'s masks', () => {
    // Pixel 0 changes by 30, pixel 1 by 90 (every channel); weights 1 and 0.5: (30 + 45) / 1.5 = 50.
    const a = frame(() => 0);
    const b = frame((p) => (p === 0 ? 30 : p === 1 ? 90 : 0));
    const soft = mask((p) => (p === 0 ? 1 : p === 1 ? 0.5 : 0));
    assert.ok(Math.abs(maskedFlicker([a, b], [soft, soft])[0]! - 50) < 1e-6);
    // Frame 0 masks only pixel 0, frame 1 only pixel 1: the pair counts both → (30 + 90) / 2.
    const first = mask((p) => (p === 0 ? 1 : 0));
    const second = mask((p) => (p === 1 ? 1 : 0));
    assert.equal(maskedFlicker([a, b], [first, second])[0], 60);
    // An empty mask has no value.
    assert.ok(Number.isNaN(maskedFlicker([a, b], [mask(() => 0), mask(() => 0)])[0]!));
  });

  it('refuses frames and masks that do not match', () => {
    assert.throws(() => maskedFlicker([frame(() => 0)], []), RangeError);
    assert.throws(() => maskedFlicker([new Uint8Array(5)], [leftHalf]), RangeError);
  });
});

describe('temporalDifferenceError', () => {
  it('is 0 when the output changes as the real clip does, and the real flicker when the output is frozen', () => {
    const real = [0, 1, 2, 3].map((seed) => frame((p, c) => noise(seed, p, c) % 200));
    // Brighter by 40 everywhere but changing the same way.
    const shifted = real.map((f) => f.map((v) => v + 40));
    const masks = real.map(() => leftHalf);
    assert.deepEqual(temporalDifferenceError(shifted, real, masks), [0, 0, 0]);
    const frozen = real.map(() => real[0]!);
    assert.deepEqual(temporalDifferenceError(frozen, real, masks), maskedFlicker(real, masks));
    // Output flickering by ±d on a static real clip: error d.
    const still = frame(() => 120);
    const flicker = [still, still.map((v) => v + 7), still, still.map((v) => v + 7)];
    for (const v of temporalDifferenceError(flicker, [still, still, still, still], masks)) assert.equal(v, 7);
  });
});

describe('secondDifferenceRms', () => {
  it('is 0 on constant and linear motion, 2a on a parabola a·t², 4a on alternation ±a', () => {
    assert.equal(secondDifferenceRms([[1, 2], [1, 2], [1, 2], [1, 2]]).rms, 0);
    assert.equal(secondDifferenceRms(Array.from({ length: 10 }, (_, t) => [3 * t, -t + 5])).rms, 0);
    assert.ok(Math.abs(secondDifferenceRms(Array.from({ length: 10 }, (_, t) => [0.5 * t * t])).rms - 1) < 1e-12);
    const alternating = secondDifferenceRms(Array.from({ length: 9 }, (_, t) => [t % 2 === 0 ? 0.25 : -0.25, 0]));
    // Component 0: |Δ²| = 4·0.25 = 1 at every triple; component 1: 0 → RMS over both = √(1/2).
    assert.ok(Math.abs(alternating.rms - Math.SQRT1_2) < 1e-12);
    assert.equal(alternating.samples, 2 * 7);
  });

  it('skips triples that touch a missing frame; NaN without one complete triple', () => {
    const series = [[0], [0], [10], null, [0], [0], [0]];
    const result = secondDifferenceRms(series);
    // Triples (0,1,2): Δ² = 10; (4,5,6): 0 → RMS √(100/2).
    assert.equal(result.samples, 2);
    assert.ok(Math.abs(result.rms - Math.sqrt(50)) < 1e-12);
    assert.ok(Number.isNaN(secondDifferenceRms([[1], null, [1]]).rms));
  });
});

describe('parameterJitter', () => {
  it('reports rotation in degrees, translation and expression in their own units', () => {
    const frames: (FrameParams | null)[] = Array.from({ length: 6 }, (_, t) => {
      const p = emptyParams();
      const sign = t % 2 === 0 ? 1 : -1;
      p.rotation.set([sign * (Math.PI / 180), 0, 0]); // yaw alternating ±1°: |Δ²| = 4° on one axis of three
      p.translation.set([0, 0, 500 + 2 * t]); // linear: 0
      p.expression[0] = sign * 0.5; // ±0.5 on one coefficient of 64: |Δ²| = 2
      return p;
    });
    const j = parameterJitter(frames);
    assert.equal(j.triples, 4);
    assert.ok(Math.abs(j.rotationDeg - 4 / Math.sqrt(3)) < 1e-5, `${j.rotationDeg}`);
    assert.ok(Math.abs(j.translationMm) < 1e-3);
    assert.ok(Math.abs(j.expression - 2 / Math.sqrt(64)) < 1e-6, `${j.expression}`);
    assert.ok(Number.isNaN(parameterJitter([]).rotationDeg));
  });
});

describe('cropMaskToPlate', () => {
  it('places the crop\'s weights at its offset and clips what falls outside the plate', () => {
    const weights = Float32Array.from({ length: 9 }, (_, i) => (i + 1) / 10);
    const plate = cropMaskToPlate(weights, { x: 6, y: 4, size: 3 }, W, H);
    assert.equal(plate.length, PIXELS);
    assert.ok(Math.abs(plate[4 * W + 6]! - 0.1) < 1e-7);
    assert.ok(Math.abs(plate[5 * W + 7]! - 0.5) < 1e-7);
    // Weights landing outside the 8×6 plate are dropped; nothing else is set.
    const set = Array.from(plate).filter((w) => w > 0).length;
    assert.equal(set, 4);
  });
});
