import type { EditChange, Keyframe } from '../../../../src-main/api/edit-schemas.js';
import { constrainDrag, type DragInput } from '../timeline/gestures.js';
import { dragHandle, handlePoint, handlesBroken, type HandleSide } from '../timeline/handles.js';
import type { ValueRange } from '../timeline/scale.js';
import type { TimelineView } from './timeline.svelte.js';

/** What a handle drag uses of the shot editor (ShotEditor). */
export interface HandleDragEditor {
  readonly view: TimelineView;
  lane(param: string): { keys: Keyframe[] } | undefined;
  apply(label: string, changes: EditChange[]): Promise<string[] | null>;
  previewKeys(proposed: { param: string; keys: Keyframe[] }[]): void;
  cancelDrag(): void;
}

/**
 * Dragging one bezier handle in graph mode: a preview while the pointer moves, one undo step on
 * release. Unified handles turn together, broken ones move alone, as the key's handles are now
 * (`handlesBroken`); `toggle` (Alt) breaks unified handles or unifies broken ones.
 */
export class HandleDrag {
  private drag: { param: string; key: Keyframe } | null = null;

  constructor(
    private readonly editor: HandleDragEditor,
    private readonly valueScale: (param: string) => { range: ValueRange; height: number },
    private readonly formatted: (param: string, value: number) => string,
  ) {}

  move(param: string, keyId: string, side: HandleSide, input: DragInput & { toggle: boolean }): void {
    const view = this.editor.view;
    const keys = this.editor.lane(param)?.keys ?? [];
    const index = keys.findIndex((k) => k.id === keyId);
    const start = handlePoint(keys, index, side);
    if (!start) return;
    const { range, height } = this.valueScale(param);
    const pxPerValue = height / (range.max - range.min);
    const { dx, dy } = constrainDrag(input.dx, input.dy, input.axis, { lock: input.lock, fine: input.fine });
    const point = { frame: start.frame + dx / view.pxPerFrame, value: start.value - dy / pxPerValue };
    const scale = { pxPerFrame: view.pxPerFrame, pxPerValue };
    const key = dragHandle(keys, index, side, point, handlesBroken(keys, index) === input.toggle, scale);
    this.drag = { param, key };
    view.readout = `${side} handle · fr ${point.frame.toFixed(1)} · ${this.formatted(param, point.value)}`;
    this.editor.previewKeys([{ param, keys: keys.map((k) => (k.id === keyId ? key : k)) }]);
  }

  async release(): Promise<void> {
    const drag = this.drag;
    this.drag = null;
    if (!drag) return this.editor.cancelDrag();
    await this.editor.apply('Adjust bezier handles', [{ kind: 'setKey', param: drag.param, key: { id: drag.key.id, handles: [...drag.key.handles] } }]);
  }
}
