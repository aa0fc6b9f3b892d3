import { protocol } from 'electron';
import { readFile } from 'node:fs/promises';
import type { EngineHost } from '../host/engine-host.js';
import { isMediaPath, serveMedia, type RouteResponse } from '../host/media-route.js';
import { resolveStaticFile } from '../host/static-files.js';
import { SECURITY_HEADERS } from '../host/web-security.js';
import { APP_HOST, APP_SCHEME } from './window-options.main.js';

/**
 * `dvp://studio/…`: the built UI, and project media under `/media/` (frames decoded by the
 * engine), so the window never loads anything from the file: scheme. Every response carries the CSP.
 */
export function registerAppProtocol(host: EngineHost, uiDir: string): void {
  protocol.handle(APP_SCHEME, async (request) => {
    const url = new URL(request.url);
    if (url.host !== APP_HOST || request.method !== 'GET') return respond({ status: 404, headers: {}, body: 'Not found.' });
    if (isMediaPath(url.pathname)) return respond(await serveMedia(host, url.pathname));
    const file = resolveStaticFile(uiDir, url.pathname);
    if (!file) return respond({ status: 404, headers: { 'Content-Type': 'text/plain; charset=utf-8' }, body: `Nothing at ${url.pathname}.` });
    return respond({ status: 200, headers: { 'Content-Type': file.contentType }, body: new Uint8Array(await readFile(file.file)) });
  });
}

function respond(route: RouteResponse): Response {
  const body = typeof route.body === 'string' ? route.body : new Uint8Array(route.body);
  return new Response(body, { status: route.status, headers: { ...SECURITY_HEADERS, ...route.headers } });
}
