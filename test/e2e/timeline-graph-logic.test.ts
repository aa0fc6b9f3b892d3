import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Keyframe } from '../../src-main/api/edit-schemas.js';
import { segmentValue } from '../../src-main/engine/edit/lane-curve.js';
import { constrainDrag, firstAxis, snapFrame } from '../../src-renderer/src/lib/timeline/gestures.js';
import { dragHandle, handlePoint, handlesBroken } from '../../src-renderer/src/lib/timeline/handles.js';
import { adjacentKeyFrame, copyKeys, pasteChanges, remapKeys, scaleFrame } from '../../src-renderer/src/lib/timeline/key-edits.js';
import { parseGoTo } from '../../src-renderer/src/lib/timeline/timecode-entry.js';

/** The graph editor's and key operations' pure logic (src-renderer/src/lib/timeline), in Node. */

function key(id: string, position: number, value: number, type: Keyframe['type'] = 'bezier', handles: Keyframe['handles'] = [0.5, 1, 0.5, 0]): Keyframe {
  return { id, position, value, type, handles, connectedRight: true };
}

describe('bezier handles, as the engine reads them', () => {
  const keys = [key('a', 0, 0), key('b', 10, 10), key('c', 30, 0)];

  it('places a key’s out handle in the next segment and its in handle in the previous one', () => {
    assert.deepEqual(handlePoint(keys, 1, 'out'), { frame: 20, value: 10 }, 'out (0.5, 0) of b→c: halfway in time, at b’s value');
    assert.deepEqual(handlePoint(keys, 1, 'in'), { frame: 5, value: 10 }, 'in (0.5, 1) of a→b: halfway, at b’s value');
    assert.equal(handlePoint(keys, 0, 'in'), null, 'no segment before the first key');
    assert.equal(handlePoint(keys, 2, 'out'), null, 'none after the last');
    const linear = [key('a', 0, 0, 'linear'), key('b', 10, 10)];
    assert.equal(handlePoint(linear, 1, 'in'), null, 'a linear segment has no handles');
  });

  it('a dragged handle changes the curve the engine evaluates the way it is drawn', () => {
    const moved = dragHandle(keys, 0, 'out', { frame: 2, value: 8 }, false, { pxPerFrame: 4, pxPerValue: 3 });
    assert.deepEqual(moved.handles, [0.5, 1, 0.2, 0.8]);
    const before = segmentValue(keys[0] as Keyframe, keys[1] as Keyframe, 2);
    const after = segmentValue(moved, keys[1] as Keyframe, 2);
    assert.ok(after > before + 2, `pulling the out handle up raises the start of the segment (${before} → ${after})`);
  });

  it('unified handles stay on one line through the key (in drawn pixels) and keep their length; Alt breaks them', () => {
    const scale = { pxPerFrame: 4, pxPerValue: 3 };
    const unified = dragHandle(keys, 1, 'out', { frame: 20, value: 14 }, true, scale);
    const inPoint = handlePoint([keys[0] as Keyframe, unified, keys[2] as Keyframe], 1, 'in');
    assert.ok(inPoint);
    const out = { x: (20 - 10) * scale.pxPerFrame, y: (14 - 10) * scale.pxPerValue };
    const inn = { x: (inPoint.frame - 10) * scale.pxPerFrame, y: (inPoint.value - 10) * scale.pxPerValue };
    assert.ok(Math.abs(out.x * inn.y - out.y * inn.x) < 0.05, 'collinear');
    assert.ok(out.x * inn.x < 0, 'on opposite sides of the key');
    assert.ok(Math.abs(Math.hypot(inn.x, inn.y) - 5 * scale.pxPerFrame) < 0.05, 'the in handle keeps its drawn length');
    const broken = dragHandle(keys, 1, 'out', { frame: 20, value: 14 }, false, scale);
    assert.deepEqual(broken.handles.slice(0, 2), [0.5, 1], 'broken: the in handle stays');
  });

  it('knows broken handles from the handles themselves, whatever the zoom they were dragged at', () => {
    const scale = { pxPerFrame: 4, pxPerValue: 3 };
    const replace = (key: Keyframe): Keyframe[] => [keys[0] as Keyframe, key, keys[2] as Keyframe];
    assert.equal(handlesBroken(keys, 1), false, 'default handles (both flat) are unified');
    const unified = replace(dragHandle(keys, 1, 'out', { frame: 20, value: 14 }, true, scale));
    const broken = replace(dragHandle(keys, 1, 'out', { frame: 20, value: 14 }, false, scale));
    for (const zoom of [scale, { pxPerFrame: 40, pxPerValue: 0.5 }, { pxPerFrame: 0.5, pxPerValue: 40 }]) {
      assert.equal(handlesBroken(replace(dragHandle(keys, 1, 'out', { frame: 20, value: 14 }, true, zoom)), 1), false, 'a unified drag leaves them unified, at any zoom');
    }
    assert.equal(handlesBroken(unified, 1), false);
    assert.equal(handlesBroken(broken, 1), true, 'a broken drag leaves them broken');
    assert.equal(handlesBroken(keys, 0), false, 'a key with one handle is never broken');
  });

  it('clamps handle time into the segment, so the curve never runs backwards', () => {
    const moved = dragHandle(keys, 0, 'out', { frame: 25, value: 3 }, false, { pxPerFrame: 1, pxPerValue: 1 });
    assert.equal(moved.handles[2], 1);
  });
});

