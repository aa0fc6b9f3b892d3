import createREGL from 'regl';
import type { RgbFrame } from './frame-loader.js';
import { layoutView, type CompareMode, type Pane, type PaneContent, type Rect, type ViewLayout, type ZoomMode } from './layout.js';
import { createDrawCommands, type DrawCommands, type Placement, type Vec4 } from './draw-commands.js';
import type { OverlayGeometry } from './overlay-geometry.js';

export type { ZoomMode } from './layout.js';

/** An image the engine made (conditioning or synthesized), placed on the plate at `rect` (plate pixels). */
export interface PlacedImage {
  image: HTMLImageElement;
  rect: Rect;
}

export interface OverlayVisibility {
  mesh: boolean;
  landmarks: boolean;
  gaze: boolean;
  /** The composite mask, tinted over every pane. */
  mask?: boolean;
}

/** Overlay colours, as `dvp overlay` draws them. */
const COLOURS = {
  mesh: [120 / 255, 1, 140 / 255, 0.4] as Vec4,
  eyes: [80 / 255, 220 / 255, 1, 0.9] as Vec4,
  gaze: [1, 230 / 255, 40 / 255, 1] as Vec4,
  landmarks: [1, 60 / 255, 60 / 255, 0.95] as Vec4,
  /** The composite mask: this colour at this opacity where the weight is 1. */
  mask: [1, 70 / 255, 200 / 255, 0.45] as Vec4,
};

const SURROUND: Vec4 = [0.07, 0.07, 0.07, 1];

/**
 * The viewport, drawn with regl: the frame at the playhead, the engine's conditioning and
 * synthesized images, the tracking overlays (mesh, eyes and gaze rays, landmarks), and the
 * compare layouts — single, side by side, or an A/B wipe. All geometry is in plate pixels;
 * `layoutView` decides where the plate lands on the canvas.
 */
export class ReglViewer {
  private readonly regl: createREGL.Regl;
  /** Images, the composite mask's tint, and the overlays' lines and points. */
  private readonly draw: DrawCommands;
  private readonly buffers: Record<keyof OverlayGeometry, { buffer: createREGL.Buffer; count: number }>;
  private plate: { texture: createREGL.Texture2D; width: number; height: number; source: RgbFrame; magnified: boolean } | null = null;
  private readonly layers = new Map<'conditioning' | 'synthesized' | 'mask', { texture: createREGL.Texture2D; rect: Rect }>();
  private overlay: OverlayGeometry | null = null;

  zoom: ZoomMode = 'fit';
  mode: CompareMode = 'single';
  /** Single: [content]; side by side: the panes; wipe: [A, B]. */
  contents: PaneContent[] = ['original'];
  wipePosition = 0.5;
  visible: OverlayVisibility = { mesh: false, landmarks: false, gaze: false };

  constructor(private readonly canvas: HTMLCanvasElement) {
    this.regl = createREGL({ canvas, attributes: { antialias: false, alpha: false, preserveDrawingBuffer: true } });
    const regl = this.regl;
    this.draw = createDrawCommands(regl);
    const empty = (): { buffer: createREGL.Buffer; count: number } => ({ buffer: regl.buffer({ usage: 'dynamic', type: 'float', length: 8 }), count: 0 });
    this.buffers = { mesh: empty(), eyes: empty(), gaze: empty(), landmarks: empty() };
    const solid = (c: Vec4): createREGL.Texture2D => regl.texture({ width: 1, height: 1, data: c.map((v) => Math.round(v * 255)) });
    this.black = solid([0, 0, 0, 1]);
    this.surround = solid(SURROUND);
  }

  private readonly black: createREGL.Texture2D;
  private readonly surround: createREGL.Texture2D;

  get plateSize(): { width: number; height: number } | null {
    return this.plate ? { width: this.plate.width, height: this.plate.height } : null;
  }

  showFrame(frame: RgbFrame | null): void {
    if (!frame) {
      this.plate?.texture.destroy();
      this.plate = null;
    } else {
      const magnified = this.isMagnified(frame);
      if (this.plate && this.plate.width === frame.width && this.plate.height === frame.height && this.plate.magnified === magnified) {
        this.plate.texture.subimage({ width: frame.width, height: frame.height, data: frame.data, format: 'rgb' });
        this.plate.source = frame;
      } else {
        this.plate?.texture.destroy();
        this.plate = { texture: this.rgbTexture(frame, magnified), width: frame.width, height: frame.height, source: frame, magnified };
      }
    }
    this.render();
  }

  /** Sets (or removes) the conditioning or synthesized image, or the composite mask (its alpha is the weight). */
  setLayer(layer: 'conditioning' | 'synthesized' | 'mask', placed: PlacedImage | null): void {
    this.layers.get(layer)?.texture.destroy();
    this.layers.delete(layer);
    if (placed) this.layers.set(layer, { texture: this.regl.texture({ data: placed.image, min: 'linear', mag: 'linear' }), rect: placed.rect });
    this.render();
  }

  setOverlay(geometry: OverlayGeometry | null): void {
    this.overlay = geometry;
    for (const key of Object.keys(this.buffers) as (keyof OverlayGeometry)[]) {
      const data = geometry?.[key] ?? new Float32Array(0);
      const entry = this.buffers[key];
      if (data.length > 0) entry.buffer({ data, usage: 'dynamic', type: 'float' });
      entry.count = data.length / 2;
    }
    this.render();
  }

