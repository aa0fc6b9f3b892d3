import type { RgbFrame } from './frame-loader.js';

export type ZoomMode = 'fit' | 'actual';

const VERTEX_SHADER = `
  attribute vec2 position;
  uniform vec2 scale;
  varying vec2 uv;
  void main() {
    uv = vec2(position.x * 0.5 + 0.5, 0.5 - position.y * 0.5);
    gl_Position = vec4(position * scale, 0.0, 1.0);
  }`;

const FRAGMENT_SHADER = `
  precision mediump float;
  uniform sampler2D frame;
  varying vec2 uv;
  void main() { gl_FragColor = vec4(texture2D(frame, uv).rgb, 1.0); }`;

/**
 * Draws frames with WebGL: the frame as a texture on a quad, letterboxed to fit or shown
 * pixel for pixel, nearest-neighbour when magnified so pixels stay honest.
 *
 * Plain WebGL rather than regl: regl compiles its commands with `new Function`, which the
 * UI's Content-Security-Policy (no 'unsafe-eval') rightly forbids.
 */
export class GlViewer {
  private readonly gl: WebGLRenderingContext;
  private readonly texture: WebGLTexture;
  private readonly scaleLocation: WebGLUniformLocation | null;
  private frameSize = { width: 1, height: 1 };
  private hasFrame = false;
  zoom: ZoomMode = 'fit';

  constructor(private readonly canvas: HTMLCanvasElement) {
    const gl = canvas.getContext('webgl', { antialias: false, alpha: false, preserveDrawingBuffer: true });
    if (!gl) throw new Error('WebGL is not available, so the viewer cannot draw frames.');
    this.gl = gl;
    const program = linkProgram(gl, VERTEX_SHADER, FRAGMENT_SHADER);
    gl.useProgram(program);

    const quad = gl.createBuffer();
    gl.bindBuffer(gl.ARRAY_BUFFER, quad);
    gl.bufferData(gl.ARRAY_BUFFER, new Float32Array([-1, -1, 1, -1, -1, 1, -1, 1, 1, -1, 1, 1]), gl.STATIC_DRAW);
    const position = gl.getAttribLocation(program, 'position');
    gl.enableVertexAttribArray(position);
    gl.vertexAttribPointer(position, 2, gl.FLOAT, false, 0, 0);

    const texture = gl.createTexture();
    if (!texture) throw new Error('WebGL could not create a texture.');
    this.texture = texture;
    gl.bindTexture(gl.TEXTURE_2D, texture);
    gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_WRAP_S, gl.CLAMP_TO_EDGE);
    gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_WRAP_T, gl.CLAMP_TO_EDGE);
    gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MIN_FILTER, gl.LINEAR);
    gl.pixelStorei(gl.UNPACK_ALIGNMENT, 1);
    gl.uniform1i(gl.getUniformLocation(program, 'frame'), 0);
    this.scaleLocation = gl.getUniformLocation(program, 'scale');
  }

  show(frame: RgbFrame): void {
    const { gl } = this;
    gl.bindTexture(gl.TEXTURE_2D, this.texture);
    gl.texImage2D(gl.TEXTURE_2D, 0, gl.RGB, frame.width, frame.height, 0, gl.RGB, gl.UNSIGNED_BYTE, frame.data);
    this.frameSize = { width: frame.width, height: frame.height };
    this.hasFrame = true;
    this.render();
  }

  clear(): void {
    this.hasFrame = false;
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

  render(): void {
    const { gl } = this;
    gl.viewport(0, 0, this.canvas.width, this.canvas.height);
    // Neutral dark grey surround, as on a grading monitor.
    gl.clearColor(0.07, 0.07, 0.07, 1);
    gl.clear(gl.COLOR_BUFFER_BIT);
    if (!this.hasFrame) return;
    const [sx, sy] = this.scale();
    const magnified = sx * this.canvas.width > this.frameSize.width * 1.01;
    gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MAG_FILTER, magnified ? gl.NEAREST : gl.LINEAR);
    gl.uniform2f(this.scaleLocation, sx, sy);
    gl.drawArrays(gl.TRIANGLES, 0, 6);
  }

  destroy(): void {
    this.gl.deleteTexture(this.texture);
    this.gl.getExtension('WEBGL_lose_context')?.loseContext();
  }

  private scale(): [number, number] {
    const { width: cw, height: ch } = this.canvas;
    const { width: fw, height: fh } = this.frameSize;
    if (this.zoom === 'actual') {
      const ratio = window.devicePixelRatio || 1;
      return [(fw * ratio) / cw, (fh * ratio) / ch];
    }
    const fit = Math.min(cw / fw, ch / fh);
    return [(fw * fit) / cw, (fh * fit) / ch];
  }
}

function linkProgram(gl: WebGLRenderingContext, vertex: string, fragment: string): WebGLProgram {
  const program = gl.createProgram();
  if (!program) throw new Error('WebGL could not create a program.');
  for (const [type, source] of [
    [gl.VERTEX_SHADER, vertex],
    [gl.FRAGMENT_SHADER, fragment],
  ] as const) {
    const shader = gl.createShader(type);
    if (!shader) throw new Error('WebGL could not create a shader.');
    gl.shaderSource(shader, source);
    gl.compileShader(shader);
    if (!gl.getShaderParameter(shader, gl.COMPILE_STATUS)) throw new Error(`A viewer shader did not compile: ${gl.getShaderInfoLog(shader) ?? ''}`);
    gl.attachShader(program, shader);
  }
  gl.linkProgram(program);
  if (!gl.getProgramParameter(program, gl.LINK_STATUS)) throw new Error(`The viewer shaders did not link: ${gl.getProgramInfoLog(program) ?? ''}`);
  return program;
}
