import { contextBridge, ipcRenderer } from 'electron';

/**
 * The sandboxed preload: exposes exactly the API transport (`window.dvp`) and nothing of
 * Node or Electron. Bundled to CommonJS (a sandboxed preload cannot load ES modules) by
 * `src-main/app/preload.vite.config.mjs`. The main process validates every message.
 */
const API_CHANNEL = 'dvp:api';
const EVENT_CHANNEL = 'dvp:event';

contextBridge.exposeInMainWorld('dvp', {
  send: (request: unknown): Promise<unknown> => ipcRenderer.invoke(API_CHANNEL, request),
  onEvent: (listener: (message: unknown) => void): (() => void) => {
    const forward = (_event: unknown, message: unknown): void => listener(message);
    ipcRenderer.on(EVENT_CHANNEL, forward);
    return () => ipcRenderer.removeListener(EVENT_CHANNEL, forward);
  },
});
