import { untrack } from 'svelte';
import type { RgbFrame } from '../viewer/frame-loader.js';
import type { ReglViewer } from '../viewer/regl-viewer.js';
import type { ShotEditor } from './edit.svelte.js';
import type { Player } from './player.svelte.js';
import { ResultPlayer } from './result-player.svelte.js';
import type { Studio } from './studio.svelte.js';
import type { ViewerState } from './viewer.svelte.js';

export interface ViewerFeedDeps {
  studio: Studio;
  player: Player;
  view: ViewerState;
  editor?: ShotEditor;
}

/**
 * Everything the viewer's picture shows, fetched and put on the canvas: the plate at the
 * playhead, the tracking overlays, the conditioning image, the composite mask and the
 * synthesized result (`ResultPlayer`). Components read its state; only it writes it.
 *
 * Playback never waits for the newest frame: one plate request is in flight, the latest decoded
 * frame is shown when it lands (even if the playhead has moved on), and the frames in between
 * are dropped and counted.
 */
export class ViewerFeed {
  #shownFrame = $state<number | null>(null);
  #plate = $state<{ width: number; height: number } | null>(null);
  #error = $state<string | null>(null);
  #loading = $state(false);
  #dropped = $state(0);
  #overlayFrame = $state<number | null>(null);
  #conditionFrame = $state<number | null>(null);
  #maskFrame = $state<number | null>(null);

  readonly result: ResultPlayer;
  private gl: ReglViewer | null = null;
  private latestRequest = 0;
  private playbackBusy = false;

  constructor(private readonly deps: ViewerFeedDeps) {
    this.result = new ResultPlayer(deps.studio.backend.api, deps.player, () => deps.editor?.history.nextUndo?.seq ?? 0);
  }

  /** The plate frame on screen. */
  get shownFrame(): number | null {
    return this.#shownFrame;
  }
  get plate(): { width: number; height: number } | null {
    return this.#plate;
  }
  get error(): string | null {
    return this.#error;
  }
  get loading(): boolean {
    return this.#loading;
  }
  /** Plate frames skipped during the current playback (decoding slower than the clip's rate). */
  get dropped(): number {
    return this.#dropped;
  }
  get overlayFrame(): number | null {
    return this.#overlayFrame;
  }
  get conditionFrame(): number | null {
    return this.#conditionFrame;
  }
  get maskFrame(): number | null {
    return this.#maskFrame;
  }

