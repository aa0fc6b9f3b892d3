/** The loss values of one training step, as the loss plot draws them. */
export interface LossPoint {
  step: number;
  generator: number;
  discriminator: number;
  l1: number;
}

/** At most `maxPoints` points: consecutive steps averaged in equal buckets, the last step kept exact. */
export function downsampleLosses<T extends LossPoint>(points: T[], maxPoints: number): T[] {
  if (points.length <= maxPoints) return points;
  const out: T[] = [];
  const bucket = points.length / maxPoints;
  for (let b = 0; b < maxPoints; b++) {
    const slice = points.slice(Math.floor(b * bucket), Math.floor((b + 1) * bucket));
    if (slice.length === 0) continue;
    const mean = (key: 'generator' | 'discriminator' | 'l1'): number => slice.reduce((sum, p) => sum + p[key], 0) / slice.length;
    out.push({ ...slice.at(-1)!, generator: mean('generator'), discriminator: mean('discriminator'), l1: mean('l1') });
  }
  return out;
}
