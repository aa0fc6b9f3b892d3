import { DvpError } from './errors.js';

/** Throws the project's CANCELLED error when `signal` has been aborted. */
export function throwIfCancelled(signal: AbortSignal | undefined, what: string): void {
  if (signal?.aborted) throw new DvpError('CANCELLED', `${what} was cancelled.`);
}

/** Progress of a long job, reported to the CLI, the job queue and the UI alike. */
export interface Progress {
  done: number;
  total: number;
  /** Units per second over the recent past. */
  rate?: number;
  /** Seconds left at the current rate. */
  etaSeconds?: number;
  message?: string;
}

export type ProgressListener = (progress: Progress) => void;

/** Measures a smoothed rate and an ETA for `total` units of work. */
export class ProgressMeter {
  private readonly started = performance.now();
  private lastTime = this.started;
  private lastDone = 0;
  private rate = 0;

  constructor(private readonly total: number, private readonly startDone = 0) {
    this.lastDone = startDone;
  }

  update(done: number, message?: string): Progress {
    const now = performance.now();
    const dt = (now - this.lastTime) / 1000;
    if (dt > 0.05) {
      const instant = (done - this.lastDone) / dt;
      this.rate = this.rate === 0 ? instant : 0.7 * this.rate + 0.3 * instant;
      this.lastTime = now;
      this.lastDone = done;
    }
    const remaining = Math.max(0, this.total - done);
    const progress: Progress = { done, total: this.total };
    if (this.rate > 0) {
      progress.rate = this.rate;
      progress.etaSeconds = remaining / this.rate;
    }
    if (message !== undefined) progress.message = message;
    return progress;
  }

  /** Average units per second since the meter was created. */
  averageRate(done: number): number {
    const seconds = (performance.now() - this.started) / 1000;
    return seconds > 0 ? (done - this.startDone) / seconds : 0;
  }
}
