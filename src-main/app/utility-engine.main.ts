import { utilityProcess } from 'electron';
import { createInterface } from 'node:readline';
import { engineEntry } from '../host/engine-entry.js';
import type { EngineProcess, EngineSpawner } from '../host/engine-process.js';

/** Starts the engine as an Electron utility process (Node, out of the main process). */
export function utilityEngineSpawner(): EngineSpawner {
  return () => {
    const { module } = engineEntry();
    const child = utilityProcess.fork(module, [], { serviceName: 'DVP Studio engine', stdio: 'pipe' });
    let killedByUs = false;
    const engine: EngineProcess = {
      get pid() {
        return child.pid;
      },
      post: (message) => child.postMessage(message),
      onMessage: (listener) => child.on('message', listener),
      // A utility process reports only an exit code; name our own kill as a signal.
      onExit: (listener) => child.once('exit', (code) => listener({ code, signal: killedByUs ? 'SIGKILL' : null })),
      onOutput: (listener) => {
        for (const stream of [child.stdout, child.stderr]) if (stream) createInterface({ input: stream }).on('line', listener);
      },
      kill: () => {
        killedByUs = true;
        child.kill();
      },
    };
    return engine;
  };
}
