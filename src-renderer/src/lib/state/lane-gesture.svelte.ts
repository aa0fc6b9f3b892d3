import type { Keyframe } from '../../../../src-main/api/edit-schemas.js';
import { firstAxis, type Axis } from '../timeline/gestures.js';
import type { HandleSide } from '../timeline/handles.js';
import { keyRef } from '../timeline/keys.js';
import type { ShotEditor } from './edit.svelte.js';
import type { Player } from './player.svelte.js';

export interface LaneGeometry {
  param: string;
  /** Where a key is drawn in the lane's svg. */
  keyPoint(key: Keyframe): { x: number; y: number };
  frameAt(x: number): number;
  /** Frame and value under the pointer, for the readout. */
  hover(x: number, y: number): string | null;
}

type Gesture =
  | { kind: 'keys'; key: Keyframe }
  | { kind: 'handle'; keyId: string; side: HandleSide }
  | { kind: 'box' | 'click' };

/**
 * Pointer gestures on one lane: drag keys (Shift locks the first axis moved, Ctrl or Alt is
 * fine), drag bezier handles (Alt breaks them), box-select, click to seek. Nothing is written
 * until the pointer is released; Esc puts everything back.
 */
export class LaneGesture {
  box = $state<{ x0: number; x1: number; y0: number; y1: number } | null>(null);

  private gesture: (Gesture & { x0: number; y0: number; additive: boolean; moved: boolean; axis: Axis | null }) | null = null;

  /** A getter: the lane's component passes its current props. */
  constructor(private readonly context: () => { editor: ShotEditor; player: Player; geometry: LaneGeometry }) {}

  private get editor(): ShotEditor {
    return this.context().editor;
  }

  private get player(): Player {
    return this.context().player;
  }

  private geometry(): LaneGeometry {
    return this.context().geometry;
  }

  private get view() {
    return this.editor.view;
  }

  private get locked(): boolean {
    return this.view.locked.has(this.geometry().param);
  }

  private start(event: PointerEvent, gesture: Gesture): void {
    const svg = (event.currentTarget as Element).closest('svg') as SVGSVGElement;
    svg.setPointerCapture(event.pointerId);
    const { x, y } = local(event, svg);
    this.gesture = { ...gesture, x0: x, y0: y, additive: event.shiftKey, moved: false, axis: null };
  }

  keyDown(event: PointerEvent, key: Keyframe): void {
    if (event.button !== 0) return;
    event.stopPropagation();
    const { param } = this.geometry();
    this.view.focusedLane = param;
    if (this.locked) return;
    const ref = keyRef(param, key.id);
    if (event.shiftKey) this.view.toggle(ref);
    else if (!this.view.selected.has(ref)) this.view.select([ref]);
    this.start(event, { kind: 'keys', key });
  }

  handleDown(event: PointerEvent, keyId: string, side: HandleSide): void {
    if (event.button !== 0 || this.locked) return;
    event.stopPropagation();
    this.start(event, { kind: 'handle', keyId, side });
  }

  backgroundDown(event: PointerEvent): void {
    if (event.button !== 0) return;
    this.start(event, { kind: 'click' });
  }

  move(event: PointerEvent): void {
    const svg = event.currentTarget as SVGSVGElement;
    const { x, y } = local(event, svg);
    const g = this.gesture;
    if (!g) {
      this.view.readout = this.geometry().hover(x, y);
      return;
    }
    const dx = x - g.x0;
    const dy = y - g.y0;
    if (!g.moved) {
      g.axis = firstAxis(dx, dy);
      if (!g.axis) return;
      g.moved = true;
    }
    const input = { dx, dy, axis: g.axis, lock: event.shiftKey, fine: event.ctrlKey || event.metaKey };
    if (g.kind === 'keys') {
      if (this.view.selected.size > 0) this.editor.ops.dragKeys({ param: this.geometry().param, key: g.key }, { ...input, fine: input.fine || event.altKey });
    } else if (g.kind === 'handle') {
      this.editor.ops.handles.move(this.geometry().param, g.keyId, g.side, { ...input, toggle: event.altKey });
    } else {
      g.kind = 'box';
      this.box = { x0: g.x0, x1: x, y0: g.y0, y1: y };
    }
  }

  async up(event: PointerEvent): Promise<void> {
    const g = this.gesture;
    this.gesture = null;
    if (!g) return;
    const geometry = this.geometry();
    this.view.focusedLane = geometry.param;
    if (g.kind === 'keys') {
      if (g.moved) await this.editor.ops.releaseKeys();
      return;
    }
    if (g.kind === 'handle') {
      if (g.moved) await this.editor.ops.handles.release();
      return;
    }
    const box = this.box;
    if (g.kind === 'box' && box) {
      this.box = null;
      if (this.locked) return;
      const [left, right] = [Math.min(box.x0, box.x1), Math.max(box.x0, box.x1)];
      const [top, bottom] = [Math.min(box.y0, box.y1), Math.max(box.y0, box.y1)];
      const inside = (this.editor.lane(geometry.param)?.keys ?? []).filter((k) => {
        const p = geometry.keyPoint(k);
        return p.x >= left && p.x <= right && p.y >= top - 6 && p.y <= bottom + 6;
      });
      this.view.select(
        inside.map((k) => keyRef(geometry.param, k.id)),
        g.additive,
      );
      return;
    }
    if (!g.additive) this.view.clearSelection();
    this.player.seek(geometry.frameAt(local(event, event.currentTarget as Element).x));
  }

  leave(): void {
    if (!this.gesture) this.view.readout = null;
  }

  cancel(): void {
    if (!this.gesture) return;
    this.gesture = null;
    this.box = null;
    this.view.drag = null;
    this.editor.ops.snapGuide = null;
    this.editor.cancelDrag();
  }

  doubleClick(event: MouseEvent): void {
    const geometry = this.geometry();
    const frame = geometry.frameAt(local(event, event.currentTarget as Element).x);
    this.player.seek(frame);
    this.view.focusedLane = geometry.param;
    if (!this.locked) void this.editor.addKey(geometry.param, frame);
  }
}

function local(event: PointerEvent | MouseEvent, element: Element): { x: number; y: number } {
  const rect = element.getBoundingClientRect();
  return { x: event.clientX - rect.left, y: event.clientY - rect.top };
}
