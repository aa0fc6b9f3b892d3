/** Minimal anti-aliased drawing on RGB24 images, for the tracking overlay. */

export type Rgb = readonly [number, number, number];

export interface Canvas {
  width: number;
  height: number;
  data: Uint8Array;
}

function blend(canvas: Canvas, x: number, y: number, colour: Rgb, alpha: number): void {
  if (x < 0 || y < 0 || x >= canvas.width || y >= canvas.height || alpha <= 0) return;
  const i = (y * canvas.width + x) * 3;
  const a = Math.min(1, alpha);
  canvas.data[i] = canvas.data[i]! + (colour[0] - canvas.data[i]!) * a;
  canvas.data[i + 1] = canvas.data[i + 1]! + (colour[1] - canvas.data[i + 1]!) * a;
  canvas.data[i + 2] = canvas.data[i + 2]! + (colour[2] - canvas.data[i + 2]!) * a;
}

/** A one-pixel line, anti-aliased by splitting each step between the two nearest pixels. */
export function line(canvas: Canvas, x0: number, y0: number, x1: number, y1: number, colour: Rgb, alpha = 1): void {
  const dx = x1 - x0, dy = y1 - y0;
  const steps = Math.ceil(Math.max(Math.abs(dx), Math.abs(dy)));
  if (!Number.isFinite(steps) || steps > 4 * (canvas.width + canvas.height)) return;
  const steep = Math.abs(dy) > Math.abs(dx);
  for (let s = 0; s <= steps; s++) {
    const t = steps === 0 ? 0 : s / steps;
    const x = x0 + dx * t, y = y0 + dy * t;
    if (steep) {
      const xf = Math.floor(x), f = x - xf;
      blend(canvas, xf, Math.round(y), colour, alpha * (1 - f));
      blend(canvas, xf + 1, Math.round(y), colour, alpha * f);
    } else {
      const yf = Math.floor(y), f = y - yf;
      blend(canvas, Math.round(x), yf, colour, alpha * (1 - f));
      blend(canvas, Math.round(x), yf + 1, colour, alpha * f);
    }
  }
}

/** A filled disc with a soft one-pixel edge. */
export function disc(canvas: Canvas, cx: number, cy: number, radius: number, colour: Rgb, alpha = 1): void {
  const r = Math.max(0.5, radius);
  for (let y = Math.floor(cy - r - 1); y <= Math.ceil(cy + r + 1); y++) {
    for (let x = Math.floor(cx - r - 1); x <= Math.ceil(cx + r + 1); x++) {
      const d = Math.hypot(x - cx, y - cy);
      blend(canvas, x, y, colour, alpha * Math.max(0, Math.min(1, r + 0.5 - d)));
    }
  }
}

/** A circle outline. */
export function circle(canvas: Canvas, cx: number, cy: number, radius: number, colour: Rgb, alpha = 1): void {
  const steps = Math.max(12, Math.ceil(2 * Math.PI * radius));
  for (let s = 0; s < steps; s++) {
    const a0 = (2 * Math.PI * s) / steps, a1 = (2 * Math.PI * (s + 1)) / steps;
    line(canvas, cx + radius * Math.cos(a0), cy + radius * Math.sin(a0), cx + radius * Math.cos(a1), cy + radius * Math.sin(a1), colour, alpha);
  }
}

/** A filled axis-aligned rectangle. */
export function rect(canvas: Canvas, x: number, y: number, width: number, height: number, colour: Rgb, alpha = 1): void {
  for (let yy = Math.max(0, Math.floor(y)); yy < Math.min(canvas.height, Math.ceil(y + height)); yy++) {
    for (let xx = Math.max(0, Math.floor(x)); xx < Math.min(canvas.width, Math.ceil(x + width)); xx++) blend(canvas, xx, yy, colour, alpha);
  }
}
