import { jobKindSpec } from '../api/job-kinds.js';
import { type ApiError, type ApiResult } from '../api/result.js';
import { isJobPending, type Job, type ProgressValue } from '../api/schemas.js';
import { summarise } from '../api/wire.js';
import { DvpError } from '../shared/errors.js';

/** What the queue needs from the engine host. */
export interface JobExecutor {
  /** True while the engine can take work. */
  accepting(): boolean;
  run(jobId: number, kind: string, params: unknown): void;
  cancel(jobId: number): void;
}

interface Entry {
  job: Job;
  params: unknown;
}

const KEEP_FINISHED = 200;

/**
 * The job list and its scheduling: at most one GPU job at a time (a second model would not
 * fit beside the first), CPU jobs alongside up to `cpuSlots`. Lives in the host, so a job's
 * record outlives an engine crash and can say why it failed.
 */
export class JobQueue {
  private readonly entries = new Map<number, Entry>();
  private nextId = 1;

  constructor(
    private readonly executor: JobExecutor,
    private readonly notify: (job: Job) => void,
    private readonly cpuSlots: number,
  ) {}

  list(): Job[] {
    return [...this.entries.values()].map((e) => e.job);
  }

  get(id: number): Job | undefined {
    return this.entries.get(id)?.job;
  }

  /** Validates the parameters against the kind's schema and queues the job, for `project` (the open project's file). */
  enqueue(kind: string, params: unknown, project: string | null): Job {
    const spec = jobKindSpec(kind);
    if (!spec) throw new DvpError('INVALID_ARGUMENT', `'${kind}' is not a kind of job DVP Studio knows.`);
    const parsed = spec.params.safeParse(params);
    if (!parsed.success) throw new DvpError('INVALID_ARGUMENT', `The parameters of the ${kind} job are invalid: ${summarise(parsed.error)}.`);
    const job: Job = {
      id: this.nextId++,
      kind,
      title: spec.title(parsed.data),
      resource: spec.resource,
      project,
      clipId: clipOf(parsed.data),
      status: 'queued',
      progress: null,
      error: null,
      createdAt: new Date().toISOString(),
      startedAt: null,
      finishedAt: null,
    };
    this.entries.set(job.id, { job, params: parsed.data });
    this.prune();
    this.notify(job);
    this.schedule();
    return job;
  }

  cancel(id: number): Job {
    const entry = this.entries.get(id);
    if (!entry) throw new DvpError('NOT_FOUND', `There is no job ${id}.`);
    const { job } = entry;
    if (job.status === 'queued') {
      this.finish(entry, 'cancelled', { code: 'CANCELLED', message: `${job.title} was cancelled before it started.` });
    } else if (job.status === 'running') {
      this.update(entry, { status: 'cancelling' });
      this.executor.cancel(id);
    }
    return entry.job;
  }

  progress(id: number, progress: ProgressValue): void {
    const entry = this.entries.get(id);
    if (entry && isActive(entry.job)) this.update(entry, { progress });
  }

  /** The engine's answer for a job: its result, a failure, or the cancellation it asked for. */
  done(id: number, result: ApiResult<unknown>): void {
    const entry = this.entries.get(id);
    if (!entry || !isActive(entry.job)) return;
    if (result.ok) {
      const checked = jobKindSpec(entry.job.kind)?.result.safeParse(result.value);
      if (checked?.success) this.finish(entry, 'succeeded', null, checked.data);
      else this.finish(entry, 'failed', { code: 'INTERNAL', message: `${entry.job.title} returned an invalid result${checked ? `: ${summarise(checked.error)}` : ''}.` });
    } else {
      this.finish(entry, result.error.code === 'CANCELLED' ? 'cancelled' : 'failed', result.error);
    }
    this.schedule();
  }

  /** The engine died: every job it was running failed, with the reason. */
  failRunning(reason: string): void {
    for (const entry of this.entries.values()) {
      if (!isActive(entry.job)) continue;
      const wasCancelling = entry.job.status === 'cancelling';
      this.finish(
        entry,
        wasCancelling ? 'cancelled' : 'failed',
        { code: 'ENGINE_CRASHED', message: `${entry.job.title} ${wasCancelling ? 'was cancelled' : 'failed'}: ${reason}` },
      );
    }
  }

  /** The engine stopped on purpose (quit) without reporting these jobs: they count as cancelled. */
  stopRunning(reason: string): void {
    for (const entry of this.entries.values()) {
      if (isActive(entry.job)) this.finish(entry, 'cancelled', { code: 'CANCELLED', message: `${entry.job.title}: ${reason}` });
    }
  }

  /** DVP Studio is quitting: nothing queued will start. */
  cancelQueued(reason: string): void {
    for (const entry of this.entries.values()) {
      if (entry.job.status === 'queued') this.finish(entry, 'cancelled', { code: 'CANCELLED', message: `${entry.job.title} was not started: ${reason}` });
    }
  }

  /** The jobs queued, running or stopping: not finished yet. */
  pending(): Job[] {
    return this.list().filter(isJobPending);
  }

  /** True while a job of this resource runs (or is stopping) and has reported progress: it is inside its work. */
  isWorking(resource: Job['resource']): boolean {
    return [...this.entries.values()].some((e) => isActive(e.job) && e.job.resource === resource && e.job.progress !== null);
  }

  get activeCount(): number {
    return [...this.entries.values()].filter((e) => isActive(e.job)).length;
  }

  /** Starts what the resources allow, oldest first. */
  schedule(): void {
    if (!this.executor.accepting()) return;
    const active = [...this.entries.values()].filter((e) => isActive(e.job));
    let gpuBusy = active.some((e) => e.job.resource === 'gpu');
    let cpuRunning = active.filter((e) => e.job.resource === 'cpu').length;
    for (const entry of this.entries.values()) {
      if (entry.job.status !== 'queued') continue;
      if (entry.job.resource === 'gpu') {
        if (gpuBusy) continue;
        gpuBusy = true;
      } else {
        if (cpuRunning >= this.cpuSlots) continue;
        cpuRunning++;
      }
      this.update(entry, { status: 'running', startedAt: new Date().toISOString() });
      this.executor.run(entry.job.id, entry.job.kind, entry.params);
    }
  }

  private finish(entry: Entry, status: 'succeeded' | 'failed' | 'cancelled', error: ApiError | null, result?: unknown): void {
    const patch: Partial<Job> = { status, finishedAt: new Date().toISOString(), error: error && { code: error.code, message: error.message, ...(error.remedy && { remedy: error.remedy }) } };
    if (result !== undefined) patch.result = result;
    this.update(entry, patch);
  }

  private update(entry: Entry, patch: Partial<Job>): void {
    entry.job = { ...entry.job, ...patch };
    this.notify(entry.job);
  }

  private prune(): void {
    const finished = [...this.entries.values()].filter((e) => !isJobPending(e.job));
    for (const entry of finished.slice(0, Math.max(0, finished.length - KEEP_FINISHED))) this.entries.delete(entry.job.id);
  }
}

/** The clip a job's parameters name (every job kind that works on a clip calls it `clipId`). */
function clipOf(params: unknown): number | null {
  const clipId = (params as { clipId?: unknown } | null)?.clipId;
  return typeof clipId === 'number' ? clipId : null;
}

function isActive(job: Job): boolean {
  return job.status === 'running' || job.status === 'cancelling';
}
