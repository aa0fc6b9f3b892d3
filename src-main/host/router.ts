import { homedir } from 'node:os';
import type { z } from 'zod';
import { type MethodSpec, type Methods, type MethodsOn, methods } from '../api/methods.js';
import { API_ERROR, fail, ok, toApiError, type ApiResult } from '../api/result.js';
import type { AppInfo } from '../api/schemas.js';
import { checkResult, parseRequest, type WireResponse } from '../api/wire.js';
import { listDirectory } from './dir-listing.js';
import type { EngineHost } from './engine-host.js';
import type { RecentProjects } from './recent-projects.js';

type Handler<S extends MethodSpec> = (params: z.infer<S['params']>) => Promise<z.infer<S['result']>> | z.infer<S['result']>;
type HandlersOn<Side extends 'host' | 'shell'> = { [M in MethodsOn<Side>]: Handler<Methods[M]> };

/** What a shell adds: Electron answers the `shell` methods (native dialogs); browser mode does not. */
export interface ShellOptions {
  kind: AppInfo['shell'];
  version: string;
  handlers?: Partial<HandlersOn<'shell'>>;
}

/**
 * Answers every API request from a UI, whichever way it came (Electron IPC or WebSocket):
 * validates it, sends it to the side that owns the method, validates the answer.
 */
export class ApiRouter {
  private readonly hostHandlers: HandlersOn<'host'>;

  constructor(
    private readonly host: EngineHost,
    recent: RecentProjects,
    private readonly shell: ShellOptions,
  ) {
    host.onProjectOpened((info) => recent.add(info.file));
    this.hostHandlers = {
      'app.info': () => ({
        version: shell.version,
        shell: shell.kind,
        nativeDialogs: shell.handlers?.['dialog.pick'] !== undefined,
        platform: process.platform,
        homeDir: homedir(),
      }),
      'engine.status': () => host.status,
      'project.recent': () => recent.list(),
      'job.start': ({ kind, params }) => host.jobs.enqueue(kind, params),
      'job.cancel': ({ id }) => host.jobs.cancel(id),
      'job.list': () => host.jobs.list(),
      'fs.list': ({ dir, extensions }) => listDirectory(dir ?? homedir(), extensions),
    };
  }

  /** Answers one raw message from a UI. Never throws. */
  async handle(raw: unknown): Promise<WireResponse> {
    const request = parseRequest(raw);
    if (!request.ok) return { type: 'response', id: request.id ?? 0, result: { ok: false, error: request.error } };
    const { id, method, params } = request.value;
    const result = await this.dispatch(method, params);
    return { type: 'response', id, result: checkResult(method, result) };
  }

  private async dispatch(method: keyof Methods, params: unknown): Promise<ApiResult<unknown>> {
    const side = methods[method].side;
    if (side === 'engine') return this.host.call(method, params);
    const handler = (side === 'host' ? this.hostHandlers[method as MethodsOn<'host'>] : this.shell.handlers?.[method as MethodsOn<'shell'>]) as
      | ((p: unknown) => unknown)
      | undefined;
    if (!handler) return fail(API_ERROR.NOT_SUPPORTED, `'${method}' is not available in ${this.shell.kind === 'browser' ? 'a browser' : 'this shell'}.`);
    try {
      return ok(await handler(params));
    } catch (error) {
      return { ok: false, error: toApiError(error) };
    }
  }
}
