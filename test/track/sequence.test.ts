import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EXPRESSION_DIM, PARAM_COUNT, PARAM_LAYOUT } from '../../src-main/engine/face/model.js';
import { FrameFlag } from '../../src-main/engine/face/store.js';
import { VERTEX_COUNT } from '../../src-main/engine/face/topology.js';
import { updateBasis } from '../../src-main/engine/track/basis-learning.js';
import { chooseSubject, type Box } from '../../src-main/engine/track/subject.js';
import { fillGaps, jitter, smoothSequence, type SequenceFrame } from '../../src-main/engine/track/temporal.js';

function packed(value: number): Float32Array {
  return new Float32Array(PARAM_COUNT).fill(value);
}

describe('gaps and smoothing', () => {
  it('interpolates short gaps and reports long ones as ranges', () => {
    const frames: SequenceFrame[] = [];
    for (let f = 0; f < 40; f++) {
      const missing = (f >= 5 && f <= 7) || (f >= 20 && f <= 34);
      frames.push({ frame: f, params: missing ? undefined : packed(f), flags: missing ? 0 : FrameFlag.Tracked });
    }
    const { frames: filled, gaps } = fillGaps(frames, 5);
    assert.equal(filled.length, 40);
    assert.deepEqual(gaps, [{ first: 20, last: 34 }]);
    assert.ok(filled[6]!.flags & FrameFlag.Interpolated);
    assert.ok(Math.abs(filled[6]!.params[0]! - 6) < 1e-5, 'linear between frames 4 and 8');
    assert.ok(filled[25]!.flags & FrameFlag.NoFace);
    assert.equal(filled[25]!.params[0], 19, 'held from the nearest tracked frame');
    assert.equal(filled[33]!.params[0], 35);
  });

  it('reports a clip with no fitted frame as one gap', () => {
    const frames: SequenceFrame[] = [0, 1, 2].map((frame) => ({ frame, params: undefined, flags: 0 }));
    const result = fillGaps(frames, 5);
    assert.equal(result.frames.length, 0);
    assert.deepEqual(result.gaps, [{ first: 0, last: 2 }]);
  });

  it('smooths jitter away, more with a higher strength, and keeps runs apart', () => {
    let seed = 7;
    const noise = (): number => ((seed = (seed * 16807) % 2147483647) / 2147483647 - 0.5);
    const frames = Array.from({ length: 60 }, (_, f) => {
      const p = new Float32Array(PARAM_COUNT);
      for (let i = 0; i < PARAM_COUNT; i++) p[i] = 0.01 * f + 0.05 * noise();
      return { frame: f, params: p, flags: f >= 30 && f < 32 ? FrameFlag.NoFace : FrameFlag.Tracked };
    });
    const raw = frames.map((f) => f.params);
    const light = smoothSequence(frames, 0.5);
    const strong = smoothSequence(frames, 2);
    const expr = PARAM_LAYOUT.expression;
    assert.ok(jitter(light, expr, EXPRESSION_DIM) < jitter(raw, expr, EXPRESSION_DIM));
    assert.ok(jitter(strong, expr, EXPRESSION_DIM) < jitter(light, expr, EXPRESSION_DIM));
    assert.deepEqual(Array.from(smoothSequence(frames, 0)[10]!), Array.from(raw[10]!));
    assert.deepEqual(Array.from(strong[30]!), Array.from(raw[30]!), 'frames without a face are left alone');
  });
});

describe('subject choice', () => {
  it('follows the largest consistently tracked face through dropouts', () => {
    const big: Box = [100, 80, 120, 120];
    const small: Box = [10, 10, 60, 60];
    const frames = Array.from({ length: 30 }, (_, f) => {
      const boxes: Box[] = [];
      if (f % 7 !== 3) boxes.push([big[0] + f, big[1], big[2], big[3]]);
      boxes.push(small);
      // Frames where the small face comes first in the detector's order.
      if (f % 2 === 0) boxes.reverse();
      return { frame: f, boxes };
    });
    const subject = chooseSubject(frames);
    for (const { frame, boxes } of frames) {
      const index = subject.get(frame)!;
      if (frame % 7 === 3) assert.equal(index, -1, `frame ${frame}: the subject is missing`);
      else assert.equal(boxes[index]![2], 120, `frame ${frame}: the big face`);
    }
  });
});

describe('expression basis', () => {
  const D = VERTEX_COUNT * 3;
  function data(rows: number, directions: number[][], seed: number): Float64Array {
    const out = new Float64Array(rows * D);
    let s = seed;
    const rand = (): number => ((s = (s * 48271) % 2147483647) / 2147483647 - 0.5);
    for (let r = 0; r < rows; r++) {
      for (const [k, scale] of directions) {
        const amount = scale! * rand() * 3.4;
        for (let c = 0; c < D; c++) if (c % 9 === k) out[r * D + c] = out[r * D + c]! + amount;
      }
      for (let c = 0; c < D; c++) out[r * D + c] = out[r * D + c]! + 0.05 * rand();
    }
    return out;
  }

  it('learns components above the noise and only appends later, keeping earlier ones', () => {
    const first = updateBasis(undefined, data(80, [[0, 3], [1, 2]], 11), 80);
    assert.equal(first.created, true);
    assert.equal(first.basis.version, 1);
    assert.equal(first.basis.activeCount, 2, 'two real directions, the rest is noise');
    const same = updateBasis(first.basis, data(60, [[0, 2], [1, 3]], 5), 60);
    assert.equal(same.created, false, 'motion the basis already spans adds nothing');
    const more = updateBasis(first.basis, data(60, [[0, 2], [4, 3]], 3), 60);
    assert.equal(more.created, true);
    assert.equal(more.basis.version, 2);
    assert.equal(more.basis.activeCount, 3);
    assert.deepEqual(Array.from(more.basis.components.subarray(0, 2 * D)), Array.from(first.basis.components.subarray(0, 2 * D)));
  });
});
