import { untrack } from 'svelte';
import type { ApiClient } from '../../../../src-main/api/client.js';
import type { ReglViewer } from '../viewer/regl-viewer.js';
import type { Player } from './player.svelte.js';
import { ResultCache, type ResultFrame, type ResultKey } from './result-cache.svelte.js';
import type { LayerStatus } from './viewer.svelte.js';

/** Frames made ahead of a stopped playhead, so pressing play or → starts from the cache. */
const PREFETCH_STOPPED = 6;
/** Never aim further ahead than this while playing. */
const MAX_LEAD = 120;

/**
 * The synthesized result at the playhead, from a `ResultCache`. Stopped: the playhead's frame,
 * then a few frames after it. Playing: the playhead's frame when cached; otherwise the last
 * result stays up and one request aims where the playhead will be when it lands (the measured
 * time of a network pass × the clip's rate), so the picture advances by dropping frames rather
 * than stalling on each one.
 */
export class ResultPlayer {
  #frame = $state<number | null>(null);
  #status = $state<LayerStatus>({ loading: false, error: null });
  #source = $state<string | null>(null);
  #dropped = $state(0);
  /** Seconds one synthesized frame took, smoothed. */
  private secondsPerFrame = 0.5;
  private gl: ReglViewer | null = null;
  private shown: ResultFrame | null = null;
  private token = 0;
  readonly cache: ResultCache;

  constructor(
    api: ApiClient,
    private readonly player: Player,
    private readonly editSeq: () => number,
  ) {
    this.cache = new ResultCache(api);
  }

  /** The frame whose result is on screen. */
  get frame(): number | null {
    return this.#frame;
  }
  get status(): LayerStatus {
    return this.#status;
  }
  /** Which model and checkpoint made the result shown. */
  get source(): string | null {
    return this.#source;
  }
  /** Frames of the current playback whose result was never shown (the network is slower than the clip). */
  get dropped(): number {
    return this.#dropped;
  }

  attach(viewer: ReglViewer, wanted: () => boolean): () => void {
    this.gl = viewer;
    const stop = $effect.root(() => {
      $effect(() => {
        if (this.player.playing) untrack(() => (this.#dropped = 0));
      });
      $effect(() => {
        const clip = this.player.clip;
        const frame = this.player.frame;
        const playing = this.player.playing;
        const editSeq = this.editSeq();
        void this.cache.revision;
        if (!clip || !wanted() || clip.role !== 'target') {
          untrack(() => this.hide(viewer));
          return;
        }
        untrack(() => this.follow(viewer, { clipId: clip.id, frame, editSeq }, playing));
      });
    });
    return () => {
      stop();
      this.gl = null;
      this.token++;
    };
  }

  private hide(viewer: ReglViewer): void {
    this.token++;
    if (this.shown) viewer.setLayer('synthesized', null);
    this.shown = null;
    this.#frame = null;
    this.#source = null;
    this.#status = { loading: false, error: null };
  }

  private show(viewer: ReglViewer, result: ResultFrame): void {
    const shown = this.#frame;
    if (this.player.playing && shown !== null) this.#dropped += Math.max(0, Math.abs(result.frame - shown) - 1);
    if (result !== this.shown) viewer.setLayer('synthesized', result.placed);
    this.shown = result;
    this.#frame = result.frame;
    this.#source = result.source;
    this.#status = { loading: false, error: result.synthesized ? null : 'No tracked face on this frame: the render passes the plate through.' };
  }

  private follow(viewer: ReglViewer, key: ResultKey, playing: boolean): void {
    const hit = this.cache.cached(key);
    if (hit) {
      this.show(viewer, hit);
      if (!playing) void this.prefetch(key, ++this.token);
      return;
    }
    if (playing) {
      if (!this.cache.busy) void this.aheadOfPlayhead(viewer, key);
      return;
    }
    void this.loadStopped(viewer, key, ++this.token);
  }

  private async loadStopped(viewer: ReglViewer, key: ResultKey, token: number): Promise<void> {
    this.#status = { loading: true, error: null };
    try {
      const result = await this.timed(key);
      if (token !== this.token || this.gl !== viewer) return;
      this.show(viewer, result);
      void this.prefetch(key, token);
    } catch (error) {
      if (token !== this.token) return;
      this.hide(viewer);
      this.#status = { loading: false, error: (error as Error).message };
    }
  }

  /** Stopped: the next frames, one at a time, while the playhead and the edit stay where they are. */
  private async prefetch(key: ResultKey, token: number): Promise<void> {
    for (let i = 1; i <= PREFETCH_STOPPED; i++) {
      const frame = key.frame + i;
      if (frame > this.player.lastFrame) return;
      const next = { ...key, frame };
      if (this.cache.cached(next)) continue;
      if (token !== this.token || this.player.playing) return;
      try {
        await this.timed(next);
      } catch {
        return;
      }
    }
  }

  /** Playing: one request for where the playhead will be when it lands; shown if still ahead of the picture. */
  private async aheadOfPlayhead(viewer: ReglViewer, key: ResultKey): Promise<void> {
    const speed = this.player.speed;
    const lead = Math.min(MAX_LEAD, Math.ceil(this.secondsPerFrame * this.player.fps * Math.abs(speed)) + 1);
    const step = Math.sign(speed);
    if (step === 0) return;
    const end = step > 0 ? this.player.lastFrame : 0;
    let frame = Math.min(this.player.lastFrame, Math.max(0, key.frame + step * lead));
    // Aim past the frames already made; with all of them made there is nothing to ask (and asking the
    // cache in a loop would never yield to the page).
    while (frame !== end && this.cache.cached({ ...key, frame })) frame += step;
    if (this.cache.cached({ ...key, frame })) return;
    try {
      const result = await this.timed({ ...key, frame });
      if (this.gl !== viewer || !this.player.playing) return;
      const shown = this.#frame;
      const playhead = this.player.frame;
      // Reached already: show it now (a frame late beats a frozen picture); otherwise the playhead finds it in the cache.
      const reached = speed > 0 ? playhead >= frame : playhead <= frame;
      if (reached && (shown === null || (speed > 0 ? frame > shown : frame < shown))) this.show(viewer, result);
      if (this.player.playing) this.follow(viewer, { ...key, frame: this.player.frame, editSeq: this.editSeq() }, true);
    } catch (error) {
      this.#status = { loading: false, error: (error as Error).message };
    }
  }

  private async timed(key: ResultKey): Promise<ResultFrame> {
    if (this.cache.cached(key)) return this.cache.load(key);
    const started = performance.now();
    const result = await this.cache.load(key);
    this.secondsPerFrame = 0.7 * this.secondsPerFrame + 0.3 * ((performance.now() - started) / 1000);
    return result;
  }
}
