import type { EditChange, Keyframe } from '../../../../src-main/api/edit-schemas.js';

/** Pure key operations behind copy/paste, range scaling and key-to-key navigation. */

export interface LaneKeys {
  param: string;
  keys: readonly Keyframe[];
}

/** Copied keys: each keeps its lane and its frame relative to the earliest copied key. */
export interface ClipboardKey {
  param: string;
  offset: number;
  key: Omit<Keyframe, 'id' | 'position'>;
}

export function copyKeys(selected: readonly { param: string; key: Keyframe }[]): ClipboardKey[] {
  if (selected.length === 0) return [];
  const first = Math.min(...selected.map((s) => s.key.position));
  return selected.map(({ param, key }) => ({
    param,
    offset: key.position - first,
    key: { value: key.value, type: key.type, handles: [...key.handles], connectedRight: key.connectedRight },
  }));
}

/**
 * The changes that paste `clipboard` with its earliest key at `frame`, keeping relative
 * timing. Keys copied from one lane go onto `focusedLane` when there is one; keys from several
 * lanes go back onto their own lanes. A pasted key replaces a key on the same frame; keys that
 * would land past `lastFrame` are left out.
 */
export function pasteChanges(clipboard: readonly ClipboardKey[], frame: number, lastFrame: number, focusedLane: string | null): EditChange[] {
  const lanes = new Set(clipboard.map((c) => c.param));
  const retarget = lanes.size === 1 && focusedLane !== null;
  const changes: EditChange[] = [];
  for (const item of clipboard) {
    const position = frame + item.offset;
    if (position > lastFrame) continue;
    changes.push({ kind: 'setKey', param: retarget ? (focusedLane as string) : item.param, key: { position, ...item.key, handles: [...item.key.handles] } });
  }
  return changes;
}

/** Where frame `p` goes when the span [from0, from1] is stretched onto [to0, to1]. */
export function scaleFrame(p: number, from: readonly [number, number], to: readonly [number, number]): number {
  const span = from[1] - from[0];
  if (span === 0) return Math.round(to[0] + (p - from[0]));
  return Math.round(to[0] + ((p - from[0]) * (to[1] - to[0])) / span);
}

/**
 * The keys of a lane after the `moving` ones are mapped by `map` (a move or a scale in time).
 * Moved keys landing on the same frame keep the later one: `dropped` lists the others, which
 * the edit deletes before it moves the rest. A moved key replaces a staying key it lands on
 * (the engine does that itself when the edit is committed).
 */
export function remapKeys(keys: readonly Keyframe[], moving: ReadonlySet<string>, map: (position: number) => number): { keys: Keyframe[]; moved: Keyframe[]; dropped: string[] } {
  const byFrame = new Map<number, Keyframe>();
  const dropped: string[] = [];
  for (const key of keys) {
    if (!moving.has(key.id)) continue;
    const position = map(key.position);
    const earlier = byFrame.get(position);
    if (earlier) dropped.push(earlier.id);
    byFrame.set(position, { ...key, position });
  }
  const moved = [...byFrame.values()];
  const kept = keys.filter((k) => !moving.has(k.id) && !byFrame.has(k.position));
  return { keys: [...kept, ...moved].sort((a, b) => a.position - b.position), moved, dropped };
}

/** The nearest key frame strictly after (direction 1) or before (−1) `frame` on any of the lanes. */
export function adjacentKeyFrame(lanes: readonly LaneKeys[], frame: number, direction: 1 | -1): number | null {
  let best: number | null = null;
  for (const lane of lanes) {
    for (const key of lane.keys) {
      const ahead = direction === 1 ? key.position > frame : key.position < frame;
      if (ahead && (best === null || Math.abs(key.position - frame) < Math.abs(best - frame))) best = key.position;
    }
  }
  return best;
}
