/**
 * Geometry of the timeline: frames ↔ pixels, ruler ticks, a lane's value range, and curve
 * paths that stay cheap at any zoom (one vertical stroke per pixel column when zoomed out).
 */

import type { FrameRange } from '../../../../src-main/api/frame-range.js';

export interface TimeView {
  /** The frame at the left edge (fractional while panning). */
  start: number;
  pxPerFrame: number;
}

export function frameToX(view: TimeView, frame: number): number {
  return (frame - view.start) * view.pxPerFrame;
}

export function xToFrame(view: TimeView, x: number): number {
  return view.start + x / view.pxPerFrame;
}

export interface Tick {
  frame: number;
  major: boolean;
}

/**
 * Ruler ticks at a step a timecode reader expects (frames, then whole seconds, then minutes),
 * the smallest with at least `minLabelPx` between labels; minor ticks subdivide it.
 */
export function rulerTicks(view: TimeView, width: number, fps: number, lastFrame: number, minLabelPx = 90): { ticks: Tick[]; step: number } {
  const rate = Math.max(1, Math.round(fps));
  const steps = [1, 2, 5, 10, rate, 2 * rate, 5 * rate, 10 * rate, 15 * rate, 30 * rate, 60 * rate, 120 * rate, 300 * rate, 600 * rate].filter((s, i, all) => all.indexOf(s) === i).sort((a, b) => a - b);
  const step = steps.find((s) => s * view.pxPerFrame >= minLabelPx) ?? (steps[steps.length - 1] as number);
  // Close in, every frame gets a tick.
  const minor = view.pxPerFrame >= 4 && step <= rate ? 1 : step >= rate && step % 5 === 0 ? step / 5 : step >= 2 ? step / 2 : step;
  const first = Math.max(0, Math.floor(view.start / minor) * minor);
  const last = Math.min(lastFrame, Math.ceil(xToFrame(view, width)));
  const ticks: Tick[] = [];
  for (let frame = first; frame <= last; frame += minor) ticks.push({ frame, major: frame % step === 0 });
  return { ticks, step };
}

export interface ValueRange {
  min: number;
  max: number;
}

/** The smallest span a lane shows, per unit, so a nearly still curve is not blown up into noise. */
const MIN_SPAN: Record<string, number> = { deg: 4, mm: 10, '% IOD': 4, closure: 0.4 };

/** A lane's vertical range: everything it draws, padded, never thinner than the unit's minimum span. */
export function laneRange(unit: string, series: readonly (readonly number[] | null | undefined)[], extra: readonly number[] = []): ValueRange {
  let min = Infinity;
  let max = -Infinity;
  for (const values of series) {
    if (!values) continue;
    for (const v of values) {
      if (v < min) min = v;
      if (v > max) max = v;
    }
  }
  for (const v of extra) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (!(min <= max)) return { min: -1, max: 1 };
  const minimum = MIN_SPAN[unit] ?? 1;
  const span = Math.max(max - min, minimum);
  const middle = (min + max) / 2;
  return { min: middle - span * 0.6, max: middle + span * 0.6 };
}

export function valueToY(range: ValueRange, height: number, value: number): number {
  return ((range.max - value) / (range.max - range.min)) * height;
}

export function yToValue(range: ValueRange, height: number, y: number): number {
  return range.max - (y / height) * (range.max - range.min);
}

/**
 * An SVG path of `values` over the visible frames. Zoomed out (several frames per pixel) it
 * draws each pixel column's min–max, so 1500 frames or 150,000 cost the same per column.
 */
export function curvePath(values: readonly number[], view: TimeView, width: number, range: ValueRange, height: number): string {
  if (values.length === 0) return '';
  const first = Math.max(0, Math.floor(view.start));
  const last = Math.min(values.length - 1, Math.ceil(xToFrame(view, width)));
  if (last < first) return '';
  const y = (v: number): string => valueToY(range, height, v).toFixed(1);
  const parts: string[] = [];
  if (view.pxPerFrame >= 0.5) {
    for (let f = first; f <= last; f++) parts.push(`${parts.length === 0 ? 'M' : 'L'}${frameToX(view, f).toFixed(1)} ${y(values[f] as number)}`);
    return parts.join('');
  }
  // Several frames per pixel column: one vertical stroke from the column's min to its max, joined.
  let column = Math.floor(frameToX(view, first));
  let low = Infinity;
  let high = -Infinity;
  const flush = (): void => {
    if (low > high) return;
    parts.push(`${parts.length === 0 ? 'M' : 'L'}${column} ${y(high)}L${column} ${y(low)}`);
  };
  for (let f = first; f <= last; f++) {
    const x = Math.floor(frameToX(view, f));
    if (x !== column) {
      flush();
      column = x;
      low = Infinity;
      high = -Infinity;
    }
    const v = values[f] as number;
    if (v < low) low = v;
    if (v > high) high = v;
  }
  flush();
  return parts.join('');
}

/** Merges sorted inclusive spans into pixel rectangles for the visible part. */
export function spanRects(spans: readonly FrameRange[], view: TimeView, width: number): { x: number; width: number }[] {
  const rects: { x: number; width: number }[] = [];
  for (const span of spans) {
    const x0 = Math.max(0, frameToX(view, span.first));
    const x1 = Math.min(width, frameToX(view, span.last + 1));
    if (x1 > x0) rects.push({ x: x0, width: x1 - x0 });
  }
  return rects;
}
