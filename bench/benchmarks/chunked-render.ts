import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { dvpFromSource } from '../../test/helpers/cli.js';
import { buildRenderFixture, projectCopy } from '../../test/render/fixture.js';
import { Project } from '../../src-main/engine/project/project.js';
import { bindSource } from '../../src-main/engine/render/reenact.js';
import type { Benchmark, Metric } from '../types.js';

const RANGE = '0-49';
const CHUNKS = 10;

/** Wall seconds of one `dvp` run from the sources (fails loudly). */
async function timed(args: string[]): Promise<number> {
  const started = performance.now();
  const result = await dvpFromSource(args);
  if (result.code !== 0) throw new Error(`dvp ${args.join(' ')} failed (${result.code}): ${result.stderr}`);
  return (performance.now() - started) / 1000;
}

/**
 * The overhead of chunking on this machine: the render test's fixture (a 448×384 plate, the
 * cpu-tiny network, a full-head binding so the network draws every bound frame), frames 0–49
 * rendered in one piece; in 10 chunks in one process (`--chunks 10`), then conformed; and in 10
 * chunk processes one after another (`--chunk I`, as 10 farm tasks on one node would), then
 * conformed. Every run is a `dvp` process from the sources, so process start-up counts as it does
 * on a farm. The overhead is the chunked wall time over the one-piece one.
 */
export const chunkedRenderBenchmark: Benchmark = {
  name: 'chunked-render',
  description: `Wall time of a ${CHUNKS}-chunk render (one process, and one process per chunk) plus conform against the one-piece render of the same 50 frames (render-test fixture, cpu-tiny).`,
  async run() {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'dvp-bench-chunks-'));
    try {
      const fixture = await buildRenderFixture(dir);
      const file = projectCopy(fixture, 'edited.dvp');
      const project = Project.open(file);
      try {
        bindSource(project, { targetClipId: fixture.targetId, sourceClipId: fixture.sourceId, mode: 'full', offset: 0 });
      } finally {
        project.close();
      }
      const conform = (pieces: string, out: string): Promise<number> =>
        timed(['conform', file, '--range', RANGE, '--chunks', String(CHUNKS), '--pieces', pieces, '--audio', 'target', '--out', out]);

      const onePiece = await timed(['render', file, '--range', RANGE, '--audio', 'target', '--out', path.join(dir, 'one.mov')]);
      const inProcessPieces = path.join(dir, 'pieces-a');
      const inProcessRender = await timed(['render', file, '--range', RANGE, '--chunks', String(CHUNKS), '--out', inProcessPieces]);
      const inProcessConform = await conform(inProcessPieces, path.join(dir, 'a.mov'));
      const perTaskPieces = path.join(dir, 'pieces-b');
      let perTaskRender = 0;
      for (let i = 0; i < CHUNKS; i++) perTaskRender += await timed(['render', file, '--range', RANGE, '--chunks', String(CHUNKS), '--chunk', String(i), '--out', perTaskPieces]);
      const perTaskConform = await conform(perTaskPieces, path.join(dir, 'b.mov'));

      const seconds = (value: number): Metric => ({ value, unit: 's', better: 'lower' });
      const ratio = (value: number): Metric => ({ value, unit: '×', better: 'lower' });
      return {
        metrics: {
          'one-piece render': seconds(onePiece),
          [`${CHUNKS} chunks in one process`]: seconds(inProcessRender),
          [`${CHUNKS} chunk processes`]: seconds(perTaskRender),
          conform: seconds((inProcessConform + perTaskConform) / 2),
          [`overhead, one process + conform`]: ratio((inProcessRender + inProcessConform) / onePiece),
          [`overhead, ${CHUNKS} processes + conform`]: ratio((perTaskRender + perTaskConform) / onePiece),
        },
        details: { range: RANGE, chunks: CHUNKS, frames: 50, network: 'cpu-tiny', plate: '448×384', cores: os.availableParallelism() },
      };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
