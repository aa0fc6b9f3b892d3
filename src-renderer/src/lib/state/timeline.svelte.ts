import { parseKeyRef } from '../timeline/keys.js';
import { frameToX, type TimeView } from '../timeline/scale.js';

const MAX_PX_PER_FRAME = 40;
export const TIMELINE_HEIGHT = { min: 160, initial: 330, max: 900 };
export const LANE_HEIGHT = { min: 24, initial: 38, max: 160 };
export const GRAPH_HEIGHT = { min: 80, initial: 150, max: 480 };

/** A range selection in time: the span of the selected keys, dragged to move or scale. */
export type RangeDrag = { edge: 'start' | 'end' | 'move'; from: [number, number]; to: [number, number] };

/**
 * What the timeline shows and what is selected in it: the visible frames (zoom and pan),
 * collapsed lane groups, the selected keyframes and the lane that K keys.
 */
export class TimelineView {
  start = $state(0);
  pxPerFrame = $state(1);
  /** Width of the lane area in pixels (the part right of the lane headers). */
  width = $state(800);
  frameCount = $state(0);
  collapsed = $state<Record<string, boolean>>({});
  /** `keyRef(param, id)` of each selected keyframe. */
  selected = $state.raw<ReadonlySet<string>>(new Set());
  /** The lane K keys at the playhead; set by clicking a lane. */
  focusedLane = $state<string | null>(null);
  /** A drag of the selected keys in progress: whole frames and vertical pixels moved. */
  drag = $state.raw<{ frames: number; dy: number } | null>(null);
  /** A move or scale of the selection's span in progress (the selection bar). */
  rangeDrag = $state.raw<RangeDrag | null>(null);

  /** Height of the whole timeline panel (its top edge is dragged). */
  height = $state(TIMELINE_HEIGHT.initial);
  /** Height of a lane in the keyframe view, and in graph mode. */
  laneHeight = $state(LANE_HEIGHT.initial);
  graphHeight = $state(GRAPH_HEIGHT.initial);
  /** Graph mode: per lane, the lane's own curve with bezier handles above the result curve. */
  graph = $state(false);
  snapping = $state(true);
  soloed = $state.raw<ReadonlySet<string>>(new Set());
  locked = $state.raw<ReadonlySet<string>>(new Set());
  /** Frame and value under the pointer or of the key being dragged. */
  readout = $state<string | null>(null);

  readonly view: TimeView = $derived({ start: this.start, pxPerFrame: this.pxPerFrame });
  readonly minPxPerFrame = $derived(this.frameCount > 0 ? this.width / this.frameCount : 1);
  readonly endFrame = $derived(this.start + this.width / this.pxPerFrame);

  /** Until the user zooms, the whole shot stays fitted to the width. */
  private fitted = true;

  setWidth(width: number): void {
    if (width <= 0) return;
    this.width = width;
    if (this.fitted) this.fit();
    else this.clamp();
  }

  setFrameCount(frameCount: number): void {
    if (frameCount === this.frameCount) return;
    this.frameCount = frameCount;
    this.selected = new Set();
    this.fit();
  }

  fit(): void {
    this.fitted = true;
    this.pxPerFrame = this.minPxPerFrame;
    this.start = 0;
  }

  /** Zooms by `factor` keeping the frame under pixel `x` where it is. */
  zoomAt(factor: number, x: number): void {
    const anchor = this.start + x / this.pxPerFrame;
    this.pxPerFrame = Math.min(MAX_PX_PER_FRAME, Math.max(this.minPxPerFrame, this.pxPerFrame * factor));
    this.fitted = this.pxPerFrame <= this.minPxPerFrame;
    this.start = anchor - x / this.pxPerFrame;
    this.clamp();
  }

  /** Zooms by `factor` and centres `frame` (the zoom buttons keep the playhead in the middle). */
  zoomAround(factor: number, frame: number): void {
    this.pxPerFrame = Math.min(MAX_PX_PER_FRAME, Math.max(this.minPxPerFrame, this.pxPerFrame * factor));
    this.fitted = this.pxPerFrame <= this.minPxPerFrame;
    this.start = frame - this.width / 2 / this.pxPerFrame;
    this.clamp();
  }

  pan(pixels: number): void {
    this.start += pixels / this.pxPerFrame;
    this.clamp();
  }

  /** Pages the view so the playhead stays visible (playback, stepping, scrubbing past an edge). */
  follow(frame: number): void {
    const x = frameToX(this.view, frame);
    if (x >= 0 && x <= this.width - 8) return;
    const visible = this.width / this.pxPerFrame;
    this.start = x < 0 ? frame - visible * 0.1 : frame - visible * 0.9;
    this.clamp();
  }

  /** Keys on locked lanes are never selected (so never dragged, deleted or copied). */
  select(refs: Iterable<string>, add = false): void {
    const next = new Set(add ? this.selected : []);
    for (const ref of refs) if (!this.locked.has(laneOf(ref))) next.add(ref);
    this.selected = next;
  }

  toggle(ref: string): void {
    if (this.locked.has(laneOf(ref))) return;
    const next = new Set(this.selected);
    if (!next.delete(ref)) next.add(ref);
    this.selected = next;
  }

  /** Lanes shown: the soloed ones when any is soloed, else all. */
  shows(param: string): boolean {
    return this.soloed.size === 0 || this.soloed.has(param);
  }

  /** Another shot: no lane stays soloed or locked. */
  forgetLanes(): void {
    this.soloed = new Set();
    this.locked = new Set();
  }

  toggleSolo(param: string): void {
    this.soloed = toggled(this.soloed, param);
  }

  toggleLock(param: string): void {
    this.locked = toggled(this.locked, param);
    if (this.locked.has(param)) this.selected = new Set([...this.selected].filter((ref) => laneOf(ref) !== param));
  }

  resize(part: 'height' | 'laneHeight' | 'graphHeight', value: number): void {
    const limits = part === 'height' ? TIMELINE_HEIGHT : part === 'laneHeight' ? LANE_HEIGHT : GRAPH_HEIGHT;
    this[part] = Math.round(Math.min(limits.max, Math.max(limits.min, value)));
  }

  clearSelection(): void {
    if (this.selected.size > 0) this.selected = new Set();
  }

  /** The height a lane has in the current mode. */
  get rowHeight(): number {
    return this.graph ? this.graphHeight : this.laneHeight;
  }

  private clamp(): void {
    const visible = this.width / this.pxPerFrame;
    this.start = Math.max(0, Math.min(this.start, Math.max(0, this.frameCount - visible)));
  }
}

function laneOf(ref: string): string {
  return parseKeyRef(ref).param;
}

function toggled(set: ReadonlySet<string>, item: string): ReadonlySet<string> {
  const next = new Set(set);
  if (!next.delete(item)) next.add(item);
  return next;
}