  /** Starts feeding `viewer`; the returned function stops it. */
  attach(viewer: ReglViewer): () => void {
    this.gl = viewer;
    const stopResult = this.result.attach(viewer, () => this.deps.view.needsSynth);
    const stop = $effect.root(() => {
      $effect(() => {
        if (this.deps.player.playing) untrack(() => (this.#dropped = 0));
      });
      $effect(() => this.followPlayhead(viewer));
      $effect(() => this.drawSettings(viewer));
      $effect(() => this.followOverlay(viewer));
      $effect(() => this.followConditioning(viewer));
      $effect(() => this.followMask(viewer));
    });
    return () => {
      stop();
      stopResult();
      this.gl = null;
    };
  }

  private display(viewer: ReglViewer, frame: RgbFrame): void {
    const { player } = this.deps;
    if (player.playing && this.#shownFrame !== null) this.#dropped += Math.max(0, Math.abs(frame.index - this.#shownFrame) - 1);
    viewer.showFrame(frame);
    this.#shownFrame = frame.index;
    this.#plate = { width: frame.width, height: frame.height };
    this.#error = null;
  }

  /**
   * Playback: ask for the playhead's frame; when it arrives, show it (even if the playhead has moved
   * on) and ask for the playhead's frame then. Frames in between are dropped, never waited for.
   */
  private fetchForPlayback(viewer: ReglViewer, clipId: number): void {
    const { player, studio } = this.deps;
    this.playbackBusy = true;
    const request = ++this.latestRequest;
    this.#loading = true;
    studio.frames.load(clipId, player.frame).then(
      (frame) => {
        this.playbackBusy = false;
        this.#loading = false;
        if (this.gl !== viewer || player.clip?.id !== clipId || request !== this.latestRequest) return;
        const shown = this.#shownFrame;
        const forward = player.speed >= 0;
        if (shown === null || !player.playing || (forward ? frame.index > shown : frame.index < shown)) this.display(viewer, frame);
        if (!player.playing || player.frame === this.#shownFrame) return;
        const next = studio.frames.cached(clipId, player.frame);
        if (next) this.display(viewer, next);
        else this.fetchForPlayback(viewer, clipId);
      },
      (failure: Error) => {
        this.playbackBusy = false;
        this.#loading = false;
        if (request === this.latestRequest) this.#error = failure.message;
      },
    );
  }

  // Stopped, only the newest request may replace the picture, so late answers never step it backwards.
  private followPlayhead(viewer: ReglViewer): void {
    const { player, studio } = this.deps;
    const clip = player.clip;
    const index = player.frame;
    const playing = player.playing;
    if (!clip || !clip.online) {
      viewer.showFrame(null);
      this.#shownFrame = null;
      this.#plate = null;
      return;
    }
    untrack(() => {
      const cached = studio.frames.cached(clip.id, index);
      if (cached) {
        if (!playing) this.latestRequest++;
        return this.display(viewer, cached);
      }
      if (playing) {
        if (!this.playbackBusy) this.fetchForPlayback(viewer, clip.id);
        return;
      }
      const request = ++this.latestRequest;
      this.#loading = true;
      studio.frames.load(clip.id, index).then(
        (frame) => {
          if (request !== this.latestRequest) return;
          this.display(viewer, frame);
          this.#loading = false;
        },
        (failure: Error) => {
          if (request !== this.latestRequest) return;
          this.#error = failure.message;
          this.#loading = false;
        },
      );
    });
  }

  private drawSettings(viewer: ReglViewer): void {
    const { view, player } = this.deps;
    viewer.zoom = player.zoom;
    viewer.mode = view.compare;
    viewer.contents = view.contents;
    viewer.wipePosition = view.wipePosition;
    viewer.visible = { mesh: view.mesh, landmarks: view.landmarks, gaze: view.gaze, mask: view.mask };
    viewer.render();
  }

  private followOverlay(viewer: ReglViewer): void {
    const { view, player } = this.deps;
    const clip = player.clip;
    const frame = player.frame;
    void view.revision;
    if (!clip || !view.overlaysOn) {
      viewer.setOverlay(null);
      this.#overlayFrame = null;
      return;
    }
    void view.overlay(clip.id, frame).then((geometry) => {
      if (geometry === undefined || this.gl !== viewer) return;
      viewer.setOverlay(geometry);
      this.#overlayFrame = frame;
    });
  }

  private followConditioning(viewer: ReglViewer): void {
    const { view, player } = this.deps;
    const clip = player.clip;
    const frame = player.frame;
    const kind = view.conditionKind;
    void view.revision;
    if (!clip || !view.needsConditioning) {
      viewer.setLayer('conditioning', null);
      this.#conditionFrame = null;
      return;
    }
    void view.conditioning(clip.id, frame, kind).then((placed) => {
      if (placed === undefined || this.gl !== viewer) return;
      viewer.setLayer('conditioning', placed);
      this.#conditionFrame = placed ? frame : null;
    });
  }

  // The composite mask (what a region render replaces): refetched when the edit changes.
  private followMask(viewer: ReglViewer): void {
    const { view, player, editor } = this.deps;
    const clip = player.clip;
    const frame = player.frame;
    void view.revision;
    void editor?.curves;
    if (!clip || !view.needsMask || clip.role !== 'target') {
      viewer.setLayer('mask', null);
      this.#maskFrame = null;
      view.maskRegions = null;
      return;
    }
    void view.regionMask(clip.id, frame).then((placed) => {
      if (placed === undefined || this.gl !== viewer) return;
      viewer.setLayer('mask', placed);
      this.#maskFrame = frame;
    });
  }
}
