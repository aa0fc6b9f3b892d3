import type { ApiClient } from '../../../../src-main/api/client.js';
import type { ConditionImagesValue, OverlayFrame, OverlayTopology, RenderMask } from '../../../../src-main/api/pipeline.js';
import type { CompareMode, PaneContent } from '../viewer/layout.js';
import { overlayGeometry, type OverlayGeometry } from '../viewer/overlay-geometry.js';
import type { PlacedImage } from '../viewer/regl-viewer.js';

export type ConditionKind = 'colour' | 'correspondence' | 'eyes';

export const CONDITION_LABEL: Record<ConditionKind, string> = { colour: 'Diffuse colour', correspondence: 'Correspondence', eyes: 'Eye gaze' };
export const PANE_LABEL: Record<PaneContent, string> = { original: 'Original', conditioning: 'Conditioning', synthesized: 'Synthesized', mask: 'Mask' };
/** The single view's choices, in the toolbar's order. */
export const SHOW_LABEL: Record<PaneContent, string> = { original: 'Original', synthesized: 'Result', conditioning: 'Conditioning', mask: 'Mask' };

/** A small least-recently-used map of fetched results. */
class Recent<T> {
  private readonly entries = new Map<string, T>();
  constructor(private readonly capacity: number) {}
  get(key: string): T | undefined {
    const value = this.entries.get(key);
    if (value !== undefined) {
      this.entries.delete(key);
      this.entries.set(key, value);
    }
    return value;
  }
  set(key: string, value: T): void {
    this.entries.delete(key);
    this.entries.set(key, value);
    while (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value!);
  }
  clear(): void {
    this.entries.clear();
  }
}

function decodeImage(png: string): Promise<HTMLImageElement> {
  const image = new Image();
  image.src = `data:image/png;base64,${png}`;
  return image.decode().then(() => image);
}

/** One layer's state for the picture: what is shown, or why nothing is. */
export interface LayerStatus {
  loading: boolean;
  error: string | null;
}

/**
 * What the viewer shows besides the frame: the tracking overlays (mesh, landmarks, eyes and
 * gaze rays) and the compare layout (original | conditioning | synthesized, side by side or
 * as a wipe). Fetches the engine's data for the frame at the playhead; only the newest
 * request for each layer may change the picture.
 */
export class ViewerState {
  mesh = $state(false);
  landmarks = $state(false);
  gaze = $state(false);
  /** Tint the region the render replaces in this frame (the region composite's mask). */
  mask = $state(false);
  compare = $state<CompareMode>('single');
  /** What the single view shows, and what A/B switches back to. */
  show = $state<PaneContent>('original');
  showOther = $state<PaneContent>('synthesized');
  /** The wipe's right-hand side (the left is always the original). */
  wipeWith = $state<'conditioning' | 'synthesized'>('conditioning');
  wipePosition = $state(0.5);
  conditionKind = $state<ConditionKind>('colour');

  overlayStatus = $state<LayerStatus>({ loading: false, error: null });
  conditionStatus = $state<LayerStatus>({ loading: false, error: null });
  maskStatus = $state<LayerStatus>({ loading: false, error: null });
  /** What the mask shown covers ('mouth', 'eyes', …; empty: the plate passes through), null when none is shown. */
  maskRegions = $state<string[] | null>(null);
  /** Tracking state of the frame shown (TRACK_CODE), null until known. */
  frameCode = $state<number | null>(null);
  /** Bumped when cached engine data went stale (tracking or training finished). */
  revision = $state(0);

  readonly overlaysOn = $derived(this.mesh || this.landmarks || this.gaze);
  readonly contents = $derived<PaneContent[]>(
    this.compare === 'side-by-side' ? ['original', 'conditioning', 'synthesized'] : this.compare === 'wipe' ? ['original', this.wipeWith] : [this.show],
  );
  readonly needsConditioning = $derived(this.contents.includes('conditioning'));
  readonly needsSynth = $derived(this.contents.includes('synthesized'));
  /** The mask is fetched when it tints the picture or is the picture. */
  readonly needsMask = $derived(this.mask || this.contents.includes('mask'));

  private topology: Promise<OverlayTopology> | null = null;
  private readonly overlays = new Recent<OverlayFrame>(240);
  private readonly conditions = new Recent<ConditionImagesValue>(24);
  private readonly latest = { overlay: 0, condition: 0, mask: 0 };

