import { ipcMain, type WebContents } from 'electron';
import type { WireEvent } from '../api/wire.js';
import type { EngineHost } from '../host/engine-host.js';
import type { ApiRouter } from '../host/router.js';
import { isTrustedSender } from './sender-check.main.js';

export const API_CHANNEL = 'dvp:api';
export const EVENT_CHANNEL = 'dvp:event';

/**
 * The API over IPC. A message is answered only when it comes from our own window's main
 * frame on the app origin; its content is then validated by the router like any request.
 */
export function serveApiOverIpc(router: ApiRouter, host: EngineHost, window: () => WebContents | undefined): () => void {
  ipcMain.handle(API_CHANNEL, async (event, message: unknown) => {
    if (!isTrustedSender(event.sender, event.senderFrame, window())) {
      return { type: 'response', id: 0, result: { ok: false, error: { code: 'FORBIDDEN', message: 'This window may not use the DVP Studio API.' } } };
    }
    return router.handle(message);
  });
  const stop = host.onEvent((name, payload) => {
    const target = window();
    const message: WireEvent = { type: 'event', event: name, payload };
    if (target && !target.isDestroyed()) target.send(EVENT_CHANNEL, message);
  });
  return () => {
    ipcMain.removeHandler(API_CHANNEL);
    stop();
  };
}
