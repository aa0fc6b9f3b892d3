import type { Keyframe } from '../../../../src-main/api/edit-schemas.js';

/**
 * Bezier handles as the engine reads them (src-main/engine/edit/lane-curve.ts): the segment
 * from key L to key R eases with control points (L.handles[2], L.handles[3]) and
 * (R.handles[0], R.handles[1]) in the segment's unit square, (0, 0) at L and (1, 1) at R.
 * A key's "out" handle lives in the segment after it, its "in" handle in the segment before.
 * The engine only uses them where L is a connected bezier key.
 */

export type HandleSide = 'in' | 'out';

export interface GraphPoint {
  frame: number;
  value: number;
}

/** Pixels per frame and per value unit: handles are unified (kept collinear) as drawn. */
export interface GraphScale {
  pxPerFrame: number;
  pxPerValue: number;
}

type Keys = readonly Keyframe[];

/** The segment a handle shapes, or null when the engine does not ease that segment with it. */
function segment(keys: Keys, index: number, side: HandleSide): { left: Keyframe; right: Keyframe } | null {
  const left = keys[side === 'out' ? index : index - 1];
  const right = keys[side === 'out' ? index + 1 : index];
  if (!left || !right || left.type !== 'bezier' || !left.connectedRight) return null;
  return { left, right };
}

/** Where a key's handle sits in frames and lane values, or null where it has no effect. */
export function handlePoint(keys: Keys, index: number, side: HandleSide): GraphPoint | null {
  const seg = segment(keys, index, side);
  if (!seg) return null;
  const key = keys[index] as Keyframe;
  const [x, y] = side === 'out' ? [key.handles[2], key.handles[3]] : [key.handles[0], key.handles[1]];
  return {
    frame: seg.left.position + x * (seg.right.position - seg.left.position),
    value: seg.left.value + y * (seg.right.value - seg.left.value),
  };
}

/**
 * The unit-square coordinates a handle dragged to `point` gets. x is clamped to [0, 1] (the
 * engine refuses a curve that runs back in time); on a flat segment (both keys at the same
 * value) y cannot be expressed and keeps its current value.
 */
function unitCoordinates(keys: Keys, index: number, side: HandleSide, point: GraphPoint): [number, number] | null {
  const seg = segment(keys, index, side);
  if (!seg) return null;
  const key = keys[index] as Keyframe;
  const span = seg.right.position - seg.left.position;
  const rise = seg.right.value - seg.left.value;
  const x = Math.min(1, Math.max(0, (point.frame - seg.left.position) / span));
  const current = side === 'out' ? key.handles[3] : key.handles[1];
  const y = Math.abs(rise) < 1e-9 ? current : (point.value - seg.left.value) / rise;
  return [round(x), round(y)];
}

/**
 * A key with one handle dragged to `point`. Unified (the default), the opposite handle turns
 * to stay on the line through the key, keeping its drawn length; broken, it stays put.
 */
export function dragHandle(keys: Keys, index: number, side: HandleSide, point: GraphPoint, unified: boolean, scale: GraphScale): Keyframe {
  const key = keys[index] as Keyframe;
  const moved = unitCoordinates(keys, index, side, point);
  if (!moved) return key;
  const handles: Keyframe['handles'] = [...key.handles];
  if (side === 'out') [handles[2], handles[3]] = moved;
  else [handles[0], handles[1]] = moved;
  const other: HandleSide = side === 'out' ? 'in' : 'out';
  const opposite = unified ? handlePoint(keys, index, other) : null;
  if (opposite) {
    const dx = (point.frame - key.position) * scale.pxPerFrame;
    const dy = (point.value - key.value) * scale.pxPerValue;
    const length = Math.hypot((opposite.frame - key.position) * scale.pxPerFrame, (opposite.value - key.value) * scale.pxPerValue);
    const reach = Math.hypot(dx, dy);
    if (reach > 1e-9) {
      const mirrored = { frame: key.position - (dx / reach) * (length / scale.pxPerFrame), value: key.value - (dy / reach) * (length / scale.pxPerValue) };
      const coordinates = unitCoordinates(keys, index, other, mirrored);
      if (coordinates) {
        if (other === 'out') [handles[2], handles[3]] = coordinates;
        else [handles[0], handles[1]] = coordinates;
      }
    }
  }
  return { ...key, handles };
}

function round(value: number): number {
  return Math.round(value * 1e4) / 1e4;
}
