import { ApiCallError, type ApiClient } from '../../../../src-main/api/client.js';
import type { RenderFormat } from '../../../../src-main/api/pipeline.js';
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

  constructor(private readonly api: ApiClient) {}

  select(clip: Clip | null, projectFile: string | null): void {
    const changed = clip?.id !== this.clip?.id || projectFile !== this.projectFile;
    this.clip = clip;
    this.projectFile = projectFile;
    if (changed) {
      this.first = 0;
      this.last = Math.max(0, (clip?.frameCount ?? 1) - 1);
      this.customOutput = null;
      this.audio = clip && clip.audio.length === 0 ? 'none' : 'target';
    }
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
