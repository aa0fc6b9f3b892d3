import type { OverlayFrame, OverlayTopology } from '../../../../src-main/api/pipeline.js';

/** Line segments (x0, y0, x1, y1, … in plate pixels) and points for the viewer's overlays. */
export interface OverlayGeometry {
  /** Mesh edges with at least one end facing the camera. */
  mesh: Float32Array;
  /** Lid openings and iris circles. */
  eyes: Float32Array;
  /** Gaze rays from each iris centre. */
  gaze: Float32Array;
  /** Detected landmarks the fit used. */
  landmarks: Float32Array;
}

const CIRCLE_SEGMENTS = 20;

function polygon(out: number[], ring: readonly number[]): void {
  const n = ring.length / 2;
  for (let i = 0; i < n; i++) {
    const j = (i + 1) % n;
    out.push(ring[2 * i]!, ring[2 * i + 1]!, ring[2 * j]!, ring[2 * j + 1]!);
  }
}

function circle(out: number[], cx: number, cy: number, r: number): void {
  const ring: number[] = [];
  for (let i = 0; i < CIRCLE_SEGMENTS; i++) {
    const a = (2 * Math.PI * i) / CIRCLE_SEGMENTS;
    ring.push(cx + r * Math.cos(a), cy + r * Math.sin(a));
  }
  polygon(out, ring);
}

/** Turns the engine's per-frame overlay data into drawable segments; null when the frame has no face. */
export function overlayGeometry(frame: OverlayFrame, topology: OverlayTopology): OverlayGeometry | null {
  if (!frame.mesh) return null;
  const { vertices, facing, eyes } = frame.mesh;
  const mesh: number[] = [];
  for (let e = 0; e < topology.edges.length; e += 2) {
    const a = topology.edges[e]!;
    const b = topology.edges[e + 1]!;
    if (facing[a] === 0 && facing[b] === 0) continue;
    mesh.push(vertices[2 * a]!, vertices[2 * a + 1]!, vertices[2 * b]!, vertices[2 * b + 1]!);
  }
  const eyeLines: number[] = [];
  const gaze: number[] = [];
  for (const eye of eyes) {
    polygon(eyeLines, eye.ring);
    circle(eyeLines, eye.iris[0], eye.iris[1], eye.irisRadius);
    if (eye.gazeEnd) gaze.push(eye.iris[0], eye.iris[1], eye.gazeEnd[0], eye.gazeEnd[1]);
  }
  const landmarks: number[] = [];
  if (frame.landmarks) for (const p of topology.landmarkDots) landmarks.push(frame.landmarks[2 * p]!, frame.landmarks[2 * p + 1]!);
  return { mesh: Float32Array.from(mesh), eyes: Float32Array.from(eyeLines), gaze: Float32Array.from(gaze), landmarks: Float32Array.from(landmarks) };
}
