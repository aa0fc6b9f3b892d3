import { availableParallelism } from 'node:os';
import type { EventName } from '../api/events.js';
import { isEventName } from '../api/events.js';
import { API_ERROR, fail, type ApiResult } from '../api/result.js';
import type { EngineState, EngineStatus, Job, ProjectInfo } from '../api/schemas.js';
import { AllowedRoots } from './allowed-roots.js';
import type { EngineProcess, EngineSpawner, EngineExit } from './engine-process.js';
import { EngineToHostSchema, type EngineToHost, type HostToEngine } from './engine-protocol.js';
import { JobQueue } from './job-queue.js';

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
}

type HostEventListener = (event: EventName, payload: unknown) => void;

interface PendingCall {
  method: string;
  resolve: (result: ApiResult<unknown>) => void;
}

const OUTPUT_TAIL_LINES = 20;

/**
 * Owns the engine process: starts it, routes calls and jobs to it, notices when it dies
 * (the running jobs fail with the reason, the engine restarts and reopens the project),
 * and shuts it down gracefully. The same class serves Electron, `dvp serve` and tests;
 * only the spawner differs.
 */
export class EngineHost {
  readonly jobs: JobQueue;
  /** The folders every path the API accepts or lists must be inside (checked by the router and the media routes). */
  readonly roots: AllowedRoots;
  private engine: EngineProcess | undefined;
  private state: EngineState = 'stopped';
  private restarts = 0;
  private lastCrash: string | null = null;
  private readonly pending = new Map<number, PendingCall>();
  private nextCallId = 1;
  private readyWaiters: Array<(ok: boolean) => void> = [];
  private readonly listeners = new Set<HostEventListener>();
  private readonly projectListeners = new Set<(info: ProjectInfo) => void>();
  private openProject: { file: string; readonly: boolean } | null = null;
  private stopping = false;
  private outputTail: string[] = [];
  private crashTimes: number[] = [];
  private exitWaiter: (() => void) | undefined;

  constructor(private readonly options: EngineHostOptions) {
    const cpuSlots = options.cpuSlots ?? Math.max(1, availableParallelism() - 1);
    this.jobs = new JobQueue(
      {
        accepting: () => this.state === 'ready',
        run: (jobId, kind, params) => this.post({ t: 'job.run', jobId, kind, params }),
        cancel: (jobId) => this.post({ t: 'job.cancel', jobId }),
      },
      (job: Job) => this.emit('job.updated', job),
      cpuSlots,
    );
    this.roots = new AllowedRoots(this, options.roots ?? []);
  }

  get status(): EngineStatus {
    return { state: this.state, restarts: this.restarts, lastCrash: this.lastCrash };
  }

  /** The engine's process id (for diagnostics and the crash tests). */
  get enginePid(): number | undefined {
    return this.engine?.pid;
  }

  async start(): Promise<void> {
    if (this.state !== 'stopped' || this.stopping) return;
    this.launch('starting');
    if (!(await this.whenReady())) throw new Error(`The DVP engine did not start: ${this.lastCrash ?? 'no reason given'}`);
  }

