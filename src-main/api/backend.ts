import { z } from 'zod';

/**
 * The backend and precision choices of jobs that run the translation network. The API may not
 * import the engine (it runs in the renderer too), so these repeat the engine's
 * BACKEND_REQUESTS and PRECISIONS (src-main/engine/translate/backend.ts); a test asserts they
 * stay equal.
 */
export const BACKEND_REQUEST_NAMES = ['auto', 'tensorflow', 'native', 'wasm', 'cpu'] as const;
export const PRECISION_NAMES = ['f32', 'bf16'] as const;

export const BackendRequestSchema = z.enum(BACKEND_REQUEST_NAMES);
export type BackendRequestName = z.infer<typeof BackendRequestSchema>;

export const PrecisionSchema = z.enum(PRECISION_NAMES);
export type PrecisionName = z.infer<typeof PrecisionSchema>;

/** One backend `auto` considers, and why it can or cannot run here (as `dvp doctor` reports it). */
export const BackendStatusSchema = z.object({ name: z.string(), available: z.boolean(), reason: z.string() });
export type BackendStatusInfo = z.infer<typeof BackendStatusSchema>;
