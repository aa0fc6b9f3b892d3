import { ApiCallError, type ApiClient } from '../../../../src-main/api/client.js';
import type { FarmInfo, FarmStatus, FarmSubmission } from '../../../../src-main/api/farm-schemas.js';
import { TRACK_CODE, type RenderFormat } from '../../../../src-main/api/pipeline.js';
import type { Clip, Job } from '../../../../src-main/api/schemas.js';

export const RENDER_PRESETS: { format: RenderFormat; label: string; extension: string; note: string }[] = [
  { format: 'prores-hq', label: 'ProRes 422 HQ', extension: '.mov', note: 'Mastering, 10-bit 4:2:2' },
  { format: 'prores-4444', label: 'ProRes 4444', extension: '.mov', note: 'With the blend matte as alpha' },
  { format: 'h264', label: 'H.264 proxy', extension: '.mp4', note: 'Review copy' },
];

export type AudioOption = 'target' | 'source' | 'none';

export interface RenderResult {
  output: string;
  frames: number;
  synthesized: number;
  timecode: string;
  audio: string | null;
  sizeBytes: number;
  outOfRangeFrames: number;
}

function stem(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(0, dot) : name;
}

function folderOf(file: string): string {
  const index = Math.max(file.lastIndexOf('/'), file.lastIndexOf('\\'));
  return index <= 0 ? file.slice(0, index + 1) || '.' : file.slice(0, index);
}

/** How often a farm job is asked how it goes (`farm.status`) until its conform ends. */
export const FARM_POLL_MS = 3000;

/** A render submitted to the farm: its job ids, and what `farm.status` said last. */
export interface FarmRun {
  submission: FarmSubmission;
  status: FarmStatus | null;
  /** The last failed `farm.status` (following goes on). */
  error: string | null;
}

/** One line for a farm run: chunks done of total, the conform's state. */
export function farmProgressLine(run: FarmRun): string {
  const status = run.status;
  if (!status) return `${run.submission.chunks.length} chunk(s) submitted; waiting for the farm…`;
  const failed = status.chunks.filter((c) => ['FAILED', 'CANCELLED', 'TIMEOUT', 'NODE_FAIL', 'OUT_OF_MEMORY', 'PREEMPTED'].includes(c.state));
  return (
    `${status.done}/${status.total} chunks done` +
    (failed.length > 0 ? ` (${failed.map((c) => `chunk ${c.index} ${c.state.toLowerCase()}`).join(', ')})` : '') +
    ` · conform ${status.conform.state.toLowerCase()}`
  );
}

/** A farm run's file name and state word, and the tone it is shown in. */
export function farmRunHeading(run: FarmRun): { name: string; state: string; tone: 'running' | 'succeeded' | 'failed' } {
  const name = run.submission.output.split(/[\\/]/).pop() ?? run.submission.output;
  const status = run.status;
  if (!status?.ended) return { name, state: 'on the farm', tone: 'running' };
  return { name, state: status.conform.state.toLowerCase(), tone: status.conform.state === 'COMPLETED' ? 'succeeded' : 'failed' };
}

/** The render queue: preset, range, audio and output of the next render; the renders of this session. */
export class RenderQueue {
  format = $state<RenderFormat>('prores-hq');
  first = $state(0);
  last = $state(0);
  audio = $state<AudioOption>('target');
  /** Null while the output follows the preset and range automatically. */
  customOutput = $state<string | null>(null);
  clip = $state<Clip | null>(null);
  projectFile = $state<string | null>(null);

  readonly suggestedOutput = $derived(
    this.clip && this.projectFile
      ? `${folderOf(this.projectFile)}/renders/${stem(this.clip.name)}_${this.first}-${this.last}${RENDER_PRESETS.find((p) => p.format === this.format)?.extension ?? '.mov'}`
      : '',
  );
  readonly output = $derived(this.customOutput ?? this.suggestedOutput);

  /** What `farm.info` said (null until asked): "Submit to farm" is offered when available. */
  farm = $state<FarmInfo | null>(null);
  /** The chunks a farm render is cut into. */
  farmChunks = $state(4);
  /** The farm renders of this session, newest first. */
  farmRuns = $state<FarmRun[]>([]);
  private farmAsked = false;
  private readonly timers = new Set<ReturnType<typeof setTimeout>>();
  private disposed = false;

  constructor(private readonly api: ApiClient) {}

  /** Asks once whether a farm answers here; a failed question is an unavailable farm with its reason. */
  async loadFarm(): Promise<void> {
    if (this.farmAsked) return;
    this.farmAsked = true;
    try {
      this.farm = await this.api.call('farm.info', {});
    } catch (error) {
      this.farm = { available: false, reason: (error as Error).message };
    }
  }

