import type { Keyframe } from '../../../../src-main/api/edit-schemas.js';

/** Keyframe arithmetic for the timeline's gestures; the engine evaluates and stores them. */

/** A key's identity across lanes: selection is a set of these. */
export function keyRef(param: string, id: string): string {
  return `${param}|${id}`;
}

export function parseKeyRef(ref: string): { param: string; id: string } {
  const bar = ref.indexOf('|');
  return { param: ref.slice(0, bar), id: ref.slice(bar + 1) };
}

export function keyAt(keys: readonly Keyframe[], frame: number): Keyframe | undefined {
  return keys.find((k) => k.position === frame);
}

/** The frame shift for a group of keys, limited so that none leaves frames 0..lastFrame. */
export function clampShift(positions: readonly number[], shift: number, lastFrame: number): number {
  if (positions.length === 0) return 0;
  const low = Math.min(...positions);
  const high = Math.max(...positions);
  return Math.max(-low, Math.min(lastFrame - high, shift));
}

/**
 * A lane's keys with the `moving` ones shifted by `frames` and `value`. A moved key that lands
 * on a key that stays replaces it (as the engine does when the edit is committed).
 */
export function movedKeys(keys: readonly Keyframe[], moving: ReadonlySet<string>, frames: number, value: number): { keys: Keyframe[]; moved: Keyframe[] } {
  const moved = keys.filter((k) => moving.has(k.id)).map((k) => ({ ...k, position: k.position + frames, value: k.value + value }));
  const landing = new Set(moved.map((k) => k.position));
  const staying = keys.filter((k) => !moving.has(k.id) && !landing.has(k.position));
  return { keys: [...staying, ...moved].sort((a, b) => a.position - b.position), moved };
}

/** What a number shows in a lane header or the inspector, by unit. */
export function formatValue(value: number, unit: string): string {
  if (!Number.isFinite(value)) return '–';
  const digits = unit === 'closure' ? 2 : Math.abs(value) >= 100 ? 0 : 1;
  const text = value.toFixed(digits);
  return text === '-0.0' || text === '-0.00' || text === '-0' ? text.slice(1) : text;
}

export const UNIT_LABEL: Record<string, string> = { deg: '°', mm: 'mm', '% IOD': '% IOD', closure: '' };
