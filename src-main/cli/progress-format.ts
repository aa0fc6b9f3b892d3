import type { Progress } from '../shared/cancel.js';

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '--:--';
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const r = s % 60;
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${String(r).padStart(2, '0')}` : `${m}:${String(r).padStart(2, '0')}`;
}

export function formatProgress(label: string, progress: Progress): string {
  const pct = progress.total > 0 ? (100 * progress.done) / progress.total : 0;
  const parts = [`${label} ${progress.done}/${progress.total} (${pct.toFixed(1)}%)`];
  // Below one item a second (a paper-256 training step on a CPU), the time per item reads better.
  if (progress.rate !== undefined && progress.rate > 0) parts.push(progress.rate >= 1 ? `${progress.rate.toFixed(1)}/s` : `${(1 / progress.rate).toFixed(1)} s each`);
  if (progress.etaSeconds !== undefined) parts.push(`ETA ${formatDuration(progress.etaSeconds)}`);
  if (progress.message) parts.push(progress.message);
  return parts.join('  ');
}
