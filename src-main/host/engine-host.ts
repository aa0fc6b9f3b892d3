import { availableParallelism } from 'node:os';
import type { EventName } from '../api/events.js';
import { events, isEventName } from '../api/events.js';
import { fail, type ApiResult } from '../api/result.js';
import type { EngineStatus, ProjectInfo } from '../api/schemas.js';
import { AllowedRoots } from './allowed-roots.js';
import { EngineCalls } from './engine-calls.js';
import type { EngineSpawner } from './engine-process.js';
import type { EngineToHost } from './engine-protocol.js';
import { EngineSupervisor } from './engine-supervisor.js';
import { JobQueue } from './job-queue.js';

/**
 * Calls that run a network pass on the engine's event loop (seconds on a slow CPU, one
 * synchronous call): while one is answered, the engine gets the long silence limit, as a GPU job does.
 */
const NETWORK_CALLS: ReadonlySet<string> = new Set(['synth.frame']);

export interface EngineHostOptions {
  spawn: EngineSpawner;
  log?: (line: string) => void;
  /** How long quitting waits for running jobs to finish their current write before killing the engine. */
  quitTimeoutMs?: number;
  /** How long a fresh engine may take to say it is ready. */
  startTimeoutMs?: number;
  /** CPU jobs that may run at once (GPU jobs: always one). */
  cpuSlots?: number;
  /** Folders the API may reach besides the project's and its media's (`dvp serve --root`). */
  roots?: readonly string[];
  /** How often the engine is pinged. */
  pingIntervalMs?: number;
  /** How long the engine may stay silent before it counts as hung (then it is killed and restarted). */
  unresponsiveMs?: number;
  /**
   * The same while a GPU job is inside its work (it reported progress): a network step is one
   * synchronous call that holds the engine's loop (a paper-256 training step at batch 16 takes
   * 13 s on two cores). Before its first progress a GPU job gets the ordinary limit.
   */
  busyUnresponsiveMs?: number;
}

type HostEventListener = (event: EventName, payload: unknown) => void;

/** The project the engine has open, as its `project.changed` events say. */
export interface OpenProject {
  file: string;
  readonly: boolean;
}

/**
 * The engine as the shells see it: calls and jobs go to it, its events come back, and the
 * project it has open is followed from its `project.changed` events, so a restarted engine
 * reopens it. The process itself (start, health, restart, quit) is the supervisor's; the
 * same class serves Electron, `dvp serve` and tests, only the spawner differs.
 */
export class EngineHost {
  readonly jobs: JobQueue;
  /** The folders every path the API accepts or lists must be inside (checked by the router and the media routes). */
  readonly roots: AllowedRoots;
  private readonly supervisor: EngineSupervisor;
  private readonly calls: EngineCalls;
  private readonly listeners = new Set<HostEventListener>();
  private readonly projectListeners = new Set<(info: ProjectInfo) => void>();
  private openProject: OpenProject | null = null;

  constructor(private readonly options: EngineHostOptions) {
    this.calls = new EngineCalls((message) => this.supervisor.post(message));
    this.jobs = new JobQueue(
      {
        accepting: () => this.supervisor.status.state === 'ready',
        run: (jobId, kind, params) => this.supervisor.post({ t: 'job.run', jobId, kind, params }),
        cancel: (jobId) => this.supervisor.post({ t: 'job.cancel', jobId }),
      },
      (job) => this.emit('job.updated', job),
      options.cpuSlots ?? Math.max(1, availableParallelism() - 1),
    );
    this.supervisor = new EngineSupervisor(
      {
        spawn: options.spawn,
        log: (line) => this.log(line),
        quitTimeoutMs: options.quitTimeoutMs ?? 60_000,
        startTimeoutMs: options.startTimeoutMs ?? 30_000,
        pingIntervalMs: options.pingIntervalMs ?? 1_000,
      },
      {
        message: (message) => this.receive(message),
        prepare: (restarted) => (restarted ? this.reopenProject() : Promise.resolve()),
        ready: () => this.jobs.schedule(),
        gone: (reason) => this.engineGone(reason),
        status: (status) => this.emit('engine.status', status),
        ping: () => void this.calls.send('engine.ping', {}),
        silenceLimitMs: () =>
          this.jobs.isWorking('gpu') || this.calls.isWaitingFor(NETWORK_CALLS) ? (options.busyUnresponsiveMs ?? 120_000) : (options.unresponsiveMs ?? 7_000),
      },
    );
    this.roots = new AllowedRoots(this, options.roots ?? []);
  }

