import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { chooseShotCrop, plateToCrop, type Box } from '../../src-main/engine/condition/shot-crop.js';
import { DvpError } from '../../src-main/shared/errors.js';

function contains(crop: { x: number; y: number; size: number }, box: Box): boolean {
  return box.x0 >= crop.x && box.y0 >= crop.y && box.x1 <= crop.x + crop.size && box.y1 <= crop.y + crop.size;
}

/** A face of 120 px swaying left and right over a 1920×1080 plate. */
function swayingFace(frames: number): Box[] {
  return Array.from({ length: frames }, (_, f) => {
    const x = 900 + 60 * Math.sin(f / 9);
    const y = 380 + 15 * Math.cos(f / 13);
    return { x0: x, y0: y, x1: x + 120, y1: y + 140 };
  });
}

describe('chooseShotCrop', () => {
  it('holds every face box with room for head and shoulders, inside the plate', () => {
    const boxes = swayingFace(200);
    const crop = chooseShotCrop(boxes, { width: 1920, height: 1080 });
    for (const box of boxes) assert.ok(contains(crop, box), `crop ${JSON.stringify(crop)} misses ${JSON.stringify(box)}`);
    const unionHeight = Math.max(...boxes.map((b) => b.y1)) - Math.min(...boxes.map((b) => b.y0));
    const unionWidth = Math.max(...boxes.map((b) => b.x1)) - Math.min(...boxes.map((b) => b.x0));
    assert.equal(crop.size, Math.round(2 * Math.max(unionHeight, unionWidth)));
    // More room below the face (neck and shoulders) than above it.
    const above = Math.min(...boxes.map((b) => b.y0)) - crop.y;
    const below = crop.y + crop.size - Math.max(...boxes.map((b) => b.y1));
    assert.ok(below > above, `${below} px below the face, ${above} above`);
    assert.ok(Number.isInteger(crop.x) && Number.isInteger(crop.y) && Number.isInteger(crop.size));
  });

  it('ignores a wild detection and frames without a face', () => {
    const boxes: (Box | null)[] = swayingFace(100);
    const clean = chooseShotCrop(boxes, { width: 1920, height: 1080 });
    boxes[40] = { x0: 10, y0: 10, x1: 700, y1: 700 };
    boxes[41] = null;
    assert.deepEqual(chooseShotCrop(boxes, { width: 1920, height: 1080 }), clean);
  });

  it('moves the window back inside the plate and shrinks it to fit a small plate', () => {
    const nearEdge = chooseShotCrop([{ x0: 5, y0: 950, x1: 125, y1: 1070 }], { width: 1920, height: 1080 });
    assert.deepEqual([nearEdge.x, nearEdge.y + nearEdge.size], [0, 1080]);
    const tight = chooseShotCrop([{ x0: 60, y0: 50, x1: 200, y1: 220 }], { width: 256, height: 256 });
    assert.deepEqual(tight, { x: 0, y: 0, size: 256 });
  });

  it('refuses a shot without any face', () => {
    assert.throws(() => chooseShotCrop([null, null], { width: 640, height: 480 }), (error: unknown) => error instanceof DvpError && error.code === 'NO_FACE');
  });

  it('maps plate pixels into the crop at network size, depth unchanged', () => {
    const out = new Float32Array(6);
    plateToCrop(Float32Array.from([500, 300, 612, 700, 812, 640]), { x: 400, y: 200, size: 400 }, 256, out);
    assert.deepEqual(Array.from(out), [64, 64, 612, 192, Math.fround((812 - 200) * 0.64), 640]);
  });
});
