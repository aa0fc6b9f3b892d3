/**
 * The engine's line to its host. Under Electron the engine is a utility process and talks
 * through `process.parentPort`; under Node it is a forked child and uses `process.send`.
 * (The engine never imports `electron`: the port is reached structurally.)
 */
export interface HostChannel {
  post(message: unknown): void;
  onMessage(listener: (message: unknown) => void): void;
  /** Called once when the host goes away. */
  onDisconnect(listener: () => void): void;
  /** Resolves once everything posted so far has been handed to the host (before exiting). */
  flush(): Promise<void>;
}

interface ParentPortLike {
  on(event: 'message', listener: (event: { data: unknown }) => void): void;
  postMessage(message: unknown): void;
}

export function openHostChannel(): HostChannel {
  const port = (process as unknown as { parentPort?: ParentPortLike }).parentPort;
  if (port) {
    return {
      post: (message) => port.postMessage(message),
      onMessage: (listener) => port.on('message', (event) => listener(event.data)),
      // Electron ends a utility process together with its main process.
      onDisconnect: () => undefined,
      flush: () => new Promise((resolve) => setTimeout(resolve, 20)),
    };
  }
  const send = process.send?.bind(process);
  if (!send) throw new Error('The DVP engine must be started by DVP Studio (it has no channel to a host).');
  return {
    post: (message) => {
      if (process.connected) send(message);
    },
    onMessage: (listener) => process.on('message', listener),
    onDisconnect: (listener) => process.once('disconnect', listener),
    flush: () =>
      new Promise((resolve) => {
        if (!process.connected) return resolve();
        // IPC messages are delivered in order: once this empty one is written, all earlier ones are.
        process.send?.({ t: 'flush' }, undefined, {}, () => resolve());
      }),
  };
}
