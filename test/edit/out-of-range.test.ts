import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { composeShot, type ClipParams, type Lane } from '../../src-main/engine/edit/compose.js';
import { CONTROLS, findControl } from '../../src-main/engine/edit/controls.js';
import { linearRig } from '../../src-main/engine/edit/expression-rig.js';
import { DEFAULT_HANDLES, type Keyframe } from '../../src-main/engine/edit/keyframes.js';
import { flagOutOfRange, observedRanges, outOfRangeSpans } from '../../src-main/engine/edit/out-of-range.js';
import { EXPRESSION_DIMS, allocateSequence } from '../../src-main/engine/edit/parameters.js';

const DEG = Math.PI / 180;

/** Yaw swings ±10° around 0, everything else small and smooth. */
function target(frameCount: number): ClipParams {
  const params = allocateSequence(frameCount);
  for (let f = 0; f < frameCount; f++) {
    params.pose[f * 6] = 10 * DEG * Math.sin(f / 5);
    params.pose[f * 6 + 5] = 600 + f * 0.1;
    for (let k = 0; k < EXPRESSION_DIMS; k++) params.expression[f * EXPRESSION_DIMS + k] = 0.5 * Math.sin(f / 7 + k);
    params.gaze[f * 4] = params.gaze[f * 4 + 2] = 5 * DEG * Math.cos(f / 3);
    params.eyelids[f * 2] = params.eyelids[f * 2 + 1] = f % 20 === 0 ? 1 : 0;
  }
  return { params, neutralFrame: 1, fps: 25 };
}

function key(position: number, value: number): Keyframe {
  return { id: `k${position}`, position, value, type: 'linear', handles: [...DEFAULT_HANDLES], connectedRight: true };
}

describe('out-of-range flags', () => {
  const clip = target(100);
  const observed = observedRanges(clip.params);
  const yaw = observed.ranges.find((r) => r.name === 'headYaw');

  it('measures per-parameter ranges in editor units', () => {
    assert.ok(yaw && yaw.max > 9.9 && yaw.max <= 10 && yaw.min < -9.9, JSON.stringify(yaw));
    assert.equal(observed.ranges.length, 6 + 4 + 2 + EXPRESSION_DIMS);
    assert.deepEqual(flagOutOfRange(clip.params, observed), [], 'the tracked footage itself is in range');
  });

  it('flags exactly the frames a keyframe pushes past the range, with the tolerance', () => {
    // +5° from frame 50 on: sin peaks push the yaw past 10° + 10 % of the 20° span = 12°.
    const lanes: Lane[] = [{ param: 'headYaw', mode: 'offset', keys: [key(49, 0), key(50, 5)] }];
    const edited = composeShot({ target: clip, sources: new Map(), bindings: [], lanes });
    const flagged = flagOutOfRange(edited, observed);
    const expected: number[] = [];
    for (let f = 50; f < 100; f++) if (10 * Math.sin(f / 5) + 5 > 12) expected.push(f);
    assert.ok(expected.length > 5);
    assert.deepEqual(flagged.map((x) => x.frame), expected);
    for (const frame of flagged) {
      assert.deepEqual(frame.params.map((p) => p.name), ['headYaw']);
      assert.ok((frame.params[0]?.value as number) > 12);
    }
    // With no tolerance, more frames are flagged; a larger one flags none.
    assert.ok(flagOutOfRange(edited, observed, { tolerance: 0 }).length > flagged.length);
    assert.deepEqual(flagOutOfRange(edited, observed, { tolerance: 0.5 }), []);
  });

  it('names its channels as the controls table does, so every flagged channel has a lane', () => {
    const covered = new Set(CONTROLS.flatMap((c) => c.channels));
    for (const range of observed.ranges) if (!range.name.startsWith('expression')) assert.ok(covered.has(range.name), `${range.name} belongs to a lane`);
    assert.deepEqual(findControl('gazeYaw')?.channels, ['gazeLeftYaw', 'gazeRightYaw']);
    assert.deepEqual(findControl('eyeWide')?.channels, ['blinkLeft', 'blinkRight']);
    assert.deepEqual(findControl('headZ')?.channels, ['headZ']);
    assert.deepEqual(findControl('jawOpen')?.channels, ['jawOpen']);
  });

  it('groups flagged frames into spans with every parameter flagged in them', () => {
    const param = (name: string) => ({ name, value: 0, min: 0, max: 0 });
    const spans = outOfRangeSpans([
      { frame: 3, params: [param('headYaw')] },
      { frame: 4, params: [param('gazeLeftYaw'), param('headYaw')] },
      { frame: 9, params: [param('jawOpen')] },
    ]);
    assert.deepEqual(spans, [
      { first: 3, last: 4, params: ['headYaw', 'gazeLeftYaw'] },
      { first: 9, last: 9, params: ['jawOpen'] },
    ]);
    assert.deepEqual(outOfRangeSpans([]), []);
  });

  it('reports frame numbers of the shot for a sub-range, and restricts ranges to trusted frames', () => {
    const narrow = observedRanges(clip.params, { include: (f) => f < 10 });
    const flagged = flagOutOfRange(clip.params, narrow, { firstFrame: 200 });
    assert.ok(flagged.length > 0 && flagged.every((f) => f.frame >= 210), 'frames 0–9 define the range, so they are never flagged');
    assert.throws(() => observedRanges(clip.params, { include: () => false }), /no tracked frames/);
  });

  it('checks named expression controls through the rig', () => {
    const direction = new Float64Array(EXPRESSION_DIMS);
    direction[0] = 1;
    const rig = linearRig({ jawOpen: { direction, readout: direction } }, new Float64Array(EXPRESSION_DIMS * EXPRESSION_DIMS));
    const withControls = observedRanges(clip.params, { rig });
    assert.ok(withControls.ranges.some((r) => r.name === 'jawOpen'));
    const lanes: Lane[] = [{ param: 'jawOpen', mode: 'offset', keys: [key(0, 3)] }];
    const edited = composeShot({ target: clip, sources: new Map(), bindings: [], lanes, rig });
    const flagged = flagOutOfRange(edited, withControls, { rig });
    assert.equal(flagged.length, 100);
    assert.ok(flagged.every((f) => f.params.some((p) => p.name === 'jawOpen') && f.params.some((p) => p.name === 'expression0')));
    assert.throws(() => flagOutOfRange(edited, withControls), /same rig/);
  });
});
