import { fail, type ApiResult } from '../api/result.js';
import type { HostToEngine } from './engine-protocol.js';

interface PendingCall {
  method: string;
  resolve: (result: ApiResult<unknown>) => void;
}

/**
 * The calls in flight to the engine: each gets an id, and is settled by the engine's answer
 * or, when the engine is lost, failed with the reason.
 */
export class EngineCalls {
  private readonly pending = new Map<number, PendingCall>();
  private nextId = 1;

  constructor(private readonly post: (message: HostToEngine) => void) {}

  send(method: string, params: unknown): Promise<ApiResult<unknown>> {
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.pending.set(id, { method, resolve });
      this.post({ t: 'call', id, method, params });
    });
  }

  settle(id: number, result: ApiResult<unknown>): void {
    const call = this.pending.get(id);
    this.pending.delete(id);
    call?.resolve(result);
  }

  /** Whether a call to one of `methods` is waiting for its answer. */
  isWaitingFor(methods: ReadonlySet<string>): boolean {
    for (const call of this.pending.values()) if (methods.has(call.method)) return true;
    return false;
  }

  /** The engine is gone: every call still waiting fails, saying why. */
  failAll(reason: string): void {
    for (const [id, call] of this.pending) {
      this.pending.delete(id);
      call.resolve(fail('ENGINE_CRASHED', `'${call.method}' did not finish: ${reason}`));
    }
  }
}
