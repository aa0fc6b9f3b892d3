import { createReadStream, existsSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import type { WireEvent } from '../api/wire.js';
import type { EngineHost } from '../host/engine-host.js';
import { isMediaPath, serveMedia, type RouteResponse } from '../host/media-route.js';
import { RecentProjects } from '../host/recent-projects.js';
import { ApiRouter } from '../host/router.js';
import { resolveStaticFile } from '../host/static-files.js';
import { SECURITY_HEADERS } from '../host/web-security.js';
import { AccessControl } from './access.js';

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
  log?: (line: string) => void;
}

export interface RunningServer {
  /** The URL to open, token included. */
  url: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

const API_PATH = '/api';
const MAX_MESSAGE_BYTES = 1 << 20;

/**
 * Browser mode: the built UI, the media routes and the API (a WebSocket) over HTTP on
 * 127.0.0.1, behind a random token. The UI is the same bundle Electron loads.
 */
export async function startServer(options: ServeOptions): Promise<RunningServer> {
  if (!existsSync(path.join(options.uiDir, 'index.html'))) {
    throw new Error(`${options.uiDir}: the UI is not built (no index.html); run \`npm run build:renderer\` first.`);
  }
  const bindAddress = options.bindAddress ?? '127.0.0.1';
  const router = new ApiRouter(options.host, new RecentProjects(options.configDir), { kind: 'browser', version: options.version });
  const sockets = new Set<WebSocket>();
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });
  // Known once the port is: requests before that are answered 503.
  let access: AccessControl | undefined = undefined;

  const server: Server = createServer((request, response) => {
    void handleHttp(request, response).catch((error: unknown) => {
      options.log?.(`HTTP ${request.url ?? ''} failed: ${(error as Error).message}`);
      if (!response.headersSent) send(response, { status: 500, headers: { 'Content-Type': 'text/plain; charset=utf-8' }, body: 'Internal error.' });
      else response.destroy();
    });
  });

  async function handleHttp(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const gate = access;
    if (!gate) return send(response, plain(503, 'DVP Studio is starting.'));
    if (!gate.hostAllowed(request)) return send(response, plain(421, 'This server only answers on its loopback address.'));
    if (request.method !== 'GET' && request.method !== 'HEAD') return send(response, plain(405, 'Only GET is served here.'));
    const url = new URL(request.url ?? '/', 'http://localhost');
    const queryToken = url.searchParams.get('token');
    if (queryToken !== null) {
      if (!gate.tokenMatches(queryToken)) return send(response, plain(401, 'The access token in this URL is wrong; use the URL `dvp serve` printed.'));
      // Trade the token for a cookie and drop it from the address bar.
      url.searchParams.delete('token');
      return send(response, { status: 303, headers: { Location: `${url.pathname}${url.search}`, 'Set-Cookie': gate.cookieHeader() }, body: '' });
    }
    if (!gate.hasValidCookie(request)) return send(response, plain(401, 'Open the URL printed by `dvp serve`: it carries the access token.'));
    if (isMediaPath(url.pathname)) return send(response, await serveMedia(options.host, url.pathname));
    const file = resolveStaticFile(options.uiDir, url.pathname);
    if (!file) return send(response, plain(404, `Nothing at ${url.pathname}.`));
    response.writeHead(200, {
      ...SECURITY_HEADERS,
      'Content-Type': file.contentType,
      'Cache-Control': file.immutable ? 'private, max-age=31536000, immutable' : 'no-store',
    });
    if (request.method === 'HEAD') return void response.end();
    createReadStream(file.file).pipe(response);
  }

  server.on('upgrade', (request, socket, head) => {
    const gate = access;
    const url = new URL(request.url ?? '/', 'http://localhost');
    if (!gate || url.pathname !== API_PATH || !gate.hostAllowed(request) || !gate.originAllowed(request) || !gate.hasValidCookie(request)) {
      socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\n\r\n');
      return;
    }
    wss.handleUpgrade(request, socket, head, (ws) => {
      sockets.add(ws);
      ws.on('close', () => sockets.delete(ws));
      ws.on('message', (data, isBinary) => {
        if (isBinary) return ws.close(1003, 'The API speaks JSON text.');
        let message: unknown;
        try {
          message = JSON.parse(data.toString());
        } catch {
          message = undefined;
        }
        void router.handle(message).then((reply) => {
          if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(reply));
        });
      });
    });
  });

  const stopEvents = options.host.onEvent((event, payload) => {
    const message: WireEvent = { type: 'event', event, payload };
    const text = JSON.stringify(message);
    for (const ws of sockets) if (ws.readyState === ws.OPEN) ws.send(text);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, bindAddress, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  access = new AccessControl(port, isLoopback(bindAddress), options.token);
  const shownHost = bindAddress === '0.0.0.0' || bindAddress === '::' ? '127.0.0.1' : bindAddress.includes(':') ? `[${bindAddress}]` : bindAddress;
  const token = access.token;

  return {
    url: `http://${shownHost}:${port}/?token=${token}`,
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

function isLoopback(address: string): boolean {
  return address === '127.0.0.1' || address === '::1' || address === 'localhost';
}
