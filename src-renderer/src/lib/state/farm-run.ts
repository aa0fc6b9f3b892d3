import type { FarmStatus, FarmSubmission } from '../../../../src-main/api/farm-schemas.js';

/** How often a farm job is asked how it goes (`farm.status`) until its conform ends. */
export const FARM_POLL_MS = 3000;

/** A render submitted to the farm: its job ids, and what `farm.status` said last. */
export interface FarmRun {
  submission: FarmSubmission;
  status: FarmStatus | null;
  /** The last failed `farm.status` (following goes on). */
  error: string | null;
}

/** One line for a farm run: chunks done of total, the conform's state. */
export function farmProgressLine(run: FarmRun): string {
  const status = run.status;
  if (!status) return `${run.submission.chunks.length} chunk(s) submitted; waiting for the farm…`;
  const failed = status.chunks.filter((c) => ['FAILED', 'CANCELLED', 'TIMEOUT', 'NODE_FAIL', 'OUT_OF_MEMORY', 'PREEMPTED'].includes(c.state));
  return (
    `${status.done}/${status.total} chunks done` +
    (failed.length > 0 ? ` (${failed.map((c) => `chunk ${c.index} ${c.state.toLowerCase()}`).join(', ')})` : '') +
    ` · conform ${status.conform.state.toLowerCase()}`
  );
}

/** A farm run's file name and state word, and the tone it is shown in. */
export function farmRunHeading(run: FarmRun): { name: string; state: string; tone: 'running' | 'succeeded' | 'failed' } {
  const name = run.submission.output.split(/[\\/]/).pop() ?? run.submission.output;
  const status = run.status;
  if (!status?.ended) return { name, state: 'on the farm', tone: 'running' };
  return { name, state: status.conform.state.toLowerCase(), tone: status.conform.state === 'COMPLETED' ? 'succeeded' : 'failed' };
}
