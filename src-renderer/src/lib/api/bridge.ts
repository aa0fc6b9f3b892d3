import { ApiClient, type ApiTransport } from '../../../../src-main/api/client.js';
import { WebSocketTransport, type ConnectionState } from './ws-transport.js';

declare global {
  interface Window {
    /** Set by the Electron preload (contextBridge); absent in a browser. */
    readonly dvp?: ApiTransport;
  }
}

export interface Backend {
  api: ApiClient;
  /** Where frames come from: `media/…` relative to the page, in both shells. */
  mediaUrl(path: string): string;
  onConnection(listener: (state: ConnectionState) => void): () => void;
}

/** The same UI in both shells: Electron's preload bridge if present, else the WebSocket. */
export function connectBackend(): Backend {
  const base = new URL('.', window.location.href);
  const mediaUrl = (path: string): string => new URL(path.replace(/^\/+/, ''), base).href;
  if (window.dvp) {
    return { api: new ApiClient(window.dvp), mediaUrl, onConnection: (listener) => (listener('open'), () => undefined) };
  }
  const wsUrl = new URL('api', base);
  wsUrl.protocol = wsUrl.protocol === 'https:' ? 'wss:' : 'ws:';
  const transport = new WebSocketTransport(wsUrl.href);
  void transport.connect().catch(() => undefined);
  return { api: new ApiClient(transport), mediaUrl, onConnection: (listener) => transport.onState(listener) };
}
