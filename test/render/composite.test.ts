import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compositeMasked, featherMask } from '../../src-main/engine/render/composite.js';

function randomPlate(width: number, height: number, seed: number): Uint8Array {
  const plate = new Uint8Array(width * height * 3);
  let s = seed;
  for (let i = 0; i < plate.length; i++) {
    s = (s * 1664525 + 1013904223) >>> 0;
    plate[i] = s >>> 24;
  }
  return plate;
}

describe('compositing into the plate', () => {
  it('leaves every pixel outside the crop byte-identical', () => {
    const width = 120;
    const height = 90;
    const plate = randomPlate(width, height, 7);
    const original = plate.slice();
    const crop = { x: 30, y: 10, size: 64 };
    const synth = { size: 32, data: new Float32Array(32 * 32 * 3).fill(1) };
    compositeMasked(plate, width, synth, crop, featherMask(crop.size));
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const inside = x >= crop.x && x < crop.x + crop.size && y >= crop.y && y < crop.y + crop.size;
        const i = (y * width + x) * 3;
        if (!inside) assert.deepEqual([...plate.subarray(i, i + 3)], [...original.subarray(i, i + 3)], `pixel ${x},${y}`);
      }
    }
  });

  it('replaces the crop centre with the synthesized image and feathers the border', () => {
    const width = 100;
    const plate = new Uint8Array(width * width * 3); // black
    const crop = { x: 10, y: 20, size: 60 };
    const synth = { size: 30, data: new Float32Array(30 * 30 * 3).fill(1) }; // white
    const alpha = new Uint8Array(width * width);
    const mask = featherMask(crop.size, 6);
    compositeMasked(plate, width, synth, crop, mask, { alpha });
    const at = (x: number, y: number): number => plate[(y * width + x) * 3]!;
    assert.equal(at(40, 50), 255, 'centre fully replaced');
    assert.ok(at(10, 50) < 40, 'outermost column mostly plate');
    assert.ok(at(10, 50) < at(12, 50) && at(12, 50) < at(14, 50) && at(14, 50) <= at(16, 50), 'monotone ramp across the feather');
    assert.equal(alpha[50 * width + 40], 255);
    assert.equal(alpha[5 * width + 5], 0);
  });

  it('resamples the network image: a left/right split lands on the crop halves', () => {
    const width = 64;
    const plate = new Uint8Array(width * width * 3);
    const crop = { x: 0, y: 0, size: 64 };
    const n = 16;
    const data = new Float32Array(n * n * 3);
    for (let y = 0; y < n; y++) for (let x = 0; x < n; x++) data.fill(x < n / 2 ? -1 : 1, (y * n + x) * 3, (y * n + x) * 3 + 3);
    compositeMasked(plate, width, { size: n, data }, crop, new Float32Array(64 * 64).fill(1));
    assert.equal(plate[(32 * width + 10) * 3], 0);
    assert.equal(plate[(32 * width + 54) * 3], 255);
  });

  it('never writes a pixel of weight 0, measures the seam on the feathered edge and matches colours on the ring', () => {
    const width = 40;
    const crop = { x: 0, y: 0, size: 40 };
    const plate = new Uint8Array(width * width * 3).fill(100);
    const original = plate.slice();
    const synth = { size: 40, data: new Float32Array(40 * 40 * 3).fill((200 / 255) * 2 - 1) }; // 200 everywhere
    // A disc: weight 1 within 8 px of the centre, a linear edge to 12 px, a ring of weight 0 from 12 to 16 px.
    const weights = new Float32Array(40 * 40);
    const ring = new Uint8Array(40 * 40);
    for (let y = 0; y < 40; y++) {
      for (let x = 0; x < 40; x++) {
        const d = Math.hypot(x + 0.5 - 20, y + 0.5 - 20);
        if (d <= 8) weights[y * 40 + x] = 1;
        else if (d < 12) weights[y * 40 + x] = Math.round(((12 - d) / 4) * 255) / 255;
        else if (d < 16) ring[y * 40 + x] = 1;
      }
    }
    const box = { x0: 2, y0: 2, x1: 38, y1: 38 };
    const raw = plate.slice();
    const seamRaw = compositeMasked(raw, width, synth, crop, weights, { box, ring });
    assert.ok(seamRaw.matched && seamRaw.bandPixels > 50);
    assert.ok(Math.abs(seamRaw.sumRaw / (3 * seamRaw.bandPixels) - 100) < 1e-3, 'synthesized 200 against a plate of 100: 100 levels');
    assert.ok(seamRaw.sumMatched < 1e-6, 'after the match the flat synthesized picture is the plate\'s 100');
    assert.equal(raw[(20 * width + 20) * 3], 200, 'without --colour-match the network\'s colours are written');
    const matched = plate.slice();
    compositeMasked(matched, width, synth, crop, weights, { box, ring, colourMatch: true });
    assert.equal(matched[(20 * width + 20) * 3], 100, 'with it, the matched colours');
    for (const out of [raw, matched]) {
      for (let p = 0; p < 40 * 40; p++) {
        if (weights[p] === 0) assert.deepEqual([...out.subarray(3 * p, 3 * p + 3)], [...original.subarray(3 * p, 3 * p + 3)], `pixel ${p} of weight 0`);
      }
    }
  });
});
