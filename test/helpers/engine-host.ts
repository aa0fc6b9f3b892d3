import { existsSync } from 'node:fs';
import path from 'node:path';
import { ApiClient } from '../../src-main/api/client.js';
import { EngineHost, type EngineHostOptions } from '../../src-main/host/engine-host.js';
import { nodeEngineSpawner } from '../../src-main/host/node-engine.js';
import { RecentProjects } from '../../src-main/host/recent-projects.js';
import { ApiRouter } from '../../src-main/host/router.js';
import { MEDIA_DIR } from './paths.js';

export interface TestBackend {
  host: EngineHost;
  api: ApiClient;
  /** Every line the host logged (engine output included), for failure messages. */
  log: string[];
  stop(): Promise<void>;
}

/**
 * A real engine in a child process behind the real router, reached in-process by an ApiClient.
 * The API may reach the test's folder (the parent of `configDir`) and the shared media, unless `host.roots` says otherwise.
 */
export async function startTestBackend(configDir: string, options: { execArgv?: string[]; host?: Partial<EngineHostOptions> } = {}): Promise<TestBackend> {
  const log: string[] = [];
  const host = new EngineHost({
    spawn: nodeEngineSpawner(options.execArgv ? { execArgv: options.execArgv } : {}),
    log: (line) => log.push(line),
    roots: [path.dirname(configDir), MEDIA_DIR].filter((dir) => existsSync(dir)),
    ...options.host,
  });
  await host.start();
  const router = new ApiRouter(host, new RecentProjects(configDir), { kind: 'browser', version: 'test' });
  const api = new ApiClient({
    send: (request) => router.handle(request),
    onEvent: (listener) => host.onEvent((event, payload) => listener({ type: 'event', event, payload })),
  });
  return { host, api, log, stop: () => host.shutdown() };
}

/** Resolves with the first event payload that satisfies `predicate`. */
export function waitForEvent<T>(subscribe: (listener: (payload: T) => void) => () => void, predicate: (payload: T) => boolean, timeoutMs = 60_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      unsubscribe();
      reject(new Error(`no matching event within ${timeoutMs} ms`));
    }, timeoutMs);
    const unsubscribe = subscribe((payload) => {
      if (!predicate(payload)) return;
      clearTimeout(timer);
      unsubscribe();
      resolve(payload);
    });
  });
}
