/** Summary statistics of the benchmarks' per-frame figures (non-finite values, e.g. a frame with no face, are left out). */

export function mean(values: readonly number[]): number {
  const finite = values.filter(Number.isFinite);
  return finite.length === 0 ? Number.NaN : finite.reduce((s, v) => s + v, 0) / finite.length;
}

export function percentile95(values: readonly number[]): number {
  const sorted = values.filter(Number.isFinite).sort((x, y) => x - y);
  return sorted.length === 0 ? Number.NaN : sorted[Math.min(sorted.length - 1, Math.round(0.95 * (sorted.length - 1)))]!;
}

export function round(value: number, digits = 3): number {
  return Number(value.toFixed(digits));
}

export function spread(values: number[]): { mean: number; min: number; max: number } {
  return { mean: values.reduce((a, b) => a + b, 0) / values.length, min: Math.min(...values), max: Math.max(...values) };
}
