import type { EngineState, EngineStatus } from '../api/schemas.js';
import type { EngineExit, EngineProcess, EngineSpawner } from './engine-process.js';
import { EngineToHostSchema, type EngineToHost, type HostToEngine } from './engine-protocol.js';
import { Heartbeat } from './heartbeat.js';

export interface SupervisorOptions {
  spawn: EngineSpawner;
  log: (line: string) => void;
  quitTimeoutMs: number;
  startTimeoutMs: number;
  pingIntervalMs: number;
}

/** What the supervisor tells the rest of the host, and asks of it. */
export interface EngineLifecycle {
  /** A validated message from the running engine (every kind but `ready`). */
  message(message: EngineToHost): void;
  /** A fresh engine said it is ready; resolves once it may serve (after a restart the project is reopened first). */
  prepare(restarted: boolean): Promise<void>;
  /** The engine is ready for work. */
  ready(): void;
  /** The engine is gone: unexpectedly (`reason` says why), or because DVP Studio quits (`reason` null). */
  gone(reason: string | null): void;
  status(status: EngineStatus): void;
  /** Sends the health check (anything the engine sends counts as its answer). */
  ping(): void;
  /** How long the engine may stay silent now before it counts as hung. */
  silenceLimitMs(): number;
}

const OUTPUT_TAIL_LINES = 20;
const CRASH_WINDOW_MS = 60_000;
const MAX_CRASHES = 5;

/**
 * The engine process's life: starts it, waits for it to say it is ready, pings it, and when
 * it dies or stops answering (it is killed then) restarts it with a backoff, giving up after
 * six losses within a minute. Quitting asks it to stop and kills it after `quitTimeoutMs`.
 */
export class EngineSupervisor {
  private engine: EngineProcess | undefined;
  private state: EngineState = 'stopped';
  private restarts = 0;
  private lastCrash: string | null = null;
  private readyWaiters: Array<(ok: boolean) => void> = [];
  private outputTail: string[] = [];
  private crashTimes: number[] = [];
  private stopping = false;
  private exitWaiter: (() => void) | undefined;
  private readonly heartbeat: Heartbeat;

  constructor(
    private readonly options: SupervisorOptions,
    private readonly lifecycle: EngineLifecycle,
  ) {
    this.heartbeat = new Heartbeat(options.pingIntervalMs, () => lifecycle.ping(), () => lifecycle.silenceLimitMs(), (silentMs) => this.hung(silentMs));
  }

  get status(): EngineStatus {
    return { state: this.state, restarts: this.restarts, lastCrash: this.lastCrash };
  }

  get pid(): number | undefined {
    return this.engine?.pid;
  }

  get isStopping(): boolean {
    return this.stopping;
  }

  async start(): Promise<void> {
    if (this.state !== 'stopped' || this.stopping) return;
    this.launch('starting');
    if (!(await this.whenReady())) throw new Error(`The DVP engine did not start: ${this.lastCrash ?? 'no reason given'}`);
  }

  /** Resolves true once the engine can serve, false when it will not (stopped, gave up restarting). */
  whenReady(): Promise<boolean> {
    if (this.state === 'ready') return Promise.resolve(true);
    if (this.state === 'stopped' && !this.engine) return Promise.resolve(false);
    return new Promise((resolve) => this.readyWaiters.push(resolve));
  }

  post(message: HostToEngine): void {
    this.engine?.post(message);
  }

  async shutdown(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    this.heartbeat.stop();
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
      this.options.log(`The engine did not stop within ${this.options.quitTimeoutMs} ms; killing it.`);
      engine.kill();
    }, this.options.quitTimeoutMs);
    await exited;
    clearTimeout(timer);
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
        this.options.log('The engine did not report ready in time; killing it.');
        engine.kill();
      }
    }, this.options.startTimeoutMs);
    engine.onOutput((line) => {
      this.outputTail.push(line);
      if (this.outputTail.length > OUTPUT_TAIL_LINES) this.outputTail.shift();
      this.options.log(`[engine] ${line}`);
    });
    engine.onMessage((raw) => {
      if (this.engine !== engine) return;
      this.heartbeat.heard();
      const parsed = EngineToHostSchema.safeParse(raw);
      if (!parsed.success) {
        this.options.log(`Dropped a malformed message from the engine: ${parsed.error.message}`);
        return;
      }
      if (parsed.data.t !== 'ready') {
        this.lifecycle.message(parsed.data);
        return;
      }
      clearTimeout(startTimer);
      void this.becomeReady(engine);
    });
    engine.onExit((exit) => {
      clearTimeout(startTimer);
      if (this.engine === engine) this.exited(exit);
    });
  }

  private async becomeReady(engine: EngineProcess): Promise<void> {
    if (!this.stopping) this.heartbeat.start();
    await this.lifecycle.prepare(this.restarts > 0);
    if (this.engine !== engine) return;
    this.setState('ready');
    this.settleReady(true);
    this.lifecycle.ready();
  }

  private exited(exit: EngineExit): void {
    this.engine = undefined;
    this.heartbeat.stop();
    if (this.stopping) {
      this.lifecycle.gone(null);
      this.setState('stopped');
      this.exitWaiter?.();
      return;
    }
    this.lost(describeExit(exit, this.outputTail));
  }

  /** Silent for too long: its event loop is stuck. It is killed and counts as a crash. */
  private hung(silentMs: number): void {
    const engine = this.engine;
    if (!engine || this.stopping) return;
    this.engine = undefined;
    engine.kill();
    this.lost(`The engine stopped answering (nothing heard for ${(silentMs / 1000).toFixed(1)} s), so it was stopped.`);
  }

  private lost(reason: string): void {
    this.lastCrash = reason;
    this.options.log(`The engine was lost: ${reason}`);
    this.lifecycle.gone(reason);
    const now = Date.now();
    this.crashTimes = [...this.crashTimes.filter((t) => now - t < CRASH_WINDOW_MS), now];
    if (this.crashTimes.length > MAX_CRASHES) {
      this.lastCrash = `${reason} It was lost ${this.crashTimes.length} times within a minute, so it was not restarted.`;
      this.setState('stopped');
      this.settleReady(false);
      return;
    }
    this.restarts++;
    this.setState('restarting', true);
    const delay = Math.min(5_000, 100 * 2 ** (this.crashTimes.length - 1));
    setTimeout(() => {
      if (!this.stopping) this.launch('restarting');
    }, delay);
  }

  private settleReady(ok: boolean): void {
    const waiters = this.readyWaiters;
    this.readyWaiters = [];
    for (const resolve of waiters) resolve(ok);
  }

  /** `announce`: tell even when the state stays (a new crash while restarting). */
  private setState(state: EngineState, announce = false): void {
    if (this.state === state && !announce) return;
    this.state = state;
    this.lifecycle.status(this.status);
  }
}

function describeExit(exit: EngineExit, tail: string[]): string {
  const how = exit.signal ? `it was killed by ${exit.signal}` : `it exited with code ${exit.code ?? 'unknown'}`;
  const lastLine = [...tail].reverse().find((line) => line.trim().length > 0);
  return `The engine stopped unexpectedly (${how}${lastLine ? `; last output: ${lastLine.trim().slice(0, 300)}` : ''}).`;
}