  constructor(private readonly api: ApiClient) {
    api.on('job.updated', (job) => {
      if (job.status !== 'succeeded' && job.status !== 'cancelled') return;
      if (job.kind === 'track') this.invalidate('tracking');
      if (job.kind === 'train') this.invalidate('training');
    });
    api.on('project.changed', () => this.invalidate('all'));
  }

  toggleOverlays(): void {
    const on = !this.overlaysOn;
    this.mesh = on;
    this.landmarks = on;
    this.gaze = on;
  }

  cycleCompare(): void {
    this.compare = this.compare === 'single' ? 'side-by-side' : this.compare === 'side-by-side' ? 'wipe' : 'single';
  }

  /** The single view shows `content`; A/B then switches between it and what was shown before. */
  showContent(content: PaneContent): void {
    this.compare = 'single';
    if (content === this.show) return;
    this.showOther = this.show;
    this.show = content;
  }

  /** A/B: back to what the single view showed before. */
  swap(): void {
    this.showContent(this.showOther);
  }

  invalidate(what: 'tracking' | 'training' | 'all'): void {
    if (what !== 'training') {
      this.overlays.clear();
      this.conditions.clear();
    }
    this.revision++;
  }

  /** Overlay geometry of a frame, or null without a fitted face there. `undefined`: superseded. */
  async overlay(clipId: number, frame: number): Promise<OverlayGeometry | null | undefined> {
    const request = ++this.latest.overlay;
    const key = `${clipId}#${frame}`;
    try {
      this.topology ??= this.api.call('tracking.topology', {});
      let data = this.overlays.get(key);
      if (!data) {
        this.overlayStatus = { loading: true, error: null };
        data = await this.api.call('tracking.overlay', { clipId, frame });
        this.overlays.set(key, data);
      }
      const topology = await this.topology;
      if (request !== this.latest.overlay) return undefined;
      this.overlayStatus = { loading: false, error: null };
      this.frameCode = data.code;
      return overlayGeometry(data, topology);
    } catch (error) {
      this.topology = null;
      if (request === this.latest.overlay) this.overlayStatus = { loading: false, error: (error as Error).message };
      return undefined;
    }
  }

  /** The chosen conditioning image of a frame, placed in its shot crop; null when the frame has none. `undefined`: superseded. */
  async conditioning(clipId: number, frame: number, kind: ConditionKind): Promise<PlacedImage | null | undefined> {
    const request = ++this.latest.condition;
    const key = `${clipId}#${frame}`;
    try {
      let data = this.conditions.get(key);
      if (!data) {
        this.conditionStatus = { loading: true, error: null };
        data = await this.api.call('condition.images', { clipId, frame });
        this.conditions.set(key, data);
      }
      const image = await decodeImage(data[kind].png);
      if (request !== this.latest.condition) return undefined;
      this.conditionStatus = { loading: false, error: null };
      return { image, rect: { x: data.crop.x, y: data.crop.y, width: data.crop.size, height: data.crop.size } };
    } catch (error) {
      if (request !== this.latest.condition) return undefined;
      this.conditionStatus = { loading: false, error: (error as Error).message };
      return null;
    }
  }

  /**
   * The frame's region mask as the render would blend it (white, the weights as alpha), placed in
   * its shot crop; null where the frame has none. Not cached: every edit can change it. `undefined`: superseded.
   */
  async regionMask(clipId: number, frame: number): Promise<PlacedImage | null | undefined> {
    const request = ++this.latest.mask;
    try {
      this.maskStatus = { loading: true, error: null };
      const data: RenderMask = await this.api.call('render.mask', { clipId, frame });
      const image = data.area > 0 ? await decodeImage(data.mask.png) : null;
      if (request !== this.latest.mask) return undefined;
      this.maskStatus = { loading: false, error: null };
      this.maskRegions = data.regions;
      return image ? { image, rect: { x: data.crop.x, y: data.crop.y, width: data.crop.size, height: data.crop.size } } : null;
    } catch (error) {
      if (request !== this.latest.mask) return undefined;
      this.maskStatus = { loading: false, error: (error as Error).message };
      this.maskRegions = null;
      return null;
    }
  }
}
