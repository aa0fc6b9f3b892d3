import { z } from 'zod';

/**
 * Every answer crossing a process boundary is a result, never a thrown error:
 * `{ok: true, value}` or `{ok: false, error: {code, message}}`, where `message` is a
 * full sentence a user can read and `code` is stable for the UI to switch on.
 */
export const ApiErrorSchema = z.object({
  code: z.string().min(1),
  message: z.string().min(1),
  file: z.string().optional(),
});
export type ApiError = z.infer<typeof ApiErrorSchema>;

export type ApiResult<T> = { ok: true; value: T } | { ok: false; error: ApiError };

export const ApiResultSchema = z.union([
  z.object({ ok: z.literal(true), value: z.unknown() }),
  z.object({ ok: z.literal(false), error: ApiErrorSchema }),
]);

export function ok<T>(value: T): ApiResult<T> {
  return { ok: true, value };
}

export function fail(code: string, message: string, file?: string): { ok: false; error: ApiError } {
  return { ok: false, error: file === undefined ? { code, message } : { code, message, file } };
}

/** Codes the API adds to the engine's DvpErrorCode set. */
export const API_ERROR = {
  /** The request did not match its schema (a bug in the caller or a hostile message). */
  BAD_REQUEST: 'BAD_REQUEST',
  /** No such method, or a method this shell does not offer (e.g. native dialogs in a browser). */
  NOT_SUPPORTED: 'NOT_SUPPORTED',
  /** The method needs an open project. */
  NO_PROJECT: 'NO_PROJECT',
  /** The engine process died while the request was in flight. */
  ENGINE_CRASHED: 'ENGINE_CRASHED',
  /** The engine is shutting down or restarting and takes no new work. */
  ENGINE_UNAVAILABLE: 'ENGINE_UNAVAILABLE',
} as const;

/** Turns anything thrown into an ApiError; DvpError-like objects keep their code and message. */
export function toApiError(error: unknown): ApiError {
  if (typeof error === 'object' && error !== null && 'code' in error && 'message' in error) {
    const { code, message, file } = error as { code: unknown; message: unknown; file?: unknown };
    if (typeof code === 'string' && /^[A-Z][A-Z_]*$/.test(code) && typeof message === 'string' && message.length > 0) {
      return typeof file === 'string' ? { code, message, file } : { code, message };
    }
  }
  const detail = error instanceof Error ? error.message : String(error);
  return { code: 'INTERNAL', message: `DVP Studio hit an internal error: ${detail}` };
}
