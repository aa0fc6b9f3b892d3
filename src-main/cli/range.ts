import { DvpError } from '../shared/errors.js';

/** Parses an inclusive frame range `A-B` (0-based) given to `option`. */
export function parseFrameRange(text: string, option = '--range'): { first: number; last: number } {
  const match = /^(\d+)-(\d+)$/.exec(text.trim());
  if (!match) throw new DvpError('INVALID_ARGUMENT', `${option} must look like A-B with frame numbers (got '${text}').`);
  const first = Number(match[1]);
  const last = Number(match[2]);
  if (last < first) throw new DvpError('INVALID_ARGUMENT', `${option} ${text}: the last frame comes before the first.`);
  return { first, last };
}
