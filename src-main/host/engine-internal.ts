import { z } from 'zod';
import type { MethodSpec } from '../api/methods.js';

/**
 * Engine methods the host calls for itself and never exposes as API methods: frames as bytes
 * for the media route, the health check, and a test hook.
 */
export const internalMethods = {
  'media.frame': {
    side: 'engine' as const,
    params: z.object({
      clipId: z.number().int().positive(),
      index: z.number().int().nonnegative(),
      format: z.enum(['rgb', 'png']),
    }),
    result: z.object({
      width: z.number().int().positive(),
      height: z.number().int().positive(),
      contentType: z.string(),
      bytes: z.custom<Uint8Array>((value) => value instanceof Uint8Array, 'expected bytes'),
    }),
  },
  /** The host's health check: answered from the engine's event loop, so a blocked loop leaves it unanswered. */
  'engine.ping': {
    side: 'engine' as const,
    params: z.object({}),
    result: z.object({ pid: z.number().int() }),
  },
  /** Test hook (only with DVP_TEST_HOOKS=1 in the engine's environment): blocks the event loop for `ms`. */
  'test.hang': {
    side: 'engine' as const,
    params: z.object({ ms: z.number().int().positive().max(3_600_000) }),
    result: z.null(),
  },
} as const satisfies Record<string, MethodSpec>;

export type InternalMethods = typeof internalMethods;
export type InternalMethodName = keyof InternalMethods;

export function isInternalMethod(name: string): name is InternalMethodName {
  return Object.hasOwn(internalMethods, name);
}
