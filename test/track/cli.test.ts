import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { dvp, ffprobeJson } from '../helpers/cli.js';
import { media, tempDir } from '../helpers/paths.js';

describe('dvp track / overlay (built binary)', () => {
  const temp = tempDir('dvp-track-cli-');
  const project = path.join(temp.dir, 'cli.dvp');

  before(async () => {
    assert.equal((await dvp(['new', project])).code, 0);
    const imported = await dvp(['import', project, media('source-wda-aoc-512.mp4'), '--role', 'source']);
    assert.equal(imported.code, 0, imported.stderr);
  });
  after(() => temp.cleanup());

  it('tracks a range and reports what it found', async () => {
    const result = await dvp(['track', project, '--clip', '1', '--range', '0-19', '--smooth', '0.5', '--json']);
    assert.equal(result.code, 0, result.stderr);
    const summary = JSON.parse(result.stdout) as { framesWithFace: number; stats: { medianErrorPct: number }; gaps: unknown[] };
    assert.equal(summary.framesWithFace, 20);
    assert.ok(summary.stats.medianErrorPct < 2);
    assert.deepEqual(summary.gaps, []);
    assert.match(result.stderr, /track clip 1 20\/20/, 'progress reaches the end');
  });

  it('renders the overlay, and refuses clips that are not tracked or bad ranges', async () => {
    const out = path.join(temp.dir, 'overlay.mp4');
    const result = await dvp(['overlay', project, '--clip', '1', '--out', out]);
    assert.equal(result.code, 0, result.stderr);
    assert.ok(existsSync(out));
    assert.equal(ffprobeJson(out, ['-count_frames']).streams[0]!.nb_read_frames, '20');

    const badRange = await dvp(['track', project, '--clip', '1', '--range', '10-5']);
    assert.equal(badRange.code, 2);
    assert.match(badRange.stderr, /frame range 10-5 is outside clip 1/);
    const imported = await dvp(['import', project, media('target-tedlieu-256.mp4'), '--role', 'target']);
    assert.equal(imported.code, 0);
    const untracked = await dvp(['overlay', project, '--clip', '2', '--out', path.join(temp.dir, 'no.mp4')]);
    assert.equal(untracked.code, 1);
    assert.match(untracked.stderr, /has not been tracked yet/);
  });
});