  onEvent(listener: HostEventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Called after a project was opened or created (for the recent-projects list). */
  onProjectOpened(listener: (info: ProjectInfo) => void): () => void {
    this.projectListeners.add(listener);
    return () => this.projectListeners.delete(listener);
  }

  /** Calls an engine method; waits through a restart; never throws. */
  async call(method: string, params: unknown): Promise<ApiResult<unknown>> {
    if (this.stopping) return fail(API_ERROR.ENGINE_UNAVAILABLE, 'DVP Studio is shutting down and takes no new work.');
    if (this.state !== 'ready' && !(await this.whenReady())) {
      return fail(API_ERROR.ENGINE_UNAVAILABLE, `The DVP engine is not running: ${this.lastCrash ?? 'it was stopped'}.`);
    }
    const id = this.nextCallId++;
    const result = await new Promise<ApiResult<unknown>>((resolve) => {
      this.pending.set(id, { method, resolve });
      this.post({ t: 'call', id, method, params });
    });
    if (result.ok) this.track(method, result.value);
    return result;
  }

  /**
   * Stops the engine: queued jobs are cancelled, running jobs are asked to stop after
   * their current write (a training checkpoint lands whole), the project is closed.
   * After `quitTimeoutMs` the engine is killed.
   */
  async shutdown(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    this.jobs.cancelQueued('DVP Studio is quitting.');
    const engine = this.engine;
    if (!engine || this.state === 'stopped') {
      this.setState('stopped');
      return;
    }
    const exited = new Promise<void>((resolve) => {
      this.exitWaiter = resolve;
    });
    this.post({ t: 'shutdown' });
    const timer = setTimeout(() => {
      this.log(`The engine did not stop within ${this.quitTimeoutMs} ms; killing it.`);
      engine.kill();
    }, this.quitTimeoutMs);
    await exited;
    clearTimeout(timer);
  }

  private get quitTimeoutMs(): number {
    return this.options.quitTimeoutMs ?? 60_000;
  }

  private launch(state: 'starting' | 'restarting'): void {
    this.setState(state);
    this.outputTail = [];
    let engine: EngineProcess;
    try {
      engine = this.options.spawn();
    } catch (error) {
      this.lastCrash = `the engine could not be started (${(error as Error).message})`;
      this.setState('stopped');
      this.settleReady(false);
      return;
    }
    this.engine = engine;
    const startTimer = setTimeout(() => {
      if (this.engine === engine && this.state !== 'ready') {
        this.log('The engine did not report ready in time; killing it.');
        engine.kill();
      }
    }, this.options.startTimeoutMs ?? 30_000);
    engine.onOutput((line) => {
      this.outputTail.push(line);
      if (this.outputTail.length > OUTPUT_TAIL_LINES) this.outputTail.shift();
      this.log(`[engine] ${line}`);
    });
    engine.onMessage((raw) => {
      const parsed = EngineToHostSchema.safeParse(raw);
      if (!parsed.success) {
        this.log(`Dropped a malformed message from the engine: ${parsed.error.message}`);
        return;
      }
      if (parsed.data.t === 'ready') clearTimeout(startTimer);
      this.receive(parsed.data);
    });
    engine.onExit((exit) => {
      clearTimeout(startTimer);
      if (this.engine === engine) this.exited(exit);
    });
  }

  private receive(message: EngineToHost): void {
    switch (message.t) {
      case 'ready':
        void this.becomeReady();
        break;
      case 'result': {
        const call = this.pending.get(message.id);
        this.pending.delete(message.id);
        call?.resolve(message.result as ApiResult<unknown>);
        break;
      }
      case 'job.progress':
        this.jobs.progress(message.jobId, message.progress);
        break;
      case 'job.done':
        this.jobs.done(message.jobId, message.result as ApiResult<unknown>);
        break;
      case 'event':
        if (isEventName(message.event)) this.emit(message.event, message.payload);
        break;
      case 'flush':
        break;
    }
  }

  /** After a restart the project that was open is opened again before anyone else is served. */
  private async becomeReady(): Promise<void> {
    const reopen = this.openProject;
    if (reopen && this.restarts > 0) {
      const id = this.nextCallId++;
      const result = await new Promise<ApiResult<unknown>>((resolve) => {
        this.pending.set(id, { method: 'project.open', resolve });
        this.post({ t: 'call', id, method: 'project.open', params: reopen });
      });
      if (!result.ok) {
        this.log(`Could not reopen ${reopen.file} after the engine restarted: ${result.error.message}`);
        this.openProject = null;
        this.emit('project.changed', null);
      }
    }
    this.setState('ready');
    this.settleReady(true);
    this.jobs.schedule();
  }

  private exited(exit: EngineExit): void {
    this.engine = undefined;
    if (this.stopping) {
      this.failPending('DVP Studio is shutting down.');
      this.jobs.stopRunning('it was stopped because DVP Studio quit.');
      this.setState('stopped');
      this.exitWaiter?.();
      return;
    }
    const reason = describeExit(exit, this.outputTail);
    this.lastCrash = reason;
    this.log(`The engine stopped unexpectedly: ${reason}`);
    this.failPending(reason);
    this.jobs.failRunning(`${reason} The engine was restarted; start the job again.`);
    const now = Date.now();
    this.crashTimes = [...this.crashTimes.filter((t) => now - t < 60_000), now];
    if (this.crashTimes.length > 5) {
      this.lastCrash = `${reason} It crashed ${this.crashTimes.length} times within a minute, so it was not restarted.`;
      this.setState('stopped');
      this.settleReady(false);
      return;
    }
    this.restarts++;
    this.setState('restarting');
    const delay = Math.min(5_000, 100 * 2 ** (this.crashTimes.length - 1));
    setTimeout(() => {
      if (!this.stopping) this.launch('restarting');
    }, delay);
  }

  private failPending(reason: string): void {
    for (const [id, call] of this.pending) {
      this.pending.delete(id);
      call.resolve(fail(API_ERROR.ENGINE_CRASHED, `'${call.method}' did not finish: ${reason}`));
    }
  }

  /** Remembers which project is open, so a restarted engine can reopen it. */
  private track(method: string, value: unknown): void {
    if (method === 'project.new' || method === 'project.open') {
      const info = value as ProjectInfo;
      this.openProject = { file: info.file, readonly: info.readonly };
      for (const listener of this.projectListeners) listener(info);
    } else if (method === 'project.close') {
      this.openProject = null;
    }
  }

  private whenReady(): Promise<boolean> {
    if (this.state === 'ready') return Promise.resolve(true);
    if (this.state === 'stopped' && !this.engine) return Promise.resolve(false);
    return new Promise((resolve) => this.readyWaiters.push(resolve));
  }

  private settleReady(ok: boolean): void {
    const waiters = this.readyWaiters;
    this.readyWaiters = [];
    for (const resolve of waiters) resolve(ok);
  }

  private setState(state: EngineState): void {
    if (this.state === state) return;
    this.state = state;
    this.emit('engine.status', this.status);
  }

  private post(message: HostToEngine): void {
    this.engine?.post(message);
  }

  private emit(event: EventName, payload: unknown): void {
    for (const listener of this.listeners) listener(event, payload);
  }

  private log(line: string): void {
    this.options.log?.(line);
  }
}

function describeExit(exit: EngineExit, tail: string[]): string {
  const how = exit.signal ? `it was killed by ${exit.signal}` : `it exited with code ${exit.code ?? 'unknown'}`;
  const lastLine = [...tail].reverse().find((line) => line.trim().length > 0);
  return `The engine stopped unexpectedly (${how}${lastLine ? `; last output: ${lastLine.trim().slice(0, 300)}` : ''}).`;
}
