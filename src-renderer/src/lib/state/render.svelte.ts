import { ApiCallError, type ApiClient } from '../../../../src-main/api/client.js';
import type { FarmInfo, FarmSubmission } from '../../../../src-main/api/farm-schemas.js';
import type { RenderResult } from '../../../../src-main/api/job-kinds.js';
import { OUTPUT_FORMATS, type OutputFormatId } from '../../../../src-main/api/output-formats.js';
import type { Clip, Job } from '../../../../src-main/api/schemas.js';
import { FARM_POLL_MS, type FarmRun } from './farm-run.js';
import type { FrameRange } from '../../../../src-main/api/frame-range.js';
import { isTracked, renderModelQuality, untrackedSpans, versionedName, type ModelQuality } from './render-checks.js';
import { UsageError } from './usage-error.js';

export type { RenderResult };

export type AudioOption = 'target' | 'source' | 'none';

interface RenderParams {
  clipId: number;
  output: string;
  format: OutputFormatId;
  range: { first: number; last: number };
  audio: AudioOption;
}

function stem(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(0, dot) : name;
}

function folderOf(file: string): string {
  const index = Math.max(file.lastIndexOf('/'), file.lastIndexOf('\\'));
  return index <= 0 ? file.slice(0, index + 1) || '.' : file.slice(0, index);
}

/** The render queue: preset, range, audio and output of the next render; the renders of this session. */
export class RenderQueue {
  format = $state<OutputFormatId>('prores-hq');
  first = $state(0);
  last = $state(0);
  audio = $state<AudioOption>('target');
  /** Null while the output follows the preset and range automatically. */
  customOutput = $state<string | null>(null);
  clip = $state<Clip | null>(null);
  projectFile = $state<string | null>(null);

  readonly suggestedOutput = $derived(
    this.clip && this.projectFile
      ? `${folderOf(this.projectFile)}/renders/${stem(this.clip.name)}_${this.first}-${this.last}${OUTPUT_FORMATS[this.format].extension}`
      : '',
  );
  readonly output = $derived(this.customOutput ?? this.suggestedOutput);

  /** The clip's tracking codes (`tracking.status`), null until known. */
  codes = $state.raw<number[] | null>(null);
  /** Frames of the range with no tracked face: listed before rendering. */
  readonly untracked: FrameRange[] = $derived(this.codes ? untrackedSpans(this.codes, Math.min(this.first, this.last), Math.max(this.first, this.last)) : []);
  /** The render model's held-out score against the nearest-neighbour baseline, when training recorded one. */
  quality = $state.raw<ModelQuality | null>(null);
  /** A render whose output exists: it waits for Replace, a versioned name, or Cancel. */
  pending = $state.raw<{ params: RenderParams; versioned: string } | null>(null);
  /** The output of each render this queue started, by job id. */
  private readonly outputs = new Map<number, string>();

  /** What `farm.info` said (null until asked): "Submit to farm" is offered when available. */
  farm = $state<FarmInfo | null>(null);
  /** The chunks a farm render is cut into. */
  farmChunks = $state(4);
  /** The farm renders of this session, newest first. */
  farmRuns = $state<FarmRun[]>([]);
  private farmAsked = false;
  private readonly timers = new Set<ReturnType<typeof setTimeout>>();
  private disposed = false;