  /**
   * Submits the render to the farm (the open project frozen, the range cut into `farmChunks`
   * chunks, then conformed), and follows it every FARM_POLL_MS until the conform ends. An
   * existing output is replaced only after `confirmReplace` agrees. Null when the user declined.
   */
  async submitFarm(confirmReplace: (question: string) => boolean = (question) => window.confirm(question)): Promise<FarmRun | null> {
    const clip = this.clip;
    if (!clip) throw new Error('Select a target clip to render.');
    if (this.format === 'h264') throw new Error('A farm render is ProRes (its chunks are joined without re-encoding): choose ProRes 422 HQ or ProRes 4444.');
    const chunks = Math.trunc(this.farmChunks);
    if (!(chunks >= 1)) throw new Error('Chunks must be a whole number of at least 1.');
    const params = {
      clipId: clip.id,
      output: this.output,
      format: this.format,
      range: { first: Math.min(this.first, this.last), last: Math.max(this.first, this.last) },
      chunks,
      audio: this.audio,
    };
    let submission: FarmSubmission;
    try {
      submission = await this.api.call('farm.submit', params);
    } catch (error) {
      if (!(error instanceof ApiCallError) || error.code !== 'OUTPUT_EXISTS') throw error;
      if (!confirmReplace(`${error.file ?? params.output} already exists. Replace it with this farm render?`)) return null;
      submission = await this.api.call('farm.submit', { ...params, overwrite: true });
    }
    this.farmRuns = [{ submission, status: null, error: null }, ...this.farmRuns.filter((run) => run.submission.jobDir !== submission.jobDir)];
    void this.follow(submission.jobDir);
    return this.farmRuns[0]!;
  }

  private async follow(jobDir: string): Promise<void> {
    if (this.disposed) return;
    const update = (change: Partial<FarmRun>): FarmRun | undefined => {
      const index = this.farmRuns.findIndex((run) => run.submission.jobDir === jobDir);
      if (index < 0) return undefined;
      this.farmRuns[index] = { ...this.farmRuns[index]!, ...change };
      return this.farmRuns[index];
    };
    let run: FarmRun | undefined;
    try {
      run = update({ status: await this.api.call('farm.status', { jobDir }), error: null });
    } catch (error) {
      run = update({ error: (error as Error).message });
    }
    if (!run || run.status?.ended || this.disposed) return;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      void this.follow(jobDir);
    }, FARM_POLL_MS);
    this.timers.add(timer);
  }

  /** Stops following farm jobs (the jobs go on on the farm). */
  dispose(): void {
    this.disposed = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  select(clip: Clip | null, projectFile: string | null): void {
    const changed = clip?.id !== this.clip?.id || projectFile !== this.projectFile;
    this.clip = clip;
    this.projectFile = projectFile;
    if (changed) {
      this.first = 0;
      this.last = Math.max(0, (clip?.frameCount ?? 1) - 1);
      this.customOutput = null;
      this.audio = clip && clip.audio.length === 0 ? 'none' : 'target';
      if (clip && clip.role === 'target' && clip.status.trackedFrames > 0) void this.defaultToTracked(clip.id, projectFile);
    }
  }

  /**
   * The default range is the clip's tracked frames (first to last tracked), not the whole clip;
   * kept as it is when the user changed the range meanwhile or another clip was selected.
   */
  private async defaultToTracked(clipId: number, projectFile: string | null): Promise<void> {
    const whole = { first: this.first, last: this.last };
    let codes: number[];
    try {
      codes = (await this.api.call('tracking.status', { clipId })).codes;
    } catch {
      return;
    }
    if (this.clip?.id !== clipId || this.projectFile !== projectFile || this.first !== whole.first || this.last !== whole.last) return;
    const tracked = (code: number | undefined): boolean => code === TRACK_CODE.tracked || code === TRACK_CODE.interpolated || code === TRACK_CODE.uncertain;
    const first = codes.findIndex((code) => tracked(code));
    if (first < 0) return;
    let last = codes.length - 1;
    while (last > first && !tracked(codes[last])) last--;
    this.first = first;
    this.last = last;
  }

  /**
   * Queues the render. An existing file at the output is replaced only after `confirmReplace`
   * (a dialog) agrees: the render is then sent again with `overwrite`. Null when the user declined.
   */
  async start(confirmReplace: (question: string) => boolean = (question) => window.confirm(question)): Promise<Job | null> {
    const clip = this.clip;
    if (!clip) throw new Error('Select a target clip to render.');
    const params = {
      clipId: clip.id,
      output: this.output,
      format: this.format,
      range: { first: Math.min(this.first, this.last), last: Math.max(this.first, this.last) },
      audio: this.audio,
    };
    try {
      return await this.api.startJob('render', params);
    } catch (error) {
      if (!(error instanceof ApiCallError) || error.code !== 'OUTPUT_EXISTS') throw error;
      if (!confirmReplace(`${params.output} already exists. Replace it with this render?`)) return null;
      return this.api.startJob('render', { ...params, overwrite: true });
    }
  }

  /** Electron: opens the folder with the file selected. */
  reveal(file: string): Promise<null> {
    return this.api.call('file.reveal', { file });
  }
}

/** The download URL of a finished render (browser mode), relative to the page. */
export function downloadPath(job: Job, output: string): string {
  const name = output.split(/[\\/]/).pop() ?? 'render';
  return `media/output/${job.id}/${encodeURIComponent(name)}`;
}
