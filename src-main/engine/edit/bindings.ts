import { randomBytes } from 'node:crypto';
import { DvpError } from '../../shared/errors.js';
import type { ParamGroup } from './parameters.js';

/**
 * A source binding drives part of the target's parameters from a source clip, copied
 * relative to the neutral frames (paper §5): target_neutral + strength · (source_t − source_neutral).
 */
export type BindingMode = 'full' | 'expression' | 'mouth' | 'gaze';

export const BINDING_MODES: readonly BindingMode[] = ['full', 'expression', 'mouth', 'gaze'];

/**
 * Which parameter groups each mode writes. Eyelid closure is an expression dimension in the
 * paper's model, so expression-only reenactment carries the source's eyelids; mouth-only
 * (dubbing) writes the mouth part of the expression vector alone.
 */
export const MODE_GROUPS: Readonly<Record<BindingMode, readonly ParamGroup[]>> = {
  full: ['pose', 'expression', 'gaze', 'eyelids'],
  expression: ['expression', 'eyelids'],
  mouth: ['expression'],
  gaze: ['gaze'],
};

export interface SourceBinding {
  id: string;
  sourceClipId: number;
  /** The target frame on which the source's frame 0 lands (dragging the block right raises it). */
  offset: number;
  mode: BindingMode;
  /** 0 freezes the bound parameters at the target's neutral frame, 1 copies the source's motion in full. */
  strength: number;
  /** null: the tracker's automatic neutral frame of the clip. */
  sourceNeutralFrame: number | null;
  targetNeutralFrame: number | null;
  /** Inclusive target frame range the binding is trimmed to; null ends are open. */
  rangeStart: number | null;
  rangeEnd: number | null;
}

export { strengthLaneBinding, strengthLaneParam } from '../../api/edit-schemas.js';

export function newBindingId(): string {
  return randomBytes(9).toString('base64url');
}

export function isBindingMode(value: string): value is BindingMode {
  return (BINDING_MODES as readonly string[]).includes(value);
}

export function validateBinding(binding: SourceBinding): void {
  if (!Number.isInteger(binding.sourceClipId) || binding.sourceClipId <= 0) {
    throw new DvpError('INVALID_ARGUMENT', `a source binding needs a source clip id, not ${binding.sourceClipId}.`);
  }
  if (!Number.isInteger(binding.offset)) {
    throw new DvpError('INVALID_ARGUMENT', `a source binding's offset must be a whole number of frames, not ${binding.offset}.`);
  }
  if (!isBindingMode(binding.mode)) {
    throw new DvpError('INVALID_ARGUMENT', `'${String(binding.mode)}' is not a binding mode; use ${BINDING_MODES.join(', ')}.`);
  }
  if (!(binding.strength >= 0 && binding.strength <= 1)) {
    throw new DvpError('INVALID_ARGUMENT', `a source binding's strength must lie in [0, 1], not ${binding.strength}.`);
  }
  for (const [name, frame] of [
    ['source neutral frame', binding.sourceNeutralFrame],
    ['target neutral frame', binding.targetNeutralFrame],
    ['range start', binding.rangeStart],
    ['range end', binding.rangeEnd],
  ] as const) {
    if (frame !== null && (!Number.isInteger(frame) || frame < 0)) {
      throw new DvpError('INVALID_ARGUMENT', `a source binding's ${name} must be a whole, non-negative frame, not ${frame}.`);
    }
  }
  if (binding.rangeStart !== null && binding.rangeEnd !== null && binding.rangeEnd < binding.rangeStart) {
    throw new DvpError('INVALID_ARGUMENT', `a source binding's range ends (${binding.rangeEnd}) before it starts (${binding.rangeStart}).`);
  }
}

/**
 * The source frame that drives target frame `targetFrame`, or undefined where the binding
 * does not reach. Clips at different rates are matched by time.
 */
export function sourceFrameFor(
  binding: SourceBinding,
  targetFrame: number,
  rates: { targetFps: number; sourceFps: number; sourceFrameCount: number },
): number | undefined {
  if (binding.rangeStart !== null && targetFrame < binding.rangeStart) return undefined;
  if (binding.rangeEnd !== null && targetFrame > binding.rangeEnd) return undefined;
  const elapsed = targetFrame - binding.offset;
  const frame = rates.sourceFps === rates.targetFps ? elapsed : Math.round((elapsed * rates.sourceFps) / rates.targetFps);
  return frame >= 0 && frame < rates.sourceFrameCount ? frame : undefined;
}
