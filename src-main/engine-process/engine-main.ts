import { jobKindSpec } from '../api/job-kinds.js';
import { isMethodName, methods } from '../api/methods.js';
import { fail, ok, toApiError, type ApiResult } from '../api/result.js';
import { summarise } from '../api/wire.js';
import type { Progress } from '../shared/cancel.js';
import { DvpError } from '../shared/errors.js';
import { HostToEngineSchema, type EngineToHost } from '../host/engine-protocol.js';
import { internalMethods, isInternalMethod } from '../host/engine-internal.js';
import { openHostChannel } from './channel.js';
import { EngineContext } from './engine-context.js';
import { engineHandlers, type EngineMethodName } from './handlers/index.js';
import { jobRunner } from './job-runners.js';

/**
 * The engine process: answers calls, runs jobs, and on `shutdown` lets running jobs reach
 * their next safe point before closing the project. Started by the host with
 * `utilityProcess.fork` (Electron) or `child_process.fork` (Node); the code is the same.
 */

const PROGRESS_INTERVAL_MS = 200;

const channel = openHostChannel();
const post = (message: EngineToHost): void => channel.post(message);
const engine = new EngineContext((event, payload) => post({ t: 'event', event, payload }));
const running = new Map<number, { controller: AbortController; done: Promise<void> }>();
let stopping = false;

channel.onMessage((raw) => {
  const parsed = HostToEngineSchema.safeParse(raw);
  if (!parsed.success) {
    process.stderr.write(`engine: dropped a malformed message: ${summarise(parsed.error)}\n`);
    return;
  }
  const message = parsed.data;
  switch (message.t) {
    case 'call':
      void answer(message.method, message.params).then((result) => post({ t: 'result', id: message.id, result }));
      break;
    case 'job.run':
      runJob(message.jobId, message.kind, message.params);
      break;
    case 'job.cancel':
      running.get(message.jobId)?.controller.abort(new DvpError('CANCELLED', 'The job was cancelled.'));
      break;
    case 'shutdown':
      void shutdown();
      break;
  }
});
channel.onDisconnect(() => void shutdown());

async function answer(method: string, params: unknown): Promise<ApiResult<unknown>> {
  if (stopping) return fail('ENGINE_UNAVAILABLE', 'The engine is shutting down.');
  const spec = isInternalMethod(method) ? internalMethods[method] : isMethodName(method) && methods[method].side === 'engine' ? methods[method] : undefined;
  if (!spec) return fail('NOT_SUPPORTED', `The engine has no method '${method}'.`);
  const input = spec.params.safeParse(params ?? {});
  if (!input.success) return fail('BAD_REQUEST', `The parameters of '${method}' are invalid: ${summarise(input.error)}.`);
  try {
    const handler = engineHandlers[method as EngineMethodName] as (p: unknown, e: EngineContext) => unknown;
    return ok(await handler(input.data, engine));
  } catch (error) {
    return { ok: false, error: toApiError(error) };
  }
}

function runJob(jobId: number, kind: string, params: unknown): void {
  const controller = new AbortController();
  const settle = (result: ApiResult<unknown>): void => post({ t: 'job.done', jobId, result });
  const spec = jobKindSpec(kind);
  const runner = jobRunner(kind);
  if (stopping) return settle(fail('CANCELLED', 'DVP Studio is quitting; the job was not started.'));
  if (!spec || !runner) return settle(fail('NOT_SUPPORTED', `The engine cannot run '${kind}' jobs.`));
  const input = spec.params.safeParse(params);
  if (!input.success) return settle(fail('BAD_REQUEST', `The parameters of the ${kind} job are invalid: ${summarise(input.error)}.`));

  let lastProgress = 0;
  const progress = (value: Progress): void => {
    const now = performance.now();
    if (value.done < value.total && now - lastProgress < PROGRESS_INTERVAL_MS) return;
    lastProgress = now;
    post({ t: 'job.progress', jobId, progress: { ...value } });
  };
  const done = (async () => {
    try {
      settle(ok(await runner(input.data, { engine, signal: controller.signal, progress })));
    } catch (error) {
      const reason = controller.signal.reason as unknown;
      const apiError = toApiError(controller.signal.aborted && reason instanceof DvpError ? reason : error);
      settle({ ok: false, error: apiError.code === 'CANCELLED' || controller.signal.aborted ? { code: 'CANCELLED', message: apiError.message } : apiError });
    } finally {
      running.delete(jobId);
    }
  })();
  running.set(jobId, { controller, done });
}

async function shutdown(): Promise<void> {
  if (stopping) return;
  stopping = true;
  for (const job of running.values()) job.controller.abort(new DvpError('CANCELLED', 'The job was stopped because DVP Studio is quitting.'));
  await Promise.allSettled([...running.values()].map((job) => job.done));
  try {
    engine.close();
  } finally {
    await channel.flush();
    process.exit(0);
  }
}

post({ t: 'ready', pid: process.pid });
