import { ApiCallError } from '../../../../src-main/api/client.js';
import { guiText } from '../../../../src-main/api/errors.js';
import { isJobPending, type AppInfo, type Clip, type ClipRole, type EngineStatus, type Job, type ProjectInfo } from '../../../../src-main/api/schemas.js';
import type { ResultOf } from '../../../../src-main/api/methods.js';
import type { Backend } from '../api/bridge.js';
import { FrameLoader } from '../viewer/frame-loader.js';
import type { ConnectionState } from '../api/ws-transport.js';
import { UsageError } from './usage-error.js';

export interface Notice {
  id: number;
  kind: 'error' | 'info';
  text: string;
}

export type RecentProject = ResultOf<'project.recent'>[number];

/**
 * Everything the editor shows about the backend: the open project, its clips, the jobs,
 * the engine's health. Components read these fields and call the methods; the API events
 * keep them current (a second window or tab sees the same state).
 */
export class Studio {
  info = $state<AppInfo | null>(null);
  engine = $state<EngineStatus>({ state: 'starting', restarts: 0, lastCrash: null });
  connection = $state<ConnectionState>('connecting');
  project = $state<ProjectInfo | null>(null);
  clips = $state<Clip[]>([]);
  jobs = $state<Job[]>([]);
  recent = $state<RecentProject[]>([]);
  /** What the UI is waiting for ("Opening project…"), or null. */
  busy = $state<string | null>(null);
  notices = $state<Notice[]>([]);
  selectedClipId = $state<number | null>(null);
  loaded = $state(false);

  readonly selectedClip = $derived(this.clips.find((clip) => clip.id === this.selectedClipId) ?? null);
  readonly activeJobs = $derived(this.jobs.filter(isJobPending));

  /** Decoded frames fetched for the viewer; clip ids are per project, so it empties on a switch. */
  readonly frames: FrameLoader;
  private nextNotice = 1;

  constructor(readonly backend: Backend) {
    const { api } = backend;
    this.frames = new FrameLoader(backend.mediaUrl);
    api.on('project.changed', (info) => {
      const switched = info?.file !== this.project?.file;
      if (switched) this.frames.clear();
      this.project = info;
      if (!info) {
        this.clips = [];
        this.selectedClipId = null;
        void this.loadRecent();
      } else void this.loadClips(switched);
    });
    api.on('job.updated', (job) => this.upsertJob(job));
    api.on('engine.status', (status) => {
      const crashed = status.restarts > this.engine.restarts && status.lastCrash;
      this.engine = status;
      if (crashed) this.notify('error', `${status.lastCrash} It is being restarted.`);
    });
    backend.onConnection((state) => {
      const reconnected = state === 'open' && this.connection === 'closed';
      this.connection = state;
      if (reconnected) void this.load();
    });
  }

  /** First load (and reload after a lost connection). */
  async load(): Promise<void> {
    await this.attempt(async () => {
      const { api } = this.backend;
      const [info, engine, project, jobs] = await Promise.all([api.call('app.info', {}), api.call('engine.status', {}), api.call('project.info', {}), api.call('job.list', {})]);
      this.info = info;
      this.engine = engine;
      this.project = project;
      this.jobs = jobs;
      if (project) await this.loadClips(true);
      await this.loadRecent();
    });
    this.loaded = true;
  }

  async newProject(file: string): Promise<boolean> {
    return this.withBusy('Creating the project…', async () => {
      this.frames.clear();
      this.project = await this.backend.api.call('project.new', { file });
      await this.loadClips(true);
    });
  }

  async openProject(file: string): Promise<boolean> {
    return this.withBusy('Opening the project…', async () => {
      this.frames.clear();
      this.project = await this.backend.api.call('project.open', { file });
      await this.loadClips(true);
    });
  }

  async closeProject(): Promise<void> {
    await this.withBusy('Closing the project…', async () => {
      await this.backend.api.call('project.close', {});
      this.project = null;
      this.clips = [];
      this.selectedClipId = null;
      await this.loadRecent();
    });
  }

  async importClip(file: string, role: ClipRole): Promise<boolean> {
    return this.withBusy(`Importing ${basename(file)}…`, async () => {
      const clip = await this.backend.api.call('clip.import', { file, role });
      await this.loadClips(false);
      this.selectedClipId = clip.id;
    });
  }

  async exportProxy(clip: Clip): Promise<void> {
    if (!this.project) return;
    const output = `${dirname(this.project.file)}/${stem(clip.name)}.proxy.mp4`;
    await this.attempt(async () => {
      const params = { clipId: clip.id, output, format: 'h264' as const, audio: 'keep' as const };
      try {
        await this.backend.api.startJob('transcode', params);
      } catch (error) {
        // An earlier proxy is replaced only when the user agrees.
        if (!(error instanceof ApiCallError) || error.code !== 'OUTPUT_EXISTS') throw error;
        if (window.confirm(`${output} already exists. Replace it with a new proxy?`)) await this.backend.api.startJob('transcode', { ...params, overwrite: true });
      }
    });
  }

  async cancelJob(id: number): Promise<void> {
    await this.attempt(async () => {
      this.upsertJob(await this.backend.api.call('job.cancel', { id }));
    });
  }

  async loadRecent(): Promise<void> {
    await this.attempt(async () => {
      this.recent = await this.backend.api.call('project.recent', {});
    });
  }

  notify(kind: Notice['kind'], text: string): void {
    const notice = { id: this.nextNotice++, kind, text };
    this.notices = [...this.notices.slice(-4), notice];
    if (kind === 'info') setTimeout(() => this.dismiss(notice.id), 5000);
  }

  dismiss(id: number): void {
    this.notices = this.notices.filter((n) => n.id !== id);
  }

  private async loadClips(selectFirst: boolean): Promise<void> {
    this.clips = await this.backend.api.call('clip.list', {});
    if (selectFirst || !this.clips.some((c) => c.id === this.selectedClipId)) {
      this.selectedClipId = this.clips.find((c) => c.role === 'target')?.id ?? this.clips[0]?.id ?? null;
    }
  }

  private upsertJob(job: Job): void {
    const index = this.jobs.findIndex((j) => j.id === job.id);
    if (index < 0) this.jobs = [...this.jobs, job];
    else this.jobs[index] = job;
    if (job.status === 'succeeded') this.notify('info', `${job.title}: done.`);
    else if (job.status === 'failed' && job.error) this.notify('error', guiText(job.error));
  }

  private async withBusy(label: string, work: () => Promise<void>): Promise<boolean> {
    this.busy = label;
    try {
      return await this.attempt(work);
    } finally {
      this.busy = null;
    }
  }

  /** Runs `work`, turning a failed call into a notice the user can read. */
  /** Runs `work`; a failure becomes an error notice in the GUI's words (the message and what to do). True when it succeeded. */
  async attempt(work: () => Promise<unknown>): Promise<boolean> {
    try {
      await work();
      return true;
    } catch (error) {
      this.notify('error', error instanceof ApiCallError ? guiText(error) : error instanceof UsageError ? error.message : `Unexpected problem: ${(error as Error).message}`);
      return false;
    }
  }
}

export function basename(file: string): string {
  return file.split(/[\\/]/).pop() ?? file;
}

export function dirname(file: string): string {
  const index = Math.max(file.lastIndexOf('/'), file.lastIndexOf('\\'));
  return index <= 0 ? file.slice(0, index + 1) || '.' : file.slice(0, index);
}

function stem(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(0, dot) : name;
}
