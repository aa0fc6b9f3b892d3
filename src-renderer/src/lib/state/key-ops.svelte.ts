import type { ControlInfo, Curves, EditChange, Keyframe, KeyframeType, Lane, ShotEdit } from '../../../../src-main/api/edit-schemas.js';
import { graphPlots, laneCurveRange } from '../timeline/graph.js';
import { constrainDrag, SNAP_PX, snapFrame, type DragInput } from '../timeline/gestures.js';
import { adjacentKeyFrame, copyKeys, pasteChanges, remapKeys, scaleFrame, type ClipboardKey } from '../timeline/key-edits.js';
import { clampShift, formatValue, keyRef, parseKeyRef, UNIT_LABEL } from '../timeline/keys.js';
import type { ValueRange } from '../timeline/scale.js';
import { HandleDrag } from './handle-drag.svelte.js';
import type { Player } from './player.svelte.js';
import type { TimelineView } from './timeline.svelte.js';

/** What the key operations use of the shot editor that owns them (ShotEditor), named here so the two modules do not import each other. */
export interface KeyOpsEditor {
  readonly shot: ShotEdit | null;
  readonly curves: Curves | null;
  readonly view: TimelineView;
  readonly controls: readonly ControlInfo[];
  readonly ranges: ReadonlyMap<string, ValueRange>;
  lane(param: string): Lane | undefined;
  modeOf(param: string): Lane['mode'];
  control(param: string): ControlInfo | undefined;
  apply(label: string, changes: EditChange[]): Promise<string[] | null>;
  previewKeys(proposed: { param: string; keys: Keyframe[] }[]): void;
  cancelDrag(): void;
  addKey(param: string, frame: number): Promise<void>;
}

/**
 * The timeline's key operations: drags of keys, handles and the selection's span (previewed
 * through the engine, committed once on release), copy/paste, interpolation, deletion,
 * key-to-key navigation and lane mute. Each command is one edit, so one undo step.
 */
export class KeyOps {
  clipboard = $state.raw<ClipboardKey[]>([]);
  /** The frame a dragged key snapped to, drawn as a guide. */
  snapGuide = $state<number | null>(null);

  /** Each lane's own-curve range in graph mode, from the committed curves. */
  readonly graphRanges: ReadonlyMap<string, ValueRange> = $derived.by(() => {
    const ranges = new Map<string, ValueRange>();
    for (const control of this.editor.controls) {
      const curve = this.editor.curves?.curves.find((c) => c.param === control.param);
      ranges.set(control.param, laneCurveRange(control.unit, curve?.lane, this.editor.lane(control.param)?.keys ?? [], this.editor.modeOf(control.param) === 'offset'));
    }
    return ranges;
  });

  private moved: { param: string; key: Keyframe }[] = [];
  private dropped: { param: string; id: string }[] = [];

  /** Dragging a key's bezier handles in graph mode. */
  readonly handles: HandleDrag;

  constructor(
    private readonly editor: KeyOpsEditor,
    private readonly player: Player,
  ) {
    this.handles = new HandleDrag(editor, (param) => this.valueScale(param), (param, value) => this.formatted(param, value));
  }

  private get view() {
    return this.editor.view;
  }

  /** The range and pixel height keys of a lane are dragged against, in the current mode. */
  valueScale(param: string): { range: ValueRange; height: number } {
    if (this.view.graph) return { range: this.graphRanges.get(param) ?? { min: -1, max: 1 }, height: graphPlots(this.view.graphHeight).lane.height };
    return { range: this.editor.ranges.get(param) ?? { min: -1, max: 1 }, height: this.view.laneHeight };
  }

  private selectedByLane(): Map<string, Set<string>> {
    const byLane = new Map<string, Set<string>>();
    for (const ref of this.view.selected) {
      const { param, id } = parseKeyRef(ref);
      if (!this.editor.lane(param)?.keys.some((k) => k.id === id)) continue;
      let ids = byLane.get(param);
      if (!ids) byLane.set(param, (ids = new Set()));
      ids.add(id);
    }
    return byLane;
  }

  private selectedKeys(): { param: string; key: Keyframe }[] {
    const keys: { param: string; key: Keyframe }[] = [];
    for (const [param, ids] of this.selectedByLane()) for (const key of this.editor.lane(param)?.keys ?? []) if (ids.has(key.id)) keys.push({ param, key });
    return keys;
  }

  // ── Dragging the selected keys ──