  /** Matches the drawing buffer to the element's size on screen. */
  resize(): void {
    const ratio = window.devicePixelRatio || 1;
    const width = Math.max(1, Math.round(this.canvas.clientWidth * ratio));
    const height = Math.max(1, Math.round(this.canvas.clientHeight * ratio));
    if (this.canvas.width !== width || this.canvas.height !== height) {
      this.canvas.width = width;
      this.canvas.height = height;
    }
    this.render();
  }

  /** The layout in device pixels of the drawing buffer. */
  layout(): ViewLayout | null {
    if (!this.plate) return null;
    return layoutView(this.canvas.width, this.canvas.height, this.plate, {
      mode: this.mode,
      contents: this.contents,
      wipePosition: this.wipePosition,
      zoom: this.zoom,
      pixelRatio: window.devicePixelRatio || 1,
    });
  }

  render(): void {
    const regl = this.regl;
    regl.poll();
    const { width: W, height: H } = this.canvas;
    // A quad rather than clear(): clear would obey whatever scissor box the last draw left set.
    this.draw.image({ origin: [0, 0], scale: 1, canvas: [W, H], scissor: { x: 0, y: 0, width: W, height: H }, texture: this.surround, rect: [0, 0, W, H] });
    const layout = this.layout();
    if (!layout || !this.plate) return;
    if (this.plate.magnified !== this.isMagnified(this.plate.source)) {
      this.plate.texture.destroy();
      this.plate.magnified = this.isMagnified(this.plate.source);
      this.plate.texture = this.rgbTexture(this.plate.source, this.plate.magnified);
    }
    for (const pane of layout.panes) {
      this.drawPane(pane, pane.content, pane.area);
      if (layout.wipe) {
        const split = pane.picture.x + layout.wipe.position * pane.picture.width;
        this.drawPane(pane, layout.wipe.content, { x: split, y: pane.area.y, width: pane.area.x + pane.area.width - split, height: pane.area.height });
      }
    }
  }

  destroy(): void {
    this.regl.destroy();
  }

  private drawPane(pane: Pane, content: PaneContent, clip: Rect): void {
    if (!this.plate || clip.width <= 0) return;
    const H = this.canvas.height;
    const x0 = Math.max(Math.floor(clip.x), 0);
    const x1 = Math.min(Math.ceil(clip.x + clip.width), this.canvas.width);
    const scissor = { x: x0, y: Math.max(0, Math.floor(H - (clip.y + clip.height))), width: Math.max(0, x1 - x0), height: Math.ceil(clip.height) };
    const placement: Placement = { origin: [pane.picture.x, pane.picture.y], scale: pane.scale, canvas: [this.canvas.width, H], scissor };
    const full: Vec4 = [0, 0, this.plate.width, this.plate.height];
    const mask = this.layers.get('mask');
    const maskRect: Vec4 | null = mask ? [mask.rect.x, mask.rect.y, mask.rect.width, mask.rect.height] : null;
    if (content === 'original') {
      this.draw.image({ ...placement, texture: this.plate.texture, rect: full });
    } else if (content === 'mask') {
      this.draw.image({ ...placement, texture: this.black, rect: full });
      if (mask && maskRect) this.draw.tint({ ...placement, texture: mask.texture, rect: maskRect, colour: [1, 1, 1, 1] });
    } else {
      const layer = this.layers.get(content);
      // The plate area stays black where the engine's image does not reach (outside the shot crop).
      this.draw.image({ ...placement, texture: this.black, rect: full });
      if (layer) this.draw.image({ ...placement, texture: layer.texture, rect: [layer.rect.x, layer.rect.y, layer.rect.width, layer.rect.height] });
    }
    if (this.visible.mask && mask && maskRect && content !== 'mask') this.draw.tint({ ...placement, texture: mask.texture, rect: maskRect, colour: COLOURS.mask });
    this.drawOverlays(placement, pane.scale);
  }

  private drawOverlays(placement: Placement, scale: number): void {
    if (!this.overlay) return;
    const ratio = window.devicePixelRatio || 1;
    const line = (key: 'mesh' | 'eyes' | 'gaze', colour: Vec4): void => {
      const { buffer, count } = this.buffers[key];
      if (count > 0) this.draw.lines({ ...placement, points: buffer, count, colour, pointSize: 1 });
    };
    if (this.visible.mesh) line('mesh', COLOURS.mesh);
    if (this.visible.gaze) {
      line('eyes', COLOURS.eyes);
      line('gaze', COLOURS.gaze);
    }
    const dots = this.buffers.landmarks;
    if (this.visible.landmarks && dots.count > 0) {
      this.draw.points({ ...placement, points: dots.buffer, count: dots.count, colour: COLOURS.landmarks, pointSize: Math.max(2 * ratio, Math.min(6 * ratio, 1.5 * scale)) });
    }
  }

  private isMagnified(frame: { width: number; height: number }): boolean {
    const layout = layoutView(this.canvas.width, this.canvas.height, frame, { mode: this.mode, contents: this.contents, wipePosition: this.wipePosition, zoom: this.zoom, pixelRatio: window.devicePixelRatio || 1 });
    return (layout.panes[0]?.scale ?? 1) > 1.01;
  }

  private rgbTexture(frame: RgbFrame, magnified: boolean): createREGL.Texture2D {
    return this.regl.texture({ width: frame.width, height: frame.height, data: frame.data, format: 'rgb', alignment: 1, min: 'linear', mag: magnified ? 'nearest' : 'linear' });
  }
}
