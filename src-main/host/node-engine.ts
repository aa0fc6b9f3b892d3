import { fork } from 'node:child_process';
import { createInterface } from 'node:readline';
import { engineEntry } from './engine-entry.js';
import type { EngineProcess, EngineSpawner } from './engine-process.js';

export interface NodeEngineOptions {
  env?: NodeJS.ProcessEnv;
  /** Extra Node flags for the engine (tests use `--import` to register test-only jobs). */
  execArgv?: string[];
}

const POSIX = process.platform !== 'win32';

/**
 * Starts the engine as a Node child process with a structured-clone IPC channel (bytes pass
 * as they are). On POSIX the engine leads its own process group, so when it dies the
 * ffmpeg processes it started die with it instead of writing on as orphans.
 */
export function nodeEngineSpawner(options: NodeEngineOptions = {}): EngineSpawner {
  return () => {
    const { module, execArgv } = engineEntry();
    const child = fork(module, [], {
      execArgv: [...execArgv, ...(options.execArgv ?? [])],
      env: options.env ?? process.env,
      serialization: 'advanced',
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      detached: POSIX,
    });
    const pid = child.pid;
    const killGroup = (): void => {
      if (pid === undefined) return;
      try {
        if (POSIX) process.kill(-pid, 'SIGKILL');
        else child.kill('SIGKILL');
      } catch {
        // The group is already gone.
      }
    };
    const engine: EngineProcess = {
      pid,
      post(message) {
        if (child.connected) child.send(message);
      },
      onMessage(listener) {
        child.on('message', listener);
      },
      onExit(listener) {
        child.once('exit', (code, signal) => {
          killGroup();
          listener({ code, signal });
        });
      },
      onOutput(listener) {
        for (const stream of [child.stdout, child.stderr]) {
          if (stream) createInterface({ input: stream }).on('line', listener);
        }
      },
      kill: killGroup,
    };
    return engine;
  };
}