  /** Previews the selection dragged by the pointer's movement; `anchor` is the key under the pointer. */
  dragKeys(anchor: { param: string; key: Keyframe }, input: DragInput): void {
    const { dx, dy } = constrainDrag(input.dx, input.dy, input.axis, { lock: input.lock, fine: input.fine });
    const valueOnly = input.lock && input.axis === 'y';
    if (valueOnly) this.snapGuide = null;
    const frames = valueOnly ? 0 : this.snap(anchor.key.position + dx / this.view.pxPerFrame) - anchor.key.position;
    const byLane = this.selectedByLane();
    const positions = this.selectedKeys().map((s) => s.key.position);
    const shift = clampShift(positions, frames, this.view.frameCount - 1);
    const lanes: { param: string; keys: Keyframe[] }[] = [];
    const moved: { param: string; key: Keyframe }[] = [];
    const dropped: { param: string; id: string }[] = [];
    for (const [param, ids] of byLane) {
      const { range, height } = this.valueScale(param);
      const delta = (-dy * (range.max - range.min)) / height;
      const result = remapKeys(this.editor.lane(param)?.keys ?? [], ids, (p) => p + shift);
      const keys = result.keys.map((k) => (ids.has(k.id) ? { ...k, value: round(k.value + delta) } : k));
      lanes.push({ param, keys });
      for (const key of keys) if (ids.has(key.id)) moved.push({ param, key });
      for (const id of result.dropped) dropped.push({ param, id });
    }
    this.moved = moved;
    this.dropped = dropped;
    this.view.drag = { frames: shift, dy };
    const grabbed = moved.find((m) => m.key.id === anchor.key.id);
    if (grabbed) this.view.readout = this.describe(grabbed.param, grabbed.key.position, grabbed.key.value);
    this.editor.previewKeys(lanes);
  }

  /** A dragged frame on a whole frame, or on the playhead or another key within reach when snapping is on. */
  snap(frame: number): number {
    const snapped = this.view.snapping ? snapFrame(frame, this.snapTargets(), SNAP_PX / this.view.pxPerFrame) : { frame: Math.round(frame), target: null };
    this.snapGuide = snapped.target;
    return snapped.frame;
  }

  private snapTargets(): number[] {
    const targets = [this.player.frame];
    for (const lane of this.editor.shot?.lanes ?? []) {
      if (!this.view.shows(lane.param) || !this.editor.control(lane.param)) continue;
      for (const key of lane.keys) if (!this.view.selected.has(keyRef(lane.param, key.id))) targets.push(key.position);
    }
    return targets;
  }

  async releaseKeys(): Promise<void> {
    const moved = this.moved.filter(({ param, key }) => {
      const before = this.editor.lane(param)?.keys.find((k) => k.id === key.id);
      return before && (before.position !== key.position || before.value !== key.value);
    });
    this.snapGuide = null;
    if (moved.length === 0 && this.dropped.length === 0) {
      this.view.drag = null;
      return this.editor.cancelDrag();
    }
    const changes: EditChange[] = [
      ...this.dropped.map(({ param, id }): EditChange => ({ kind: 'deleteKey', param, id })),
      ...moved.map(({ param, key }): EditChange => ({ kind: 'setKey', param, key: { id: key.id, position: key.position, value: key.value } })),
    ];
    await this.editor.apply(moved.length === 1 ? 'Move keyframe' : `Move ${moved.length} keyframes`, changes);
    this.view.drag = null;
  }

  // ── The selection's span: move and scale in time ──

  /** The frames the selected keys span, or null when no key is selected. */
  selectionSpan(): [number, number] | null {
    const positions = this.selectedKeys().map((s) => s.key.position);
    return positions.length === 0 ? null : [Math.min(...positions), Math.max(...positions)];
  }

  /** Previews the selected keys mapped from the span `from` onto `to`. */
  dragRange(from: [number, number], to: [number, number]): void {
    const lanes: { param: string; keys: Keyframe[] }[] = [];
    const moved: { param: string; key: Keyframe }[] = [];
    const dropped: { param: string; id: string }[] = [];
    for (const [param, ids] of this.selectedByLane()) {
      const result = remapKeys(this.editor.lane(param)?.keys ?? [], ids, (p) => scaleFrame(p, from, to));
      lanes.push({ param, keys: result.keys });
      for (const key of result.moved) moved.push({ param, key });
      for (const id of result.dropped) dropped.push({ param, id });
    }
    this.moved = moved;
    this.dropped = dropped;
    this.view.readout = `fr ${to[0]}–${to[1]} (${to[1] - to[0] + 1} frames)`;
    this.editor.previewKeys(lanes);
  }

