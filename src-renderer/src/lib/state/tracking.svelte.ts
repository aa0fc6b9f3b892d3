import type { ApiClient } from '../../../../src-main/api/client.js';
import type { TrackingStatus } from '../../../../src-main/api/pipeline.js';
import { isJobPending, type Job } from '../../../../src-main/api/schemas.js';
import { RefreshThrottle } from './refresh-throttle.js';
import { UsageError } from './usage-error.js';

const REFRESH_MS = 1500;

/** Whether `job` tracks clip `clipId` of the project `projectFile` (clip ids are per project). */
export function tracksClip(job: Job, clipId: number | null, projectFile: string | null): boolean {
  return job.kind === 'track' && clipId !== null && job.clipId === clipId && job.project === projectFile;
}

/**
 * The tracking panel's state for one clip: its per-frame tracking status (refreshed while a
 * track job runs, so detection progress shows frame by frame) and the range to track.
 */
export class TrackingState {
  clipId = $state<number | null>(null);
  status = $state<TrackingStatus | null>(null);
  error = $state<string | null>(null);
  first = $state(0);
  last = $state(0);

  private projectFile: string | null = null;
  private readonly throttle = new RefreshThrottle(REFRESH_MS, () => void this.refresh());

  constructor(private readonly api: ApiClient) {
    api.on('job.updated', (job) => {
      if (!tracksClip(job, this.clipId, this.projectFile)) return;
      if (!isJobPending(job)) void this.refresh();
      else this.throttle.soon();
    });
  }

  /** Shows `clipId` (its default range: the first 60 frames). */
  select(clipId: number | null, frameCount: number, projectFile: string | null = null): void {
    // Clip ids are per project: the same id in another project file is another clip.
    if (clipId === this.clipId && projectFile === this.projectFile) return;
    this.clipId = clipId;
    this.projectFile = projectFile;
    this.status = null;
    this.error = null;
    this.first = 0;
    this.last = Math.max(0, Math.min(frameCount, 60) - 1);
    void this.refresh();
  }

  async refresh(): Promise<void> {
    const clipId = this.clipId;
    const projectFile = this.projectFile;
    if (clipId === null) return;
    this.throttle.started();
    try {
      const status = await this.api.call('tracking.status', { clipId });
      if (clipId !== this.clipId || projectFile !== this.projectFile) return;
      this.status = status;
      this.error = null;
    } catch (error) {
      if (clipId === this.clipId) this.error = (error as Error).message;
    }
  }

  async start(whole: boolean): Promise<Job> {
    if (this.clipId === null) throw new UsageError('Select a clip to track.');
    const params = whole ? { clipId: this.clipId } : { clipId: this.clipId, range: { first: Math.min(this.first, this.last), last: Math.max(this.first, this.last) } };
    return this.api.startJob('track', params);
  }
}
