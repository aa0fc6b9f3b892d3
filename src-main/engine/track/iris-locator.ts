/**
 * Finds the iris in the image itself. The detector's iris points follow the eye corners and lids
 * more than the iris, so gaze read from them barely moves when the eyes do. Inside the eye opening
 * (the lid contour, slightly eroded so lashes and lid margins do not count) the iris is the dark
 * disc of the expected radius: each candidate centre is scored by the correlation between a
 * disc template and the image over a neighbourhood of the disc, and the best one is refined to a
 * fraction of a pixel.
 */
import { LEFT_EYE_LOWER, LEFT_EYE_UPPER, RIGHT_EYE_LOWER, RIGHT_EYE_UPPER } from '../face/topology.js';
import { eyePatch, type EyePatch } from './eye-patch.js';

export interface IrisEye {
  /** Iris centre point index in the detection (its rim points follow it). */
  iris: number;
  /** Lid margins, each from the outer corner to the inner corner. */
  upper: readonly number[];
  lower: readonly number[];
}

export interface IrisFix {
  /** Iris centre in image pixels. */
  x: number;
  y: number;
  /** Centre the search found, before blending with the detector's point by the confidence. */
  foundX: number;
  foundY: number;
  /** 0 = the detector's point kept (eye closed, no clear disc), 1 = the image decided alone. */
  confidence: number;
}

/** Patch pixels across the eye, corner to corner. */
const PATCH_EYE_WIDTH = 32;
/** Iris radius as a share of the eye's width (corner to corner) when the detector's rim is implausible. */
const TYPICAL_RADIUS_SHARE = 0.2;
/** The template's neighbourhood: the disc and a ring out to this multiple of the radius. */
const NEIGHBOURHOOD = 1.8;
/** Correlations below this are no evidence of a disc; at and above the full value the image decides alone. */
const CORRELATION_NONE = 0.25;
const CORRELATION_FULL = 0.5;

interface Score {
  value: number;
  /** Share of the disc inside the visible opening. */
  visible: number;
}

/** −(Pearson correlation) between a dark-disc template and the patch over the visible neighbourhood. */
function discScore(patch: EyePatch, cx: number, cy: number, r: number): Score {
  const { width, height, values, mask } = patch;
  const reach = NEIGHBOURHOOD * r;
  const x0 = Math.max(0, Math.floor(cx - reach)), x1 = Math.min(width - 1, Math.ceil(cx + reach));
  const y0 = Math.max(0, Math.floor(cy - reach)), y1 = Math.min(height - 1, Math.ceil(cy + reach));
  const reach2 = reach * reach;
  let n = 0, st = 0, stt = 0, si = 0, sii = 0, sti = 0;
  for (let y = y0; y <= y1; y++) {
    const dy = y + 0.5 - cy;
    for (let x = x0; x <= x1; x++) {
      const at = y * width + x;
      if (!mask[at]) continue;
      const dx = x + 0.5 - cx;
      const d2 = dx * dx + dy * dy;
      if (d2 > reach2) continue;
      const t = Math.min(1, Math.max(0, r + 0.5 - Math.sqrt(d2)));
      const v = values[at]!;
      n++;
      st += t; stt += t * t; si += v; sii += v * v; sti += t * v;
    }
  }
  const visible = st / (Math.PI * r * r);
  const vt = n * stt - st * st, vi = n * sii - si * si;
  if (n < 8 || vt <= 1e-9 || vi <= 1e-9) return { value: 0, visible };
  return { value: -(n * sti - st * si) / Math.sqrt(vt * vi), visible };
}

/** Vertex of the parabola through three equally spaced samples, as an offset in steps from the middle one. */
function parabolaPeak(a: number, b: number, c: number): number {
  const curvature = a - 2 * b + c;
  if (curvature >= 0) return 0;
  return Math.max(-0.5, Math.min(0.5, (0.5 * (a - c)) / curvature));
}

/** Locates one eye's iris; `points` are the detection's 478 points (x, y, z triples). */
export function locateIris(rgb: Uint8Array, width: number, height: number, points: ArrayLike<number>, eye: IrisEye): IrisFix {
  const detX = points[3 * eye.iris]!, detY = points[3 * eye.iris + 1]!;
  const keep: IrisFix = { x: detX, y: detY, foundX: detX, foundY: detY, confidence: 0 };
  const patch = eyePatch(rgb, width, height, points, eye.upper, eye.lower, PATCH_EYE_WIDTH);
  if (!patch) return keep;
  // Radius from the detector's rim points, held to the range of real eyes.
  let rim = 0;
  for (let k = 1; k <= 4; k++) rim += Math.hypot(points[3 * (eye.iris + k)]! - detX, points[3 * (eye.iris + k) + 1]! - detY) / 4;
  const typical = TYPICAL_RADIUS_SHARE * PATCH_EYE_WIDTH;
  const r = Math.min(1.25 * typical, Math.max(0.75 * typical, rim / patch.scale));
  if (patch.openHeight < 0.5 * r) return keep;

  // Coarse search on whole patch pixels over the opening, then a finer one around the best.
  let best = { x: 0, y: 0, value: -Infinity, visible: 0 };
  const consider = (x: number, y: number): number => {
    const s = discScore(patch, x, y, r);
    const value = s.visible >= 0.35 ? s.value : -1;
    if (value > best.value) best = { x, y, value, visible: s.visible };
    return value;
  };
  for (let y = patch.openTop; y <= patch.openBottom; y += 1) for (let x = patch.openLeft; x <= patch.openRight; x += 1) consider(x, y);
  if (best.value === -Infinity) return keep;
  const coarse = best;
  for (let y = -0.75; y <= 0.75; y += 0.25) for (let x = -0.75; x <= 0.75; x += 0.25) consider(coarse.x + x, coarse.y + y);
  const step = 0.25;
  const around = (dx: number, dy: number): number => discScore(patch, best.x + dx, best.y + dy, r).value;
  const px = best.x + step * parabolaPeak(around(-step, 0), best.value, around(step, 0));
  const py = best.y + step * parabolaPeak(around(0, -step), best.value, around(0, step));
  const [foundX, foundY] = patch.toImage(px, py);
  const confidence = Math.max(0, Math.min(1, (best.value - CORRELATION_NONE) / (CORRELATION_FULL - CORRELATION_NONE)));
  return { x: detX + confidence * (foundX - detX), y: detY + confidence * (foundY - detY), foundX, foundY, confidence };
}

/** The detector's iris centres and the lid margins around them (468 sits in the subject's left eye). */
export const IRIS_EYES: readonly IrisEye[] = [
  { iris: 468, upper: LEFT_EYE_UPPER, lower: LEFT_EYE_LOWER },
  { iris: 473, upper: RIGHT_EYE_UPPER, lower: RIGHT_EYE_LOWER },
];

/** Moves both irises of a detection (centre and rim points, x and y) to where the image puts them. */
export function refineIrises(rgb: Uint8Array, width: number, height: number, points: Float32Array): IrisFix[] {
  return IRIS_EYES.map((eye) => {
    const fix = locateIris(rgb, width, height, points, eye);
    const dx = fix.x - points[3 * eye.iris]!, dy = fix.y - points[3 * eye.iris + 1]!;
    for (let k = 0; k < 5; k++) {
      points[3 * (eye.iris + k)] = points[3 * (eye.iris + k)]! + dx;
      points[3 * (eye.iris + k) + 1] = points[3 * (eye.iris + k) + 1]! + dy;
    }
    return fix;
  });
}
