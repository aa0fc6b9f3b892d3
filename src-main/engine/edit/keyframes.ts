import { randomBytes } from 'node:crypto';
import { DvpError } from '../../shared/errors.js';

/**
 * Keyframes in the style of Theatre.js (`BasicKeyframe`): the key's `type` and
 * `connectedRight` decide how the segment from this key to the next is interpolated.
 * Handles are in the segment's normalised time/value square: [inX, inY] shapes the end of
 * the segment arriving at this key, [outX, outY] the start of the segment leaving it.
 */
export type KeyframeType = 'hold' | 'linear' | 'bezier';

export const KEYFRAME_TYPES: readonly KeyframeType[] = ['hold', 'linear', 'bezier'];

export type Handles = [inX: number, inY: number, outX: number, outY: number];

export interface Keyframe {
  id: string;
  /** Frame of the shot (target clip frame index). */
  position: number;
  /** In the lane's editor units (degrees for angles). */
  value: number;
  handles: Handles;
  /** False: the value holds until the next key (a break in the curve). */
  connectedRight: boolean;
  type: KeyframeType;
}

/** Theatre.js's default ease: slow out of a key, slow into the next. */
export const DEFAULT_HANDLES: Handles = [0.5, 1, 0.5, 0];

export function newKeyframeId(): string {
  return randomBytes(9).toString('base64url');
}

export function isKeyframeType(value: string): value is KeyframeType {
  return (KEYFRAME_TYPES as readonly string[]).includes(value);
}

/** Throws a usage error if `key` could not be stored or evaluated. */
export function validateKeyframe(key: Keyframe, param: string): void {
  if (!Number.isInteger(key.position) || key.position < 0) {
    throw new DvpError('INVALID_ARGUMENT', `a keyframe on '${param}' must sit on a whole, non-negative frame, not ${key.position}.`);
  }
  if (!Number.isFinite(key.value)) {
    throw new DvpError('INVALID_ARGUMENT', `a keyframe on '${param}' needs a finite value, not ${key.value}.`);
  }
  if (!isKeyframeType(key.type)) {
    throw new DvpError('INVALID_ARGUMENT', `'${String(key.type)}' is not an interpolation; use hold, linear or bezier.`);
  }
  if (key.handles.length !== 4 || !key.handles.every(Number.isFinite)) {
    throw new DvpError('INVALID_ARGUMENT', `a keyframe on '${param}' needs four finite handle values (inX, inY, outX, outY).`);
  }
  const [inX, , outX] = key.handles;
  // Handle x outside [0, 1] would make the curve go back in time (x(t) not monotone).
  if (inX < 0 || inX > 1 || outX < 0 || outX > 1) {
    throw new DvpError('INVALID_ARGUMENT', `bezier handle x values on '${param}' must lie in [0, 1] (got ${inX} and ${outX}), or the curve would run backwards in time.`);
  }
}

export function sortKeyframes(keys: readonly Keyframe[]): Keyframe[] {
  return [...keys].sort((a, b) => a.position - b.position);
}