describe('drag modifiers and snapping', () => {
  it('locks to the axis moved first and scales a fine drag to a tenth', () => {
    assert.equal(firstAxis(1, 2), null, 'under the threshold');
    assert.equal(firstAxis(6, 2), 'x');
    assert.equal(firstAxis(1, -5), 'y');
    assert.deepEqual(constrainDrag(40, 7, 'x', { lock: true, fine: false }), { dx: 40, dy: 0 });
    assert.deepEqual(constrainDrag(4, 70, 'y', { lock: true, fine: false }), { dx: 0, dy: 70 });
    assert.deepEqual(constrainDrag(40, 20, 'x', { lock: false, fine: true }), { dx: 4, dy: 2 });
  });

  it('snaps to the nearest target within reach, else to a whole frame', () => {
    assert.deepEqual(snapFrame(11.4, [0, 13, 40], 2), { frame: 13, target: 13 });
    assert.deepEqual(snapFrame(11.4, [0, 40], 2), { frame: 11, target: null });
    assert.deepEqual(snapFrame(20, [18, 21], 3), { frame: 21, target: 21 });
  });
});

describe('copy/paste, range move and scale, key navigation', () => {
  it('pastes with relative timing at the playhead: one lane onto the focused lane, several onto their own', () => {
    const clipboard = copyKeys([
      { param: 'headYaw', key: key('a', 10, 1, 'linear') },
      { param: 'headYaw', key: key('b', 14, 2, 'hold') },
    ]);
    const changes = pasteChanges(clipboard, 100, 1000, 'jawOpen');
    assert.deepEqual(
      changes.map((c) => c.kind === 'setKey' && [c.param, c.key.position, c.key.value, c.key.type]),
      [
        ['jawOpen', 100, 1, 'linear'],
        ['jawOpen', 104, 2, 'hold'],
      ],
    );
    const two = copyKeys([
      { param: 'headYaw', key: key('a', 10, 1) },
      { param: 'headPitch', key: key('c', 12, 3) },
    ]);
    assert.deepEqual(
      pasteChanges(two, 50, 1000, 'jawOpen').map((c) => c.kind === 'setKey' && [c.param, c.key.position]),
      [
        ['headYaw', 50],
        ['headPitch', 52],
      ],
    );
    assert.equal(pasteChanges(clipboard, 998, 1000, null).length, 1, 'keys past the last frame are left out');
  });

  it('scales a span of keys in time, dropping keys that land on one frame', () => {
    assert.equal(scaleFrame(15, [10, 20], [10, 30]), 20);
    assert.equal(scaleFrame(20, [10, 20], [10, 30]), 30);
    const keys = [key('a', 10, 0), key('b', 11, 1), key('c', 20, 2), key('d', 25, 3)];
    const squeezed = remapKeys(keys, new Set(['a', 'b', 'c']), (p) => scaleFrame(p, [10, 20], [10, 12]));
    assert.deepEqual(
      squeezed.keys.map((k) => [k.id, k.position]),
      [
        ['b', 10],
        ['c', 12],
        ['d', 25],
      ],
    );
    assert.deepEqual(squeezed.dropped, ['a']);
    const moved = remapKeys(keys, new Set(['c']), (p) => p + 5);
    assert.deepEqual(
      moved.keys.map((k) => k.id),
      ['a', 'b', 'c'],
      'a moved key replaces the key it lands on',
    );
  });

  it('finds the next and previous key across lanes', () => {
    const lanes = [
      { param: 'a', keys: [key('1', 5, 0), key('2', 30, 0)] },
      { param: 'b', keys: [key('3', 12, 0)] },
    ];
    assert.equal(adjacentKeyFrame(lanes, 5, 1), 12);
    assert.equal(adjacentKeyFrame(lanes, 12, 1), 30);
    assert.equal(adjacentKeyFrame(lanes, 30, 1), null);
    assert.equal(adjacentKeyFrame(lanes, 12, -1), 5);
  });
});

describe('go-to entry', () => {
  const fps = { num: 25, den: 1 };
  it('reads frame numbers and timecodes relative to the clip’s start', () => {
    assert.deepEqual(parseGoTo('120', null, fps, 1498), { frame: 120 });
    assert.deepEqual(parseGoTo('00:00:04:20', null, fps, 1498), { frame: 120 });
    assert.deepEqual(parseGoTo('4:20', null, fps, 1498), { frame: 120 });
    assert.deepEqual(parseGoTo('01:00:01:00', '01:00:00:00', fps, 1498), { frame: 25 });
  });
  it('says why an entry cannot be used', () => {
    assert.match((parseGoTo('00:00:01:30', null, fps, 1498) as { error: string }).error, /frame 30 does not exist at 25 fps/);
    assert.match((parseGoTo('5000', null, fps, 1498) as { error: string }).error, /outside the clip \(frames 0–1498\)/);
    assert.match((parseGoTo('soon', null, fps, 1498) as { error: string }).error, /neither a frame number nor a timecode/);
  });
});
