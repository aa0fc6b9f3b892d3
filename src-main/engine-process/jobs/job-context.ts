import type { Progress } from '../../shared/cancel.js';
import type { EngineContext } from '../engine-context.js';

/** What a job runner gets besides its parameters (its own module, so the runners and their registry do not import each other). */
export interface JobContext {
  engine: EngineContext;
  /**
   * Aborted when the user cancels the job or DVP Studio quits (`signal.reason` says which).
   * A job stops at its next safe point: it finishes the write it is in (a checkpoint lands
   * whole), then throws the CANCELLED DvpError.
   */
  signal: AbortSignal;
  progress(progress: Progress): void;
}

export type JobRunner<P = unknown, R = unknown> = (params: P, context: JobContext) => Promise<R>;
