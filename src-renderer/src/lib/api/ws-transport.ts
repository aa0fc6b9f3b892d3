import type { ApiTransport } from '../../../../src-main/api/client.js';
import type { WireRequest } from '../../../../src-main/api/wire.js';

export type ConnectionState = 'connecting' | 'open' | 'closed';

/** The close code the server sends when the browser session has expired (RFC 6455 policy violation). */
const SESSION_ENDED = 1008;

interface Pending {
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
}

const REQUEST_TIMEOUT_MS = 120_000;

/**
 * Browser mode's way to the backend: one WebSocket to `/api` on the page's own origin
 * (the access cookie authenticates it). Reconnects with backoff; requests made while
 * disconnected wait for the connection.
 */
export class WebSocketTransport implements ApiTransport {
  private socket: WebSocket | undefined;
  private readonly pending = new Map<number, Pending>();
  private readonly eventListeners = new Set<(raw: unknown) => void>();
  private readonly stateListeners = new Set<(state: ConnectionState) => void>();
  private opened: Promise<void> | undefined;
  private retry = 0;

  constructor(private readonly url: string) {}

  send(request: WireRequest): Promise<unknown> {
    return this.connect().then(
      () =>
        new Promise((resolve, reject) => {
          const timer = setTimeout(() => {
            this.pending.delete(request.id);
            reject(new Error(`no answer to '${request.method}' within ${REQUEST_TIMEOUT_MS / 1000} s`));
          }, REQUEST_TIMEOUT_MS);
          this.pending.set(request.id, {
            resolve: (value) => {
              clearTimeout(timer);
              resolve(value);
            },
            reject: (error) => {
              clearTimeout(timer);
              reject(error);
            },
          });
          this.socket?.send(JSON.stringify(request));
        }),
    );
  }

  onEvent(listener: (raw: unknown) => void): () => void {
    this.eventListeners.add(listener);
    return () => this.eventListeners.delete(listener);
  }

  onState(listener: (state: ConnectionState) => void): () => void {
    this.stateListeners.add(listener);
    return () => this.stateListeners.delete(listener);
  }

  connect(): Promise<void> {
    if (this.opened) return this.opened;
    this.setState('connecting');
    this.opened = new Promise((resolve, reject) => {
      const socket = new WebSocket(this.url);
      this.socket = socket;
      socket.onopen = () => {
        this.retry = 0;
        this.setState('open');
        resolve();
      };
      socket.onmessage = (message) => this.receive(message.data);
      socket.onclose = (event) => {
        const wasOpen = this.socket === socket && this.opened !== undefined;
        this.socket = undefined;
        this.opened = undefined;
        // The server says why it closed (a message over the size limit, an expired session): pass that on.
        const why = event.reason ? `: ${event.reason}` : '';
        for (const [id, call] of this.pending) {
          this.pending.delete(id);
          call.reject(new Error(`the connection to DVP Studio was lost${why}`));
        }
        this.setState('closed');
        reject(new Error(`the connection to DVP Studio closed${why}`));
        // A session that ended (policy violation) cannot reconnect with the same cookie.
        if (wasOpen && event.code !== SESSION_ENDED) this.scheduleReconnect();
      };
    });
    // A failed first attempt is reported to the caller; keep trying in the background.
    this.opened.catch(() => undefined);
    return this.opened;
  }

  private scheduleReconnect(): void {
    const delay = Math.min(10_000, 250 * 2 ** this.retry++);
    setTimeout(() => {
      this.connect().catch(() => this.scheduleReconnect());
    }, delay);
  }

  private receive(data: unknown): void {
    if (typeof data !== 'string') return;
    let message: { type?: unknown; id?: unknown };
    try {
      message = JSON.parse(data) as { type?: unknown; id?: unknown };
    } catch {
      return;
    }
    if (message.type === 'response' && typeof message.id === 'number') {
      const call = this.pending.get(message.id);
      this.pending.delete(message.id);
      call?.resolve(message);
    } else if (message.type === 'event') {
      for (const listener of this.eventListeners) listener(message);
    }
  }

  private setState(state: ConnectionState): void {
    for (const listener of this.stateListeners) listener(state);
  }
}
