import { DvpError } from '../shared/errors.js';

/** Parses an inclusive frame range `A-B` (0-based). */
export function parseFrameRange(text: string): { first: number; last: number } {
  const match = /^(\d+)-(\d+)$/.exec(text.trim());
  if (!match) throw new DvpError('INVALID_ARGUMENT', `--range must look like A-B with frame numbers (got '${text}').`);
  const first = Number(match[1]);
  const last = Number(match[2]);
  if (last < first) throw new DvpError('INVALID_ARGUMENT', `--range ${text}: the last frame comes before the first.`);
  return { first, last };
}
