import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compositeIntoPlate, featherMask } from '../../src-main/engine/render/composite.js';

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
    compositeIntoPlate(plate, width, synth, crop, featherMask(crop.size));
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
    compositeIntoPlate(plate, width, synth, crop, mask, alpha);
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
    compositeIntoPlate(plate, width, { size: n, data }, crop, new Float32Array(64 * 64).fill(1));
    assert.equal(plate[(32 * width + 10) * 3], 0);
    assert.equal(plate[(32 * width + 54) * 3], 255);
  });
});
