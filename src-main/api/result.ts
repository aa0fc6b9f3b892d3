import { z } from 'zod';
import { RemedySchema, type ErrorCode } from './errors.js';

/**
 * Every answer crossing a process boundary is a result, never a thrown error:
 * `{ok: true, value}` or `{ok: false, error: {code, message}}`, where `message` is a
 * full sentence a user can read and `code` is stable for the UI to switch on.
 */
export const ApiErrorSchema = z.object({
  code: z.string().min(1),
  message: z.string().min(1),
  file: z.string().optional(),
  /** What to do about it, as a command for the CLI and an action for the GUI. */
  remedy: RemedySchema.optional(),
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

export function fail(code: ErrorCode, message: string, file?: string): { ok: false; error: ApiError } {
  return { ok: false, error: file === undefined ? { code, message } : { code, message, file } };
}

/** Turns anything thrown into an ApiError; DvpError-like objects keep their code and message. */
export function toApiError(error: unknown): ApiError {
  if (typeof error === 'object' && error !== null && 'code' in error && 'message' in error) {
    const { code, message, file, remedy } = error as { code: unknown; message: unknown; file?: unknown; remedy?: unknown };
    if (typeof code === 'string' && /^[A-Z][A-Z_]*$/.test(code) && typeof message === 'string' && message.length > 0) {
      const hint = RemedySchema.safeParse(remedy);
      return { code, message, ...(typeof file === 'string' && { file }), ...(hint.success && { remedy: hint.data }) };
    }
  }
  const detail = error instanceof Error ? error.message : String(error);
  return { code: 'INTERNAL', message: `DVP Studio hit an internal error: ${detail}` };
}
