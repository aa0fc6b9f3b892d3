import { createReadStream, existsSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Duplex } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import type { ErrorCode } from '../api/errors.js';
import { fail } from '../api/result.js';
import type { WireEvent, WireResponse } from '../api/wire.js';
import type { EngineHost } from '../host/engine-host.js';
import { isMediaPath, serveMedia, type RouteResponse } from '../host/media-route.js';
import { RecentProjects } from '../host/recent-projects.js';
import { ApiRouter } from '../host/router.js';
import { resolveStaticFile } from '../host/static-files.js';
import { SECURITY_HEADERS } from '../host/web-security.js';
import { DvpError } from '../shared/errors.js';
import { AccessControl, isLoopback, isWildcard } from './access.js';

export interface ServeOptions {
  host: EngineHost;
  /** The built UI (index.html and assets/). */
  uiDir: string;
  configDir: string;
  version: string;
  /** Address to listen on; 127.0.0.1 unless a studio deliberately exposes a GPU box. */
  bindAddress?: string;
  /** 0 picks a free port. */
  port?: number;
  /** A fixed token (tests); random otherwise. */
  token?: string;
  /** Folders the API may reach besides the open project's and its media's (`dvp serve --root DIR`). */
  roots?: readonly string[];
  log?: (line: string) => void;
  /** HTTPS with this certificate and key (PEM files); required to listen beyond loopback. */
  tls?: { certFile: string; keyFile: string };
  /** Host names a remote browser may use besides the bind address (`--allow-host`). */
  allowHosts?: readonly string[];
  /** How long a session lives without use (default 12 h), and the clock (tests). */
  sessionIdleMs?: number;
  now?: () => number;
}

