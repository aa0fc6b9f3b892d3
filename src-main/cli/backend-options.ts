/**
 * `--backend` and `--precision`, shared by the commands that run the translation network
 * (train, synth, eval, render, dub).
 */
import { BACKEND_REQUESTS, PRECISIONS, parseBackendRequest, parsePrecision, type BackendRequest, type Precision } from '../engine/translate/backend.js';
import { DvpError } from '../shared/errors.js';
import { stringOption, type CommandContext, type OptionSpec } from './command.js';

export const BACKEND_OPTIONS: OptionSpec = { backend: { type: 'string' }, precision: { type: 'string' } };

/** The usage text of the two options. */
export const BACKEND_USAGE = `[--backend ${BACKEND_REQUESTS.join('|')}] [--precision ${PRECISIONS.join('|')}]`;

export interface BackendOptions {
  backend: BackendRequest;
  precision: Precision;
}

/**
 * Parses both options. bf16 with a named backend other than native is refused here, before
 * any project is opened (selectBackend refuses it too, and bf16 on a CPU without bf16).
 */
export function parseBackendOptions(context: CommandContext): BackendOptions {
  const backend = parseBackendRequest(stringOption(context, 'backend'));
  const precision = parsePrecision(stringOption(context, 'precision'));
  if (precision !== 'f32' && backend !== 'auto' && backend !== 'native') {
    throw new DvpError('BACKEND_UNAVAILABLE', `--precision ${precision} needs the native backend; the ${backend} backend computes in f32. Use --precision f32 or --backend native.`);
  }
  return { backend, precision };
}
