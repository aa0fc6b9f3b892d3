import type { EventName, PayloadOf } from './events.js';
import type { Remedy } from './errors.js';
import type { JobKind, JobParams } from './job-kinds.js';
import type { MethodName, ParamsOf, ResultOf } from './methods.js';
import type { ApiError, ApiResult } from './result.js';
import { checkResult, parseEvent, WireResponseSchema, type WireRequest } from './wire.js';

/** How a client reaches its shell: Electron's preload bridge, a WebSocket, or a test's in-process router. */
export interface ApiTransport {
  send(request: WireRequest): Promise<unknown>;
  onEvent(listener: (raw: unknown) => void): () => void;
}

/** A failed API call, carrying the user-facing message and the stable code. */
export class ApiCallError extends Error {
  readonly code: string;
  readonly file: string | undefined;
  /** What to do about it; the GUI shows `remedy.gui` (`guiText`). */
  readonly remedy: Remedy | undefined;

  constructor(error: ApiError) {
    super(error.message);
    this.name = 'ApiCallError';
    this.code = error.code;
    this.file = error.file;
    this.remedy = error.remedy;
  }
}

type Listener = (payload: never) => void;

/** The typed face of the API, the same for the Svelte UI and for the contract tests. */
export class ApiClient {
  private nextId = 1;
  private readonly listeners = new Map<EventName, Set<Listener>>();

  constructor(private readonly transport: ApiTransport) {
    transport.onEvent((raw) => {
      const parsed = parseEvent(raw);
      if (!parsed) return;
      for (const listener of this.listeners.get(parsed.event) ?? []) (listener as (p: unknown) => void)(parsed.payload);
    });
  }

  /** Calls `method`; the answer is a result, never a throw. */
  async request<M extends MethodName>(method: M, params: ParamsOf<M>): Promise<ApiResult<ResultOf<M>>> {
    const id = this.nextId++;
    let raw: unknown;
    try {
      raw = await this.transport.send({ type: 'request', id, method, params });
    } catch (error) {
      return { ok: false, error: { code: 'ENGINE_UNAVAILABLE', message: `DVP Studio could not reach its engine: ${(error as Error).message}` } };
    }
    const response = WireResponseSchema.safeParse(raw);
    if (!response.success || response.data.id !== id) {
      return { ok: false, error: { code: 'INTERNAL', message: `DVP Studio received a malformed answer to '${method}'.` } };
    }
    return checkResult(method, response.data.result) as ApiResult<ResultOf<M>>;
  }

  /** Calls `method` and returns its value, throwing ApiCallError on failure. */
  async call<M extends MethodName>(method: M, params: ParamsOf<M>): Promise<ResultOf<M>> {
    const result = await this.request(method, params);
    if (!result.ok) throw new ApiCallError(result.error);
    return result.value;
  }

  startJob<K extends JobKind>(kind: K, params: JobParams<K>): Promise<ResultOf<'job.start'>> {
    return this.call('job.start', { kind, params });
  }

  on<E extends EventName>(event: E, listener: (payload: PayloadOf<E>) => void): () => void {
    let set = this.listeners.get(event);
    if (!set) {
      set = new Set();
      this.listeners.set(event, set);
    }
    set.add(listener as Listener);
    return () => set.delete(listener as Listener);
  }
}