export interface RunningServer {
  /** The URL to open, token included. */
  url: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

const API_PATH = '/api';
const MIB = 1 << 20;
/**
 * The largest API message a UI may send: 16 MiB. The largest schema-valid requests, with every
 * string at its maximum length and every number at its longest, fit: an `edit.apply` of 10,000
 * changes is 9.8 MiB, an `edit.curves` with 20,000 proposed keys 11.6 MiB
 * (test/shell/server-fuzz.test.ts measures both).
 */
export const MAX_MESSAGE_BYTES = 16 * MIB;
/** Beyond this `ws` itself drops the message at its header (close 1009, no reason). */
const HARD_MESSAGE_BYTES = 2 * MAX_MESSAGE_BYTES;

/**
 * Browser mode: the built UI, the media routes and the API (a WebSocket) over HTTP on
 * 127.0.0.1, behind a random token. The UI is the same bundle Electron loads.
 */
export async function startServer(options: ServeOptions): Promise<RunningServer> {
  if (!existsSync(path.join(options.uiDir, 'index.html'))) {
    throw new Error(`${options.uiDir}: the UI is not built (no index.html); run \`npm run build:renderer\` first.`);
  }
  const bindAddress = options.bindAddress ?? '127.0.0.1';
  if (!isLoopback(bindAddress) && !options.tls) {
    throw new DvpError(
      'INVALID_ARGUMENT',
      `--host ${bindAddress}: serving beyond this machine needs HTTPS; pass --tls-cert FILE and --tls-key FILE (PEM), or keep 127.0.0.1 and use an SSH tunnel (ssh -L).`,
    );
  }
  const tls = options.tls ? { cert: readPem(options.tls.certFile, '--tls-cert'), key: readPem(options.tls.keyFile, '--tls-key') } : undefined;
  const log = (line: string): void => options.log?.(line);
  for (const root of options.roots ?? []) options.host.roots.add(root);
  const router = new ApiRouter(options.host, new RecentProjects(options.configDir), { kind: 'browser', version: options.version });
  const sockets = new Set<WebSocket>();
  const wss = new WebSocketServer({ noServer: true, maxPayload: HARD_MESSAGE_BYTES });
  // Known once the port is: requests before that are answered 503.
  let access: AccessControl | undefined = undefined;

  const onRequest = (request: IncomingMessage, response: ServerResponse): void => {
    void handleHttp(request, response).catch((error: unknown) => {
      log(`HTTP ${request.url ?? ''} failed: ${(error as Error).message}`);
      if (!response.headersSent) send(response, { status: 500, headers: { 'Content-Type': 'text/plain; charset=utf-8' }, body: 'Internal error.' });
      else response.destroy();
    });
  };
  const server: Server = tls ? httpsServer(tls, options.tls as { certFile: string; keyFile: string }, onRequest) : createServer(onRequest);
  // A malformed request, a reset or a failed TLS handshake costs that connection, never the server.
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
    if (error.code !== 'ECONNRESET') log(`HTTP: refused a malformed request (${error.code ?? error.message}).`);
    if (error.code === 'ECONNRESET' || !socket.writable) return void socket.destroy();
    const status = error.code === 'HPE_HEADER_OVERFLOW' ? '431 Request Header Fields Too Large' : '400 Bad Request';
    socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
  });
  server.on('tlsClientError', (error: NodeJS.ErrnoException) => log(`HTTPS: a TLS handshake failed (${error.code ?? error.message}).`));

  async function handleHttp(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const gate = access;
    if (!gate) return send(response, plain(503, 'DVP Studio is starting.'));
    if (!gate.hostAllowed(request)) {
      return send(response, plain(421, 'This server does not answer to that host name; use the URL `dvp serve` printed (or start it with --allow-host NAME).'));
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') return send(response, plain(405, 'Only GET is served here.'));
    const url = new URL(request.url ?? '/', 'http://localhost');
    const queryToken = url.searchParams.get('token');
    const session = gate.session(request);
    if (queryToken !== null) {
      // The token is traded once for a session cookie, and leaves the address bar.
      url.searchParams.delete('token');
      const clean = `${url.pathname}${url.search}`;
      // The browser that traded it (a reload of the first URL, a prerender): just the clean URL.
      if (session.kind === 'valid') return send(response, { status: 303, headers: { Location: clean }, body: '' });
      const exchange = gate.exchangeToken(queryToken);
      if (exchange.kind === 'wrong') return send(response, plain(401, 'The access token in this URL is wrong; use the URL `dvp serve` printed.'));
      if (exchange.kind === 'used') return send(response, plain(401, TOKEN_USED));
      return send(response, { status: 303, headers: { Location: clean, 'Set-Cookie': exchange.cookie }, body: '' });
    }
    if (session.kind === 'expired') return send(response, plain(401, SESSION_ENDED));
    if (session.kind === 'none') return send(response, plain(401, 'Open the URL printed by `dvp serve`: it carries the access token.'));
    if (isMediaPath(url.pathname)) return send(response, await serveMedia(options.host, url.pathname));
    const file = resolveStaticFile(options.uiDir, url.pathname);
    if (!file) return send(response, plain(404, `Nothing at ${url.pathname}.`));
    response.writeHead(200, {
      ...SECURITY_HEADERS,
      'Content-Type': file.contentType,
      'Cache-Control': file.immutable ? 'private, max-age=31536000, immutable' : 'no-store',
    });
    if (request.method === 'HEAD') return void response.end();
    await pipeline(createReadStream(file.file), response).catch((error: NodeJS.ErrnoException) => {
      // A browser that went away mid-file is no failure of ours.
      if (error.code !== 'ERR_STREAM_PREMATURE_CLOSE') log(`HTTP ${url.pathname}: ${error.message}`);
      response.destroy();
    });
  }

  server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'ECONNRESET') log(`WebSocket: connection error (${error.code ?? error.message}).`);
    });
    const gate = access;
    const url = new URL(request.url ?? '/', 'http://localhost');
    const session = gate && url.pathname === API_PATH && gate.hostAllowed(request) && gate.originAllowed(request) ? gate.session(request) : undefined;
    if (!gate || session?.kind !== 'valid') {
      socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    wss.handleUpgrade(request, socket, head, (ws) => {
      sockets.add(ws);
      ws.on('close', () => sockets.delete(ws));
      // Invalid UTF-8, a bad opcode, reserved bits, a frame over the hard limit: `ws` has already
      // closed the connection with the matching code (1007, 1002, 1009); we only say so.
      ws.on('error', (error: Error & { code?: string }) => log(`WebSocket: dropped a connection that broke the protocol (${error.code ?? 'error'}: ${error.message}).`));
      ws.on('message', (data, isBinary) => {
        if (!gate.touch(session.secret)) return ws.close(1008, SESSION_ENDED_SHORT);
        if (isBinary) return ws.close(1003, 'The API speaks JSON text.');
        const bytes = byteLength(data);
        if (bytes > MAX_MESSAGE_BYTES) {
          log(`WebSocket: refused a ${(bytes / MIB).toFixed(1)} MiB message (the limit is ${MAX_MESSAGE_BYTES / MIB} MiB).`);
          return ws.close(1009, `A message may be at most ${MAX_MESSAGE_BYTES / MIB} MiB; this one was ${(bytes / MIB).toFixed(1)} MiB.`);
        }
        void answer(data).then((reply) => {
          if (ws.readyState === ws.OPEN) ws.send(reply);
        });
      });
    });
  });

  /** The JSON reply to one message: always one, whatever came in. */
  async function answer(data: RawData): Promise<string> {
    let message: unknown;
    try {
      message = JSON.parse(rawText(data));
    } catch (error) {
      const why = error instanceof RangeError ? 'it nests too deeply' : 'it is not valid JSON';
      return JSON.stringify(errorReply(0, 'BAD_REQUEST', `The message was refused: ${why}.`));
    }
    try {
      return JSON.stringify(await router.handle(message));
    } catch (error) {
      log(`API: a request failed unexpectedly: ${(error as Error).message}`);
      const id = typeof message === 'object' && message !== null && Number.isSafeInteger((message as { id?: unknown }).id) ? (message as { id: number }).id : 0;
      return JSON.stringify(errorReply(id, 'INTERNAL', `DVP Studio could not answer this request: ${(error as Error).message}`));
    }
  }

  const stopEvents = options.host.onEvent((event, payload) => {
    const message: WireEvent = { type: 'event', event, payload };
    const text = JSON.stringify(message);
    for (const ws of sockets) if (ws.readyState === ws.OPEN) ws.send(text);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE') reject(new DvpError('INVALID_ARGUMENT', `port ${options.port ?? 0} on ${bindAddress} is already in use; pick another with --port.`));
      else if (error.code === 'EADDRNOTAVAIL') reject(new DvpError('INVALID_ARGUMENT', `--host ${bindAddress}: this machine has no such address.`));
      else if (error.code === 'EACCES') reject(new DvpError('INVALID_ARGUMENT', `port ${options.port ?? 0}: not allowed to listen on it (ports under 1024 need privileges).`));
      else reject(error);
    });
    server.listen(options.port ?? 0, bindAddress, () => {
      server.off('error', reject);
      resolve();
    });
  });
  server.on('error', (error: Error) => log(`Server error: ${error.message}`));
  const port = (server.address() as AddressInfo).port;
  access = new AccessControl({
    port,
    bindAddress,
    tls: tls !== undefined,
    token: options.token,
    allowHosts: options.allowHosts,
    sessionIdleMs: options.sessionIdleMs,
    now: options.now,
  });
  const name = options.allowHosts?.[0] ?? (isWildcard(bindAddress) ? '127.0.0.1' : bindAddress);
  const shownHost = name.includes(':') && !name.startsWith('[') ? `[${name}]` : name;
  const token = access.token;

  return {
    url: `${tls ? 'https' : 'http'}://${shownHost}:${port}/?token=${token}`,
    port,
    token,
    async close() {
      stopEvents();
      for (const ws of sockets) ws.terminate();
      wss.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function send(response: ServerResponse, route: RouteResponse): void {
  response.writeHead(route.status, { ...SECURITY_HEADERS, ...route.headers });
  response.end(typeof route.body === 'string' ? route.body : Buffer.from(route.body.buffer, route.body.byteOffset, route.body.byteLength));
}

function plain(status: number, text: string): RouteResponse {
  return { status, headers: { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' }, body: text };
}

const TOKEN_USED =
  'This access URL was already used: it works once. Use the tab that opened it, or stop `dvp serve` and start it again for a new URL.';
const SESSION_ENDED = 'This session has ended (unused for 12 hours, or the server restarted). Stop `dvp serve` and start it again for a new URL.';
/** A close reason is at most 123 bytes. */
const SESSION_ENDED_SHORT = 'The session has ended; restart `dvp serve` and open the new URL.';

function errorReply(id: number, code: ErrorCode, message: string): WireResponse {
  return { type: 'response', id, result: fail(code, message) };
}

function byteLength(data: RawData): number {
  if (Array.isArray(data)) return data.reduce((sum, part) => sum + part.byteLength, 0);
  return data.byteLength;
}

function rawText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString();
  return Buffer.isBuffer(data) ? data.toString() : Buffer.from(data).toString();
}

function httpsServer(pem: { cert: Buffer; key: Buffer }, files: { certFile: string; keyFile: string }, onRequest: (request: IncomingMessage, response: ServerResponse) => void): Server {
  try {
    return createHttpsServer(pem, onRequest);
  } catch (error) {
    throw new DvpError('INVALID_ARGUMENT', `--tls-cert ${files.certFile} --tls-key ${files.keyFile}: not a usable PEM certificate and its key (${(error as Error).message}).`);
  }
}

function readPem(file: string, flag: string): Buffer {
  try {
    return readFileSync(file);
  } catch (error) {
    throw new DvpError('INVALID_ARGUMENT', `${flag} ${file}: cannot read it (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}).`, { file });
  }
}
