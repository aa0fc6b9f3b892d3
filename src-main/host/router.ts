import { homedir } from 'node:os';
import path from 'node:path';
import type { z } from 'zod';
import { jobKindSpec } from '../api/job-kinds.js';
import { type MethodSpec, type Methods, type MethodsOn, methods, type ParamsOf } from '../api/methods.js';
import { fail, ok, toApiError, type ApiError, type ApiResult } from '../api/result.js';
import type { AppInfo } from '../api/schemas.js';
import { checkResult, parseRequest, type WireResponse } from '../api/wire.js';
import { API_OVERWRITE_HINT, checkOutputPath } from '../engine/media/output-guard.js';
import { PathNotAllowed, type PathUse } from './allowed-roots.js';
import { listDirectory } from './dir-listing.js';
import type { EngineHost } from './engine-host.js';
import { checkOutputWritable } from '../engine/media/output-writable.js';
import type { RecentProjects } from './recent-projects.js';

/** The methods that take a `file`, and what it is for: checked against the allowed roots before they are answered. */
const FILE_PARAMS: Partial<Record<keyof Methods, PathUse>> = {
  'project.new': 'write',
  'project.open': 'read',
  'clip.import': 'read',
  'file.reveal': 'read',
};

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
    private readonly recent: RecentProjects,
    private readonly shell: ShellOptions,
  ) {
    // A project opened before the router existed (`dvp serve FILE.dvp`) is a recent one too.
    if (host.project) recent.add(host.project.file);
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
      'job.start': async ({ kind, params }) => {
        await this.checkJobFiles(kind, params);
        return host.jobs.enqueue(kind, params, host.project?.file ?? null);
      },
      'job.cancel': ({ id }) => host.jobs.cancel(id),
      'job.list': () => host.jobs.list(),
      'fs.list': async ({ dir, extensions }) => {
        const start = dir ?? (await host.roots.list())[0];
        if (start === undefined) throw new PathNotAllowed('No folder is open to DVP Studio yet: open a project, or start `dvp serve` with `--root DIR`.');
        return host.roots.filterListing(listDirectory(await host.roots.check(start, 'list'), extensions));
      },
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

  private async dispatch(method: keyof Methods, raw: unknown): Promise<ApiResult<unknown>> {
    let params: unknown;
    try {
      params = await this.checkFileParam(method, raw);
    } catch (error) {
      return { ok: false, error: toApiError(error) };
    }
    const side = methods[method].side;
    const busy = this.projectSwitchRefusal(method, params);
    if (busy) return { ok: false, error: busy };
    if (side === 'engine') return this.host.call(method, params);
    const handler = (side === 'host' ? this.hostHandlers[method as MethodsOn<'host'>] : this.shell.handlers?.[method as MethodsOn<'shell'>]) as
      | ((p: unknown) => unknown)
      | undefined;
    if (!handler) return fail('NOT_SUPPORTED', `'${method}' is not available in ${this.shell.kind === 'browser' ? 'a browser' : 'this shell'}.`);
    try {
      return ok(await handler(params));
    } catch (error) {
      return { ok: false, error: toApiError(error) };
    }
  }

  /**
   * A job works on the project open when it runs, so another project is not opened (nor this
   * one closed) while this one's jobs are queued or running: they would run on the wrong
   * project, or lose theirs mid-write. Reopening the same file is no switch.
   */
  private projectSwitchRefusal(method: keyof Methods, params: unknown): ApiError | undefined {
    if (method !== 'project.open' && method !== 'project.new' && method !== 'project.close') return undefined;
    const pending = this.host.jobs.pending();
    if (pending.length === 0) return undefined;
    const current = this.host.project?.file;
    if (method === 'project.open' && current !== undefined && (params as { file?: unknown }).file === current) return undefined;
    const names = pending.map((job) => job.title).join(', ');
    const what = method === 'project.close' ? 'closed' : 'switched';
    return {
      code: 'PROJECT_BUSY',
      message: `The project cannot be ${what} while ${pending.length === 1 ? 'a job is' : `${pending.length} jobs are`} queued or running on it (${names}).`,
      remedy: { cli: 'wait for the jobs to finish or cancel them, then try again.', gui: 'Wait for the jobs in the Jobs panel to finish, or cancel them, then try again.' },
    };
  }

  /**
   * A method's `file` must be inside the allowed roots (a project in the recent list may be
   * reopened); the method then gets the absolute path that was checked. Parameters that do
   * not match the schema go on unchanged, for the answering side to refuse.
   */
  private async checkFileParam(method: keyof Methods, params: unknown): Promise<unknown> {
    if (method === 'farm.submit' || method === 'farm.status') return this.checkFarmParams(method, params);
    const use = FILE_PARAMS[method];
    if (use === undefined) return params;
    const parsed = methods[method].params.safeParse(params);
    if (!parsed.success) return params;
    const value = parsed.data as { file: string };
    // `project.new` adds `.dvp` to a name without an extension: the file it creates is checked.
    const file = method === 'project.new' && path.extname(value.file) === '' ? `${value.file}.dvp` : value.file;
    if (method === 'project.open' && this.recent.list().some((entry) => entry.file === path.resolve(file))) return { ...value, file: path.resolve(file) };
    return { ...value, file: await this.host.roots.check(file, use) };
  }

  /**
   * A farm render's output is checked as a render job's is (allowed roots, never a project
   * file or clip, an existing file only with `overwrite`); its job folder `OUTPUT.farm` lies
   * beside it. A followed job folder must be inside the allowed roots too.
   */
  private async checkFarmParams(method: 'farm.submit' | 'farm.status', params: unknown): Promise<unknown> {
    const parsed = methods[method].params.safeParse(params);
    if (!parsed.success) return params;
    if (method === 'farm.status') {
      const value = parsed.data as ParamsOf<'farm.status'>;
      return { ...value, jobDir: await this.host.roots.check(value.jobDir, 'read') };
    }
    const value = parsed.data as ParamsOf<'farm.submit'>;
    const output = await this.host.roots.check(value.output, 'write');
    checkOutputPath(output, { protect: await this.host.roots.projectInputs(), overwrite: value.overwrite === true, overwriteHint: API_OVERWRITE_HINT });
    checkOutputWritable(output);
    const audio = typeof value.audio === 'object' ? { file: await this.host.roots.check(value.audio.file, 'read') } : value.audio;
    return { ...value, output, ...(audio !== undefined ? { audio } : {}) };
  }

  /**
   * A job's files (its outputs and extra inputs, declared with its kind) must be inside the
   * allowed roots, and an output is refused at once when it is one of the project's files or
   * clips, exists and `overwrite` was not given (the engine checks again when it writes), or
   * lies where nothing can be written.
   */
  private async checkJobFiles(kind: string, params: unknown): Promise<void> {
    const spec = jobKindSpec(kind);
    const parsed = spec?.params.safeParse(params);
    if (!spec?.files || !parsed?.success) return;
    const files = spec.files(parsed.data);
    for (const file of files.read ?? []) await this.host.roots.check(file, 'read');
    const outputs = files.write ?? [];
    if (outputs.length === 0) return;
    const protect = await this.host.roots.projectInputs();
    const overwrite = (parsed.data as { overwrite?: unknown }).overwrite === true;
    for (const file of outputs) {
      const absolute = await this.host.roots.check(file, 'write');
      checkOutputPath(absolute, { protect, overwrite, overwriteHint: API_OVERWRITE_HINT });
      checkOutputWritable(absolute);
    }
  }
}
