import { z } from 'zod';
import type { MethodSpec } from '../api/methods.js';

/**
 * Engine methods the host calls for itself and never exposes as API methods: they carry
 * bytes (frames for the media route) rather than JSON for a UI.
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
} as const satisfies Record<string, MethodSpec>;

export type InternalMethods = typeof internalMethods;
export type InternalMethodName = keyof InternalMethods;

export function isInternalMethod(name: string): name is InternalMethodName {
  return Object.hasOwn(internalMethods, name);
}
