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

/** Handles more than this far from one line through the key (degrees, both segments scaled to a unit box) are broken. */
const BROKEN_DEG = 1;

/**
 * Whether a key's two handles are broken: both shape a segment and they do not lie on one line
 * through the key, pointing away from each other. Being on one line does not depend on the zoom,
 * so the key's handles say it themselves — nothing else is stored; a key with one handle (or
 * none) is unified. The angle is measured with the two segments' time and value extents scaled
 * to one, so the answer is the same at every zoom.
 */
export function handlesBroken(keys: Keys, index: number): boolean {
  const key = keys[index];
  const before = keys[index - 1];
  const after = keys[index + 1];
  const inPoint = handlePoint(keys, index, 'in');
  const outPoint = handlePoint(keys, index, 'out');
  if (!key || !before || !after || !inPoint || !outPoint) return false;
  const frames = after.position - before.position;
  const values = Math.max(Math.abs(key.value - before.value), Math.abs(after.value - key.value), 1e-9);
  const vector = (p: GraphPoint): [number, number] => [(p.frame - key.position) / frames, (p.value - key.value) / values];
  const [ix, iy] = vector(inPoint);
  const [ox, oy] = vector(outPoint);
  const lengths = Math.hypot(ix, iy) * Math.hypot(ox, oy);
  if (lengths < 1e-9) return false;
  // The angle between the out handle and the in handle's opposite.
  const cos = Math.max(-1, Math.min(1, -(ix * ox + iy * oy) / lengths));
  return (Math.acos(cos) * 180) / Math.PI > BROKEN_DEG;
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