  get status(): EngineStatus {
    return this.supervisor.status;
  }

  /** The engine's process id (for diagnostics and the crash tests). */
  get enginePid(): number | undefined {
    return this.supervisor.pid;
  }

  /** The project the engine has open. */
  get project(): OpenProject | null {
    return this.openProject;
  }

  start(): Promise<void> {
    return this.supervisor.start();
  }

  onEvent(listener: HostEventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Called when the engine opened another project (for the recent-projects list and the allowed roots). */
  onProjectOpened(listener: (info: ProjectInfo) => void): () => void {
    this.projectListeners.add(listener);
    return () => this.projectListeners.delete(listener);
  }

  /** Calls an engine method; waits through a restart; never throws. */
  async call(method: string, params: unknown): Promise<ApiResult<unknown>> {
    if (this.supervisor.isStopping) return fail('ENGINE_UNAVAILABLE', 'DVP Studio is shutting down and takes no new work.');
    if (!(await this.supervisor.whenReady())) {
      return fail('ENGINE_UNAVAILABLE', `The DVP engine is not running: ${this.status.lastCrash ?? 'it was stopped'}.`);
    }
    return this.calls.send(method, params);
  }

  /**
   * Stops the engine: queued jobs are cancelled, running jobs are asked to stop after
   * their current write (a training checkpoint lands whole), the project is closed.
   * After `quitTimeoutMs` the engine is killed.
   */
  async shutdown(): Promise<void> {
    if (this.supervisor.isStopping) return;
    this.jobs.cancelQueued('DVP Studio is quitting.');
    await this.supervisor.shutdown();
  }

  private receive(message: EngineToHost): void {
    switch (message.t) {
      case 'result':
        this.calls.settle(message.id, message.result as ApiResult<unknown>);
        break;
      case 'job.progress':
        this.jobs.progress(message.jobId, message.progress);
        break;
      case 'job.done':
        this.jobs.done(message.jobId, message.result as ApiResult<unknown>);
        break;
      case 'event':
        if (!isEventName(message.event)) break;
        if (message.event === 'project.changed') this.followProject(message.payload);
        this.emit(message.event, message.payload);
        break;
      case 'ready':
      case 'flush':
        break;
    }
  }

  private followProject(payload: unknown): void {
    const parsed = events['project.changed'].safeParse(payload);
    if (!parsed.success) {
      this.log(`The engine reported an invalid open project: ${parsed.error.message}`);
      return;
    }
    const info: ProjectInfo | null = parsed.data;
    const previous = this.openProject;
    this.openProject = info && { file: info.file, readonly: info.readonly };
    if (info && info.file !== previous?.file) for (const listener of this.projectListeners) listener(info);
  }

  /** After a restart the project that was open is opened again before anyone else is served. */
  private async reopenProject(): Promise<void> {
    const reopen = this.openProject;
    if (!reopen) return;
    const result = await this.calls.send('project.open', reopen);
    // Lost again while reopening: the next engine tries once more.
    if (result.ok || result.error.code === 'ENGINE_CRASHED') return;
    this.log(`Could not reopen ${reopen.file} after the engine restarted: ${result.error.message}`);
    this.openProject = null;
    this.emit('project.changed', null);
  }

  private engineGone(reason: string | null): void {
    if (reason === null) {
      this.calls.failAll('DVP Studio is shutting down.');
      this.jobs.stopRunning('it was stopped because DVP Studio quit.');
      return;
    }
    this.calls.failAll(reason);
    this.jobs.failRunning(`${reason} The engine was restarted; start the job again.`);
  }

  private emit(event: EventName, payload: unknown): void {
    for (const listener of this.listeners) listener(event, payload);
  }

  private log(line: string): void {
    this.options.log?.(line);
  }
}
