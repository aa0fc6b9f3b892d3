import { z } from 'zod';
import { ApiResultSchema } from '../api/result.js';
import { ProgressSchema } from '../api/schemas.js';

/**
 * Messages between the host (Electron main, `dvp serve`, tests) and the engine process.
 * Both sides validate what they receive: a message that does not parse is dropped and logged.
 */

export const HostToEngineSchema = z.discriminatedUnion('t', [
  z.object({ t: z.literal('call'), id: z.number().int(), method: z.string(), params: z.unknown() }),
  z.object({ t: z.literal('job.run'), jobId: z.number().int(), kind: z.string(), params: z.unknown() }),
  z.object({ t: z.literal('job.cancel'), jobId: z.number().int() }),
  /** Stop taking work, let running jobs finish their current write, close the project, exit. */
  z.object({ t: z.literal('shutdown') }),
]);
export type HostToEngine = z.infer<typeof HostToEngineSchema>;

export const EngineToHostSchema = z.discriminatedUnion('t', [
  z.object({ t: z.literal('ready'), pid: z.number().int() }),
  z.object({ t: z.literal('result'), id: z.number().int(), result: ApiResultSchema }),
  z.object({ t: z.literal('job.progress'), jobId: z.number().int(), progress: ProgressSchema }),
  z.object({ t: z.literal('job.done'), jobId: z.number().int(), result: ApiResultSchema }),
  z.object({ t: z.literal('event'), event: z.string(), payload: z.unknown() }),
  /** Sent last before a graceful exit; carries nothing. */
  z.object({ t: z.literal('flush') }),
]);
export type EngineToHost = z.infer<typeof EngineToHostSchema>;
