import { bezierProgression } from './bezier.js';

/**
 * What evaluating a lane reads of a key: the engine's `Keyframe` (keyframes.ts) and the API's
 * both fit. Declared here so the UI can evaluate lanes too (through src-main/api/lane-curve.ts)
 * without the engine's keyframe module, which makes ids with node:crypto.
 */
export interface LaneKey {
  position: number;
  value: number;
  /** [inX, inY, outX, outY] (Theatre.js's bezier handles). */
  handles: readonly [number, number, number, number];
  connectedRight: boolean;
  type: 'hold' | 'linear' | 'bezier';
}

/**
 * The value of a keyframe lane at a (possibly fractional) frame. Before the first key the
 * first key's value holds, after the last key the last key's value (as in Theatre.js and
 * every NLE). Exactly a key's value on its frame. `keys` must be sorted by position.
 * Returns undefined for a lane without keys.
 */
export function evaluateLane(keys: readonly LaneKey[], frame: number): number | undefined {
  const first = keys[0];
  if (first === undefined) return undefined;
  if (frame <= first.position) return first.value;
  const last = keys[keys.length - 1] as LaneKey;
  if (frame >= last.position) return last.value;
  // Largest index whose position <= frame.
  let low = 0;
  let high = keys.length - 1;
  while (high - low > 1) {
    const middle = (low + high) >> 1;
    if ((keys[middle] as LaneKey).position <= frame) low = middle;
    else high = middle;
  }
  return segmentValue(keys[low] as LaneKey, keys[low + 1] as LaneKey, frame);
}

/** The value between `left` and `right` (left.position <= frame < right.position). */
export function segmentValue(left: LaneKey, right: LaneKey, frame: number): number {
  if (frame <= left.position) return left.value;
  if (!left.connectedRight || left.type === 'hold') return left.value;
  const u = (frame - left.position) / (right.position - left.position);
  if (left.type === 'linear') return left.value + u * (right.value - left.value);
  const progression = bezierProgression({ x1: left.handles[2], y1: left.handles[3], x2: right.handles[0], y2: right.handles[1] }, u);
  return left.value + progression * (right.value - left.value);
}

/** The lane's value at frames start .. start+count−1, walking the keys once. */
export function sampleLane(keys: readonly LaneKey[], start: number, count: number): Float64Array | undefined {
  if (keys.length === 0) return undefined;
  const values = new Float64Array(count);
  let segment = 0;
  for (let i = 0; i < count; i++) {
    const frame = start + i;
    while (segment + 1 < keys.length && (keys[segment + 1] as LaneKey).position <= frame) segment++;
    const left = keys[segment] as LaneKey;
    const right = keys[segment + 1];
    values[i] = right === undefined || frame <= left.position ? left.value : segmentValue(left, right, frame);
  }
  return values;
}
