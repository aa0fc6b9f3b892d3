/**
 * Cubic bezier easing on the unit square, P0 = (0,0), P3 = (1,1), as in CSS
 * `cubic-bezier()` and Theatre.js. With both control x values in [0, 1], x(t) is
 * monotone, so every progression u has exactly one t.
 */
const NEWTON_ITERATIONS = 8;
const NEWTON_MIN_SLOPE = 1e-7;
const X_TOLERANCE = 1e-12;
const BISECTION_ITERATIONS = 60;

export interface UnitBezier {
  x1: number;
  y1: number;
  x2: number;
  y2: number;
}

/** Coordinate of the cubic with control values 0, c1, c2, 1 at parameter t. */
function coordinate(t: number, c1: number, c2: number): number {
  const s = 1 - t;
  return 3 * s * s * t * c1 + 3 * s * t * t * c2 + t * t * t;
}

function derivative(t: number, c1: number, c2: number): number {
  const s = 1 - t;
  return 3 * s * s * c1 + 6 * s * t * (c2 - c1) + 3 * t * t * (1 - c2);
}

/** The curve parameter t at which x(t) = u, for u in [0, 1]. */
export function solveCurveX(curve: UnitBezier, u: number): number {
  if (u <= 0) return 0;
  if (u >= 1) return 1;
  let t = u;
  for (let i = 0; i < NEWTON_ITERATIONS; i++) {
    const error = coordinate(t, curve.x1, curve.x2) - u;
    if (Math.abs(error) < X_TOLERANCE) return t;
    const slope = derivative(t, curve.x1, curve.x2);
    if (Math.abs(slope) < NEWTON_MIN_SLOPE) break;
    const next = t - error / slope;
    if (next < 0 || next > 1) break;
    t = next;
  }
  // Newton stalls on flat stretches (a control x at 0 or 1); x is monotone, so bisection always converges.
  let low = 0;
  let high = 1;
  t = u;
  for (let i = 0; i < BISECTION_ITERATIONS; i++) {
    const x = coordinate(t, curve.x1, curve.x2);
    if (Math.abs(x - u) < X_TOLERANCE) return t;
    if (x < u) low = t;
    else high = t;
    t = (low + high) / 2;
  }
  return t;
}

/** The eased progression y for a time progression u in [0, 1]. */
export function bezierProgression(curve: UnitBezier, u: number): number {
  if (u <= 0) return 0;
  if (u >= 1) return 1;
  return coordinate(solveCurveX(curve, u), curve.y1, curve.y2);
}

export function curveX(curve: UnitBezier, t: number): number {
  return coordinate(t, curve.x1, curve.x2);
}

export function curveY(curve: UnitBezier, t: number): number {
  return coordinate(t, curve.y1, curve.y2);
}
