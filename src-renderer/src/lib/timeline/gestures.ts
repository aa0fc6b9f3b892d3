/** Pointer-drag arithmetic for the timeline: axis lock, fine adjustment and snapping. */

export type Axis = 'x' | 'y';

/** How far (pixels) a drag goes before it counts, and picks the axis Shift locks to. */
export const DRAG_THRESHOLD_PX = 3;
/** Fine adjustment (Ctrl, or Alt where Alt is free) moves a tenth as far. */
export const FINE_FACTOR = 0.1;
/** A dragged frame snaps to a target this close, in pixels. */
export const SNAP_PX = 8;

export interface DragModifiers {
  /** Lock to `axis`, the axis the drag first moved along. */
  lock: boolean;
  fine: boolean;
}

/** A pointer drag so far: its movement (pixels), the axis it moved along first, and its modifiers. */
export interface DragInput extends DragModifiers {
  dx: number;
  dy: number;
  axis: Axis | null;
}

/** The axis a drag moved along first (once it passed the threshold), or null before. */
export function firstAxis(dx: number, dy: number): Axis | null {
  if (Math.abs(dx) < DRAG_THRESHOLD_PX && Math.abs(dy) < DRAG_THRESHOLD_PX) return null;
  return Math.abs(dx) >= Math.abs(dy) ? 'x' : 'y';
}

/** The pointer's movement as the drag applies it: scaled down when fine, one axis zeroed when locked. */
export function constrainDrag(dx: number, dy: number, axis: Axis | null, modifiers: DragModifiers): { dx: number; dy: number } {
  const factor = modifiers.fine ? FINE_FACTOR : 1;
  let x = dx * factor;
  let y = dy * factor;
  if (modifiers.lock && axis === 'x') y = 0;
  if (modifiers.lock && axis === 'y') x = 0;
  return { dx: x, dy: y };
}

/**
 * `frame` moved onto the nearest target within `thresholdFrames`, or left where it is.
 * Targets are the playhead and other keys; a whole frame is always the fallback.
 */
export function snapFrame(frame: number, targets: readonly number[], thresholdFrames: number): { frame: number; target: number | null } {
  let best: number | null = null;
  for (const target of targets) {
    const distance = Math.abs(target - frame);
    if (distance <= thresholdFrames && (best === null || distance < Math.abs(best - frame))) best = target;
  }
  return best === null ? { frame: Math.round(frame), target: null } : { frame: best, target: best };
}