  async releaseRange(scaled: boolean): Promise<void> {
    const moved = this.moved.filter(({ param, key }) => this.editor.lane(param)?.keys.find((k) => k.id === key.id)?.position !== key.position);
    this.view.rangeDrag = null;
    this.snapGuide = null;
    if (moved.length === 0 && this.dropped.length === 0) return this.editor.cancelDrag();
    const changes: EditChange[] = [
      ...this.dropped.map(({ param, id }): EditChange => ({ kind: 'deleteKey', param, id })),
      ...moved.map(({ param, key }): EditChange => ({ kind: 'setKey', param, key: { id: key.id, position: key.position } })),
    ];
    const count = this.moved.length;
    await this.editor.apply(`${scaled ? 'Scale' : 'Move'} ${count} keyframe${count === 1 ? '' : 's'} in time`, changes);
  }

  /** Selects every key in frames [start, end] on the shown, unlocked lanes. */
  selectRange(start: number, end: number, add: boolean): void {
    const refs: string[] = [];
    for (const lane of this.editor.shot?.lanes ?? []) {
      if (!this.view.shows(lane.param) || !this.editor.control(lane.param)) continue;
      for (const key of lane.keys) if (key.position >= start && key.position <= end) refs.push(keyRef(lane.param, key.id));
    }
    this.view.select(refs, add);
  }

  // ── Commands ──

  copy(): boolean {
    const keys = this.selectedKeys();
    if (keys.length === 0) return false;
    this.clipboard = copyKeys(keys);
    return true;
  }

  /** Pastes at the playhead: onto the focused lane for keys from one lane, else onto their own lanes. */
  async paste(): Promise<void> {
    const focused = this.view.focusedLane && !this.view.locked.has(this.view.focusedLane) ? this.view.focusedLane : null;
    const changes = pasteChanges(this.clipboard, this.player.frame, this.view.frameCount - 1, focused).filter(
      (c) => c.kind === 'setKey' && !this.view.locked.has(c.param),
    );
    if (changes.length === 0) return;
    const ids = await this.editor.apply(changes.length === 1 ? 'Paste keyframe' : `Paste ${changes.length} keyframes`, changes);
    if (ids) this.view.select(ids.map((id, i) => keyRef((changes[i] as Extract<EditChange, { kind: 'setKey' }>).param, id)));
  }

  async deleteSelected(): Promise<void> {
    const keys = this.selectedKeys();
    if (keys.length === 0) return;
    const changes: EditChange[] = keys.map(({ param, key }) => ({ kind: 'deleteKey', param, id: key.id }));
    if (await this.editor.apply(keys.length === 1 ? 'Delete keyframe' : `Delete ${keys.length} keyframes`, changes)) this.view.clearSelection();
  }

  async setInterpolation(type: KeyframeType): Promise<void> {
    const keys = this.selectedKeys().filter(({ key }) => key.type !== type);
    if (keys.length === 0) return;
    await this.editor.apply(`${TYPE_LABEL[type]} interpolation`, keys.map(({ param, key }) => ({ kind: 'setKey', param, key: { id: key.id, type } })));
  }

  /** Alt+K: keys the focused lane at the playhead. */
  async keyAtPlayhead(): Promise<boolean> {
    const param = this.view.focusedLane;
    if (!param || !this.editor.curves?.tracked || this.view.locked.has(param)) return false;
    await this.editor.addKey(param, this.player.frame);
    return true;
  }

  /** `]` / `[`: the playhead to the next or previous key of the focused lane, or of any shown lane. */
  jumpToKey(direction: 1 | -1): boolean {
    const lanes = (this.editor.shot?.lanes ?? []).filter((l) => this.editor.control(l.param) && (this.view.focusedLane ? l.param === this.view.focusedLane : this.view.shows(l.param)));
    const frame = adjacentKeyFrame(lanes, this.player.frame, direction);
    if (frame === null) return false;
    this.player.step(frame - this.player.frame);
    return true;
  }

  async setMuted(param: string, muted: boolean): Promise<void> {
    await this.editor.apply(`${muted ? 'Mute' : 'Unmute'} ${this.editor.control(param)?.label ?? param}`, [{ kind: 'setLaneMuted', param, muted }]);
  }

  describe(param: string, frame: number, value: number): string {
    return `fr ${frame} · ${this.formatted(param, value)}`;
  }

  private formatted(param: string, value: number): string {
    const unit = this.editor.control(param)?.unit ?? 'deg';
    return `${formatValue(value, unit)}${UNIT_LABEL[unit]}`;
  }
}

const TYPE_LABEL: Record<KeyframeType, string> = { hold: 'Hold', linear: 'Linear', bezier: 'Bezier' };

function round(value: number): number {
  return Math.round(value * 1e4) / 1e4;
}
