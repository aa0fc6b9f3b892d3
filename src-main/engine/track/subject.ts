/**
 * Choosing the subject when frames hold several faces: faces are linked into tracks by box
 * overlap from frame to frame (across short dropouts), and the subject is the track with the
 * largest total face area — the largest consistently tracked face.
 */

export type Box = [x: number, y: number, width: number, height: number];

export interface FrameFaces {
  frame: number;
  boxes: Box[];
}

/** Frames a track may miss and still be continued by an overlapping box. */
const MAX_LINK_GAP = 30;
const MIN_IOU = 0.3;

export function iou(a: Box, b: Box): number {
  const x0 = Math.max(a[0], b[0]), y0 = Math.max(a[1], b[1]);
  const x1 = Math.min(a[0] + a[2], b[0] + b[2]), y1 = Math.min(a[1] + a[3], b[1] + b[3]);
  const inter = Math.max(0, x1 - x0) * Math.max(0, y1 - y0);
  const union = a[2] * a[3] + b[2] * b[3] - inter;
  return union > 0 ? inter / union : 0;
}

interface Track {
  last: Box;
  lastFrame: number;
  area: number;
  members: Map<number, number>;
}

/** For each frame (in the given order), the index of the subject's face, or −1 when the subject is not in it. */
export function chooseSubject(frames: FrameFaces[]): Map<number, number> {
  const tracks: Track[] = [];
  for (const { frame, boxes } of frames) {
    const taken = new Set<Track>();
    // Larger faces claim tracks first.
    const order = boxes.map((b, i) => i).sort((a, b) => boxes[b]![2] * boxes[b]![3] - boxes[a]![2] * boxes[a]![3]);
    for (const i of order) {
      const box = boxes[i]!;
      let best: Track | undefined;
      let bestIou = MIN_IOU;
      for (const track of tracks) {
        if (taken.has(track) || frame - track.lastFrame > MAX_LINK_GAP) continue;
        const overlap = iou(track.last, box);
        if (overlap > bestIou) {
          bestIou = overlap;
          best = track;
        }
      }
      if (!best) {
        best = { last: box, lastFrame: frame, area: 0, members: new Map() };
        tracks.push(best);
      }
      taken.add(best);
      best.last = box;
      best.lastFrame = frame;
      best.area += box[2] * box[3];
      best.members.set(frame, i);
    }
  }
  const result = new Map<number, number>();
  const subject = tracks.reduce<Track | undefined>((a, b) => (!a || b.area > a.area ? b : a), undefined);
  for (const { frame, boxes } of frames) {
    let index = subject?.members.get(frame) ?? -1;
    if (index < 0 && subject && boxes.length > 0) {
      // The subject re-appears as a new track after a long absence: accept a face of the subject's size.
      const typical = Math.sqrt(subject.area / Math.max(1, subject.members.size));
      const candidates = boxes.map((b, i) => [Math.sqrt(b[2] * b[3]) / typical, i] as const).filter(([ratio]) => ratio > 0.6 && ratio < 1.6);
      if (candidates.length === 1) index = candidates[0]![1];
    }
    result.set(frame, index);
  }
  return result;
}
