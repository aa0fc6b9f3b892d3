/**
 * The out-of-range frames of one shot are the same wherever they are reported: the timeline
 * (`edit.curves` through the real engine), `dvp edits --check` and `dvp render`. All three
 * measure against the frames the render's model trained on and flag only frames the render
 * synthesizes; the edit below is chosen so that measuring against every trusted frame, or
 * flagging frames without a face, would give a different answer.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Lane } from '../../src-main/engine/edit/compose.js';
import { DEFAULT_HANDLES, type Keyframe } from '../../src-main/engine/edit/keyframes.js';
import { analyseShot, measureRanges, type MeasureAgainst } from '../../src-main/engine/edit/shot-analysis.js';
import { loadShotInputs } from '../../src-main/engine/edit/tracked-inputs.js';
import { Project } from '../../src-main/engine/project/project.js';
import { renderMeasure } from '../../src-main/engine/render/render-model.js';
import { dvpFromSource } from '../helpers/cli.js';
import { startTestBackend, type TestBackend } from '../helpers/engine-host.js';
import { tempDir } from '../helpers/paths.js';
import { buildRenderFixture, projectCopy, TARGET_FRAMES, TRACKED_LAST, type RenderFixture } from './fixture.js';

interface Span {
  first: number;
  last: number;
  params: string[];
}

const FROM = 28;
const temp = tempDir('dvp-out-of-range-');
let fixture: RenderFixture;
let file: string;
let backend: TestBackend | undefined;

/** A headYaw offset ramping from 0 at FROM to `degrees` two frames later and held to the end of the clip. */
function yawLane(degrees: number): Lane {
  const key = (position: number, value: number): Keyframe => ({ id: `k${position}`, position, value, type: 'linear', handles: [...DEFAULT_HANDLES], connectedRight: true });
  return { param: 'headYaw', mode: 'offset', keys: [key(FROM, 0), key(FROM + 2, degrees)] };
}

function flaggedFrames(project: Project, lane: Lane, measure: MeasureAgainst, onlyFaces: boolean): number[] {
  const stored = loadShotInputs(project, fixture.targetId);
  const inputs = { ...stored, lanes: [lane], target: onlyFaces ? stored.target : { ...stored.target, hasFace: new Uint8Array(TARGET_FRAMES).fill(1) } };
  return analyseShot(inputs, { ranges: measureRanges(inputs.target, inputs.rig, measure) }).flagged.map((f) => f.frame);
}

const frames = (spans: Span[]): number[] => spans.flatMap((s) => Array.from({ length: s.last - s.first + 1 }, (_, i) => s.first + i));

describe('out-of-range frames: timeline, dvp edits --check and dvp render agree', () => {
  let degrees = 0;

  before(async () => {
    fixture = await buildRenderFixture(temp.dir);
    file = projectCopy(fixture, 'agree.dvp');
    const project = Project.open(file, { readonly: true });
    try {
      const training = renderMeasure(project, fixture.targetId);
      assert.equal(training.kind, 'training', 'the fixture has a trained model, so the render measures against its training frames');
      // The smallest whole-degree offset the training frames flag but every trusted frame would not (somewhere).
      for (let d = 1; d <= 90 && degrees === 0; d++) {
        const againstTraining = flaggedFrames(project, yawLane(d), training, true);
        if (againstTraining.length > 0 && againstTraining.join() !== flaggedFrames(project, yawLane(d), { kind: 'trusted' }, true).join()) degrees = d;
      }
      assert.ok(degrees > 0, 'an offset exists where the two measures disagree');
      const withoutFaces = flaggedFrames(project, yawLane(degrees), training, false);
      assert.ok(withoutFaces.some((f) => f > TRACKED_LAST), 'flagging frames without a face would add frames after the tracked ones');
    } finally {
      project.close();
    }
    for (const [frame, value] of [[FROM, 0], [FROM + 2, degrees]] as const) {
      const keyed = await dvpFromSource(['key', file, '--param', 'headYaw', '--frame', String(frame), `--value=${value}`]);
      assert.equal(keyed.code, 0, keyed.stderr);
    }
  });
  after(async () => {
    await backend?.stop();
    temp.cleanup();
  });

  it('reports the same spans in all three, only on frames with a face', async () => {
    backend = await startTestBackend(path.join(temp.dir, 'config'));
    await backend.api.call('project.open', { file });
    const timeline = (await backend.api.call('edit.curves', { clipId: fixture.targetId })).outOfRange;
    await backend.api.call('project.close', {});

    const edits = await dvpFromSource(['edits', file, '--check', '--json']);
    assert.equal(edits.code, 0, edits.stderr);
    const checked = (JSON.parse(edits.stdout) as { checks: { outOfRange: Span[] }[] }).checks[0]!.outOfRange;

    const out = path.join(temp.dir, 'agree.mp4');
    const rendered = await dvpFromSource(['render', file, '--format', 'h264', '--audio', 'none', '--out', out, '--json']);
    assert.equal(rendered.code, 0, rendered.stderr);
    const summary = JSON.parse(rendered.stdout) as { first: number; last: number; outOfRange: Span[]; outOfRangeFrames: number };
    assert.deepEqual([summary.first, summary.last], [0, TARGET_FRAMES - 1], 'the render covers the whole shot');

    assert.ok(timeline.length > 0, 'the edit leaves the range somewhere');
    assert.deepEqual(checked, timeline, 'dvp edits --check flags what the timeline shades');
    assert.deepEqual(summary.outOfRange, timeline, 'dvp render warns about what the timeline shades');
    assert.equal(summary.outOfRangeFrames, frames(timeline).length);
    assert.ok(frames(timeline).every((f) => f >= FROM && f <= TRACKED_LAST), JSON.stringify(timeline));
  });
});
