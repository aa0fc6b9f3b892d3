export type ZoomMode = 'fit' | 'actual';
export type CompareMode = 'single' | 'side-by-side' | 'wipe';
/** What a pane shows: the plate, the engine's conditioning image in the shot crop, the network's frame, or the composite mask (white where the render replaces the plate). */
export type PaneContent = 'original' | 'conditioning' | 'synthesized' | 'mask';

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface Pane {
  content: PaneContent;
  /** The pane's area on the canvas. */
  area: Rect;
  /** Where the plate is drawn inside it; `scale` = canvas units per plate pixel. */
  picture: Rect;
  scale: number;
}

export interface ViewLayout {
  mode: CompareMode;
  /** Side by side: the panes left to right. Single and wipe: one pane (the wipe's A side). */
  panes: Pane[];
  /** Wipe: what shows right of the wipe line, and the line's position across the picture (0…1). */
  wipe: { content: PaneContent; position: number } | null;
}

export interface LayoutRequest {
  mode: CompareMode;
  /** Side by side: the contents, left to right. Single: [content]. Wipe: [A, B]. */
  contents: PaneContent[];
  wipePosition: number;
  zoom: ZoomMode;
  /** Canvas units per CSS pixel (device pixel ratio for the drawing buffer, 1 for CSS layout). */
  pixelRatio: number;
}

const GAP = 6;

/**
 * Where each pane and its picture go on a canvas of `width` × `height` units: the plate
 * letterboxed to fit each pane, or shown pixel for pixel (centred) at 100 %. The same
 * function lays out the WebGL drawing (device pixels) and the labels and wipe handle (CSS).
 */
export function layoutView(width: number, height: number, plate: { width: number; height: number }, request: LayoutRequest): ViewLayout {
  const count = request.mode === 'side-by-side' ? Math.max(1, request.contents.length) : 1;
  const gap = GAP * request.pixelRatio;
  const paneWidth = (width - gap * (count - 1)) / count;
  const panes: Pane[] = [];
  for (let i = 0; i < count; i++) {
    const area = { x: i * (paneWidth + gap), y: 0, width: paneWidth, height };
    const scale = request.zoom === 'actual' ? request.pixelRatio : Math.max(1e-6, Math.min(area.width / plate.width, area.height / plate.height));
    const pictureWidth = plate.width * scale;
    const pictureHeight = plate.height * scale;
    panes.push({
      content: request.contents[i] ?? 'original',
      area,
      picture: { x: area.x + (area.width - pictureWidth) / 2, y: area.y + (area.height - pictureHeight) / 2, width: pictureWidth, height: pictureHeight },
      scale,
    });
  }
  const wipe = request.mode === 'wipe' ? { content: request.contents[1] ?? 'conditioning', position: Math.min(1, Math.max(0, request.wipePosition)) } : null;
  return { mode: request.mode, panes, wipe };
}
