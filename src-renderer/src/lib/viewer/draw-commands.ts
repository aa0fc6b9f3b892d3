/**
 * The viewport's four regl draw commands: a textured rectangle, an image's alpha as a tint, and
 * lines and points — each placing plate pixels on the canvas (origin, scale) inside a scissor box.
 */
import type createREGL from 'regl';

export type Vec4 = [number, number, number, number];

/** Everything the shaders need to put plate pixels on the canvas. */
export interface Placement {
  /** Picture origin (canvas px) and scale (canvas px per plate px). */
  origin: [number, number];
  scale: number;
  canvas: [number, number];
  /** Drawing is limited to this box (GL coordinates: y from the bottom). */
  scissor: { x: number; y: number; width: number; height: number };
}

export interface ImageProps extends Placement {
  texture: createREGL.Texture2D;
  rect: Vec4;
}

export interface TintProps extends ImageProps {
  colour: Vec4;
}

export interface ShapeProps extends Placement {
  points: createREGL.Buffer;
  count: number;
  colour: Vec4;
  pointSize: number;
}

const PLACE = `
  uniform vec2 origin;
  uniform float scale;
  uniform vec2 canvas;
  vec4 place(vec2 platePx) {
    vec2 c = origin + platePx * scale;
    return vec4(c.x / canvas.x * 2.0 - 1.0, 1.0 - c.y / canvas.y * 2.0, 0.0, 1.0);
  }`;

/** A textured rectangle `rect` (x, y, w, h in image pixels), placed like everything else. */
const QUAD_VERT = `
        precision highp float;
        attribute vec2 corner;
        uniform vec4 rect;
        varying vec2 uv;
        ${PLACE}
        void main() {
          uv = corner;
          gl_Position = place(rect.xy + corner * rect.zw);
        }`;

export interface DrawCommands {
  image: createREGL.DrawCommand<createREGL.DefaultContext, ImageProps>;
  tint: createREGL.DrawCommand<createREGL.DefaultContext, TintProps>;
  lines: createREGL.DrawCommand<createREGL.DefaultContext, ShapeProps>;
  points: createREGL.DrawCommand<createREGL.DefaultContext, ShapeProps>;
}

export function createDrawCommands(regl: createREGL.Regl): DrawCommands {
  const placement = {
    origin: regl.prop<Placement, 'origin'>('origin'),
    scale: regl.prop<Placement, 'scale'>('scale'),
    canvas: regl.prop<Placement, 'canvas'>('canvas'),
  };
  const image = regl<{ origin: [number, number]; scale: number; canvas: [number, number]; rect: Vec4; image: createREGL.Texture2D }, { corner: number[][] }, ImageProps>({
    vert: QUAD_VERT,
    frag: `
      precision mediump float;
      uniform sampler2D image;
      varying vec2 uv;
      void main() { gl_FragColor = vec4(texture2D(image, uv).rgb, 1.0); }`,
    attributes: { corner: [[0, 0], [1, 0], [0, 1], [1, 1]] },
    uniforms: { ...placement, rect: regl.prop<ImageProps, 'rect'>('rect'), image: regl.prop<ImageProps, 'texture'>('texture') },
    primitive: 'triangle strip',
    count: 4,
    depth: { enable: false },
    scissor: { enable: true, box: regl.prop<Placement, 'scissor'>('scissor') },
  });
  const tint = regl<{ origin: [number, number]; scale: number; canvas: [number, number]; rect: Vec4; image: createREGL.Texture2D; colour: Vec4 }, { corner: number[][] }, TintProps>({
    vert: QUAD_VERT,
    frag: `
      precision mediump float;
      uniform sampler2D image;
      uniform vec4 colour;
      varying vec2 uv;
      void main() { gl_FragColor = vec4(colour.rgb, colour.a * texture2D(image, uv).a); }`,
    attributes: { corner: [[0, 0], [1, 0], [0, 1], [1, 1]] },
    uniforms: { ...placement, rect: regl.prop<TintProps, 'rect'>('rect'), image: regl.prop<TintProps, 'texture'>('texture'), colour: regl.prop<TintProps, 'colour'>('colour') },
    primitive: 'triangle strip',
    count: 4,
    depth: { enable: false },
    blend: { enable: true, func: { src: 'src alpha', dst: 'one minus src alpha' } },
    scissor: { enable: true, box: regl.prop<Placement, 'scissor'>('scissor') },
  });
  const shape = (primitive: 'lines' | 'points'): createREGL.DrawCommand<createREGL.DefaultContext, ShapeProps> =>
    regl<{ origin: [number, number]; scale: number; canvas: [number, number]; colour: Vec4; pointSize: number }, { point: createREGL.Buffer }, ShapeProps>({
      vert: `
        precision highp float;
        attribute vec2 point;
        uniform float pointSize;
        ${PLACE}
        void main() {
          gl_PointSize = pointSize;
          gl_Position = place(point);
        }`,
      frag: `
        precision mediump float;
        uniform vec4 colour;
        void main() { gl_FragColor = colour; }`,
      attributes: { point: regl.prop<ShapeProps, 'points'>('points') },
      uniforms: { ...placement, colour: regl.prop<ShapeProps, 'colour'>('colour'), pointSize: regl.prop<ShapeProps, 'pointSize'>('pointSize') },
      count: regl.prop<ShapeProps, 'count'>('count'),
      primitive,
      depth: { enable: false },
      blend: { enable: true, func: { src: 'src alpha', dst: 'one minus src alpha' } },
      scissor: { enable: true, box: regl.prop<Placement, 'scissor'>('scissor') },
    });
  return { image, tint, lines: shape('lines'), points: shape('points') };
}
