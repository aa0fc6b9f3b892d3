import type { FrameRange } from '../../../../src-main/api/frame-range.js';
import { TRACK_CODE, type TrainingModel } from '../../../../src-main/api/pipeline.js';

/** Frames a render synthesizes: a fitted face (tracked, interpolated or low confidence). */
export function isTracked(code: number | undefined): boolean {
  return code === TRACK_CODE.tracked || code === TRACK_CODE.interpolated || code === TRACK_CODE.uncertain;
}

/** The runs of frames in [first, last] with no tracked face (the render passes the plate through there). */
export function untrackedSpans(codes: readonly number[], first: number, last: number): FrameRange[] {
  const spans: FrameRange[] = [];
  for (let frame = Math.max(0, first); frame <= last; frame++) {
    if (isTracked(codes[frame])) continue;
    const open = spans[spans.length - 1];
    if (open && open.last === frame - 1) open.last = frame;
    else spans.push({ first: frame, last: frame });
  }
  return spans;
}

/** "30–59, 62" (at most `limit` spans, then "and N more"). */
export function spansText(spans: readonly FrameRange[], limit = 6): string {
  const shown = spans.slice(0, limit).map((s) => (s.first === s.last ? `${s.first}` : `${s.first}–${s.last}`));
  return spans.length > limit ? `${shown.join(', ')} and ${spans.length - limit} more` : shown.join(', ');
}

/** `take_v2.mov` beside `take.mov` (or the next free version), none of `taken` (file names in the folder). */
export function versionedName(file: string, taken: ReadonlySet<string>): string {
  const slash = Math.max(file.lastIndexOf('/'), file.lastIndexOf('\\'));
  const folder = file.slice(0, slash + 1);
  const name = file.slice(slash + 1);
  const dot = name.lastIndexOf('.');
  const extension = dot > 0 ? name.slice(dot) : '';
  const match = /^(.*)_v(\d+)$/.exec(dot > 0 ? name.slice(0, dot) : name);
  const base = match ? match[1]! : dot > 0 ? name.slice(0, dot) : name;
  let version = match ? Number(match[2]) + 1 : 2;
  while (taken.has(`${base}_v${version}${extension}`) || taken.has(`${folder}${base}_v${version}${extension}`)) version++;
  return `${folder}${base}_v${version}${extension}`;
}

/** The default render model's latest held-out score against the nearest-neighbour baseline on the same frames. */
export interface ModelQuality {
  modelId: number;
  step: number;
  psnr: number;
  baselinePsnr: number;
}

/**
 * The model a render without `modelId` uses (as the engine picks it: the newest face model with
 * a checkpoint) and its newest held-out evaluation; null without one.
 */
export function renderModelQuality(models: readonly TrainingModel[]): ModelQuality | null {
  const face = models.filter((m) => m.frames !== null).sort((a, b) => b.id - a.id);
  const model = face.find((m) => m.checkpoints.length > 0) ?? face[0];
  const point = model?.heldOut.at(-1);
  if (!model || !point || point.model.psnr === null || point.nearestNeighbour.psnr === null) return null;
  return { modelId: model.id, step: point.step, psnr: point.model.psnr, baselinePsnr: point.nearestNeighbour.psnr };
}