  constructor(private readonly api: ApiClient) {
    api.on('job.updated', (job) => {
      if (job.status !== 'succeeded' || !this.clip) return;
      if (job.kind === 'track') void this.loadCodes(this.clip.id, this.projectFile);
      if (job.kind === 'train') void this.loadQuality(this.clip.id, this.projectFile);
    });
  }

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
    if (!clip) throw new UsageError('Select a target clip to render.');
    if (this.format === 'h264') throw new UsageError('A farm render is ProRes (its chunks are joined without re-encoding): choose ProRes 422 HQ or ProRes 4444.');
    const chunks = Math.trunc(this.farmChunks);
    if (!(chunks >= 1)) throw new UsageError('Chunks must be a whole number of at least 1.');
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
      this.codes = null;
      this.quality = null;
      this.pending = null;
      if (clip && clip.role === 'target') void this.loadQuality(clip.id, projectFile);
      if (clip && clip.role === 'target' && clip.status.trackedFrames > 0) void this.defaultToTracked(clip.id, projectFile);
    }
  }

  /** The in and out marks (I / O) set the range; an unset mark leaves its end as it is. */
  useMarks(markIn: number | null, markOut: number | null): void {
    if (markIn !== null) this.first = markIn;
    if (markOut !== null) this.last = markOut;
  }

  private async loadCodes(clipId: number, projectFile: string | null): Promise<number[] | null> {
    try {
      const codes = (await this.api.call('tracking.status', { clipId })).codes;
      if (this.clip?.id !== clipId || this.projectFile !== projectFile) return null;
      this.codes = codes;
      return codes;
    } catch {
      return null;
    }
  }

  private async loadQuality(clipId: number, projectFile: string | null): Promise<void> {
    try {
      const overview = await this.api.call('training.overview', { clipId });
      if (this.clip?.id === clipId && this.projectFile === projectFile) this.quality = renderModelQuality(overview.models);
    } catch {
      // No quality figures: nothing to warn about.
    }
  }

  /**
   * The default range is the clip's tracked frames (first to last tracked), not the whole clip;
   * kept as it is when the user changed the range meanwhile or another clip was selected.
   */
  private async defaultToTracked(clipId: number, projectFile: string | null): Promise<void> {
    const whole = { first: this.first, last: this.last };
    const codes = await this.loadCodes(clipId, projectFile);
    if (!codes || this.first !== whole.first || this.last !== whole.last) return;
    const first = codes.findIndex((code) => isTracked(code));
    if (first < 0) return;
    let last = codes.length - 1;
    while (last > first && !isTracked(codes[last])) last--;
    this.first = first;
    this.last = last;
  }

  /**
   * Queues the render (after any running or queued one: renders run one at a time, in order).
   * When a file exists at the output, or a queued or running render of this queue
   * (`activeJobIds`) is to write it, nothing starts: `pending` holds the render until `resolve` says
   * Replace, a versioned name, or Cancel. Returns the job, or null while asking.
   */
  async start(activeJobIds: readonly number[] = []): Promise<Job | null> {
    const activeOutputs = activeJobIds.flatMap((id) => this.outputs.get(id) ?? []);
    const clip = this.clip;
    if (!clip) throw new UsageError('Select a target clip to render.');
    const params: RenderParams = {
      clipId: clip.id,
      output: this.output,
      format: this.format,
      range: { first: Math.min(this.first, this.last), last: Math.max(this.first, this.last) },
      audio: this.audio,
    };
    if (activeOutputs.includes(params.output)) return this.ask(params, activeOutputs);
    try {
      return await this.startRender(params);
    } catch (error) {
      if (!(error instanceof ApiCallError) || error.code !== 'OUTPUT_EXISTS') throw error;
      return this.ask(params, activeOutputs);
    }
  }

  /** Answers the pending question: replace the file, write the versioned name instead, or keep the file and start nothing. */
  async resolve(choice: 'replace' | 'versioned' | 'cancel'): Promise<Job | null> {
    const pending = this.pending;
    this.pending = null;
    if (!pending || choice === 'cancel') return null;
    if (choice === 'replace') return this.startRender({ ...pending.params, overwrite: true });
    this.customOutput = pending.versioned;
    return this.startRender({ ...pending.params, output: pending.versioned });
  }

  private async startRender(params: RenderParams & { overwrite?: boolean }): Promise<Job> {
    const job = await this.api.startJob('render', params);
    this.outputs.set(job.id, params.output);
    return job;
  }

  private async ask(params: RenderParams, activeOutputs: readonly string[]): Promise<null> {
    const folder = folderOf(params.output);
    const taken = new Set(activeOutputs);
    try {
      for (const entry of (await this.api.call('fs.list', { dir: folder })).entries) taken.add(entry.name);
    } catch {
      // An unlistable folder: the job's own check still refuses an existing file.
    }
    this.pending = { params, versioned: versionedName(params.output, taken) };
    return null;
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
