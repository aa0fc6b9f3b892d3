import type { EngineToHost, HostToEngine } from './engine-protocol.js';

export interface EngineExit {
  code: number | null;
  signal: string | null;
}

/**
 * One running engine process, whatever started it: Node's `child_process.fork` (CLI,
 * browser mode, tests) or Electron's `utilityProcess.fork` (the desktop app).
 */
export interface EngineProcess {
  readonly pid: number | undefined;
  post(message: HostToEngine): void;
  onMessage(listener: (message: unknown) => void): void;
  onExit(listener: (exit: EngineExit) => void): void;
  /** Lines the engine wrote to stdout/stderr (its log). */
  onOutput(listener: (line: string) => void): void;
  kill(): void;
}

export type EngineSpawner = () => EngineProcess;

export type { EngineToHost, HostToEngine };
