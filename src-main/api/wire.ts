import { z } from 'zod';
import { events, isEventName, type EventName, type PayloadOf } from './events.js';
import { isMethodName, methods, type MethodName } from './methods.js';
import { ApiResultSchema, fail, type ApiError, type ApiResult } from './result.js';

/** The messages on the wire between a UI and its shell (IPC or WebSocket), validated on arrival. */

export const WireRequestSchema = z.object({
  type: z.literal('request'),
  id: z.number().int().nonnegative(),
  method: z.string().min(1).max(64),
  params: z.unknown(),
});
export type WireRequest = z.infer<typeof WireRequestSchema>;

export const WireResponseSchema = z.object({
  type: z.literal('response'),
  id: z.number().int().nonnegative(),
  result: ApiResultSchema,
});
export type WireResponse = { type: 'response'; id: number; result: ApiResult<unknown> };

export const WireEventSchema = z.object({ type: z.literal('event'), event: z.string(), payload: z.unknown() });
export type WireEvent = { type: 'event'; event: EventName; payload: unknown };

export interface ParsedRequest {
  id: number;
  method: MethodName;
  params: unknown;
}

/**
 * Validates a request from an untrusted UI: the envelope, the method name, then the
 * parameters against the method's schema. `id` is null when not even the envelope parsed.
 */
export function parseRequest(raw: unknown): { ok: true; value: ParsedRequest } | { ok: false; id: number | null; error: ApiError } {
  const envelope = WireRequestSchema.safeParse(raw);
  if (!envelope.success) {
    return { ok: false, id: null, error: fail('BAD_REQUEST', `The request was malformed: ${summarise(envelope.error)}.`).error };
  }
  const { id, method, params } = envelope.data;
  if (!isMethodName(method)) return { ok: false, id, error: fail('NOT_SUPPORTED', `'${method}' is not a DVP Studio API method.`).error };
  const parsed = methods[method].params.safeParse(params ?? {});
  if (!parsed.success) {
    return { ok: false, id, error: fail('BAD_REQUEST', `The parameters of '${method}' are invalid: ${summarise(parsed.error)}.`).error };
  }
  return { ok: true, value: { id, method, params: parsed.data } };
}

/** Checks a successful result against the method's result schema (a broken handler must not reach the UI). */
export function checkResult(method: MethodName, result: ApiResult<unknown>): ApiResult<unknown> {
  if (!result.ok) return result;
  const parsed = methods[method].result.safeParse(result.value);
  if (parsed.success) return { ok: true, value: parsed.data };
  return fail('INTERNAL', `DVP Studio produced an invalid answer to '${method}': ${summarise(parsed.error)}.`);
}

export function parseEvent(raw: unknown): { event: EventName; payload: PayloadOf<EventName> } | null {
  const envelope = WireEventSchema.safeParse(raw);
  if (!envelope.success || !isEventName(envelope.data.event)) return null;
  const payload = events[envelope.data.event].safeParse(envelope.data.payload);
  return payload.success ? { event: envelope.data.event, payload: payload.data } : null;
}

export function summarise(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : 'value'}: ${issue.message}`)
    .join('; ');
}
