import type { z } from 'zod';
import type { InternalMethods } from '../../host/engine-internal.js';
import { DvpError } from '../../shared/errors.js';

/**
 * The host's health check, and the test hook that makes it fail. `test.hang` blocks the
 * event loop as a stuck synchronous call would (an endless `mkdir -p`), so tests can prove
 * the host notices; it answers only when the engine was started with DVP_TEST_HOOKS=1.
 */
type HealthMethod = 'engine.ping' | 'test.hang';
type HealthHandler<M extends HealthMethod> = (params: z.infer<InternalMethods[M]['params']>) => z.infer<InternalMethods[M]['result']>;

export const healthHandlers: { [M in HealthMethod]: HealthHandler<M> } = {
  'engine.ping': () => ({ pid: process.pid }),

  'test.hang': ({ ms }) => {
    if (process.env.DVP_TEST_HOOKS !== '1') throw new DvpError('NOT_SUPPORTED', 'The engine has no test hooks (they need DVP_TEST_HOOKS=1 in its environment).');
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
    return null;
  },
};
