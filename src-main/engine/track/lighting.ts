/**
 * Per-vertex albedo (per clip) and SH lighting (per frame) from the colours sampled at the
 * landmarks: alternating least squares over many frames (paper eq. 3), albedo × shading = colour.
 * Colours stay in the video's own (gamma-encoded) RGB scaled to [0, 1], like the frames the
 * network sees. Scale ambiguity: the mean shading over the clip is 1 per channel.
 */
import type { FaceModel, FrameParams } from '../face/model.js';
import { poseMesh } from '../face/pose-mesh.js';
import { SH_BANDS, shBasis } from '../face/sh.js';
import { LEFT_EYE_RING, MOUTH_RING, RIGHT_EYE_RING, VERTEX_COUNT } from '../face/topology.js';
import { choleskySolve } from './linalg.js';

/** Vertices whose colour is not skin or not reliable: eye openings, mouth opening, the outline. */
const EXCLUDED = new Set<number>([
  ...LEFT_EYE_RING, ...RIGHT_EYE_RING, ...MOUTH_RING,
  10, 338, 297, 332, 284, 251, 389, 356, 454, 323, 361, 288, 397, 365, 379, 378, 400, 377, 152, 148, 176, 149, 150, 136,
  172, 58, 132, 93, 234, 127, 162, 21, 54, 103, 67, 109,
]);

export interface LightingFrame {
  params: FrameParams;
  /** 468 × 3 RGB samples (0–255). */
  colours: Uint8Array;
}

interface Prepared {
  /** Visible, usable vertices. */
  vertices: Int32Array;
  /** SH basis values per listed vertex (count × 9). */
  basis: Float64Array;
}

function prepare(model: FaceModel, params: FrameParams): Prepared {
  const mesh = poseMesh(model, params);
  const vertices: number[] = [];
  const values: number[] = [];
  const y = new Float64Array(SH_BANDS);
  for (let v = 0; v < VERTEX_COUNT; v++) {
    if (EXCLUDED.has(v)) continue;
    const nx = mesh.normals[3 * v]!, ny = mesh.normals[3 * v + 1]!, nz = mesh.normals[3 * v + 2]!;
    const px = mesh.cameraVertices[3 * v]!, py = mesh.cameraVertices[3 * v + 1]!, pz = mesh.cameraVertices[3 * v + 2]!;
    const facing = -(nx * px + ny * py + nz * pz) / Math.hypot(px, py, pz);
    if (facing < 0.3) continue;
    vertices.push(v);
    shBasis(nx, ny, nz, y);
    values.push(...y);
  }
  return { vertices: Int32Array.from(vertices), basis: Float64Array.from(values) };
}

/** Least-squares SH (27 values) for one frame given an albedo. */
function solveSh(prep: Prepared, colours: Uint8Array, albedo: Float32Array): Float32Array {
  const sh = new Float32Array(27);
  for (let c = 0; c < 3; c++) {
    const A = new Float64Array(SH_BANDS * SH_BANDS);
    const b = new Float64Array(SH_BANDS);
    for (let i = 0; i < prep.vertices.length; i++) {
      const v = prep.vertices[i]!;
      const a = albedo[3 * v + c]!;
      const target = colours[3 * v + c]! / 255;
      for (let p = 0; p < SH_BANDS; p++) {
        const jp = a * prep.basis[i * SH_BANDS + p]!;
        b[p] = b[p]! + jp * target;
        for (let q = 0; q < SH_BANDS; q++) A[p * SH_BANDS + q] = A[p * SH_BANDS + q]! + jp * a * prep.basis[i * SH_BANDS + q]!;
      }
    }
    // Keep the second band tame where the visible normals do not constrain it.
    for (let p = 0; p < SH_BANDS; p++) A[p * SH_BANDS + p] = A[p * SH_BANDS + p]! + (p >= 4 ? 0.5 : 0.01);
    if (!choleskySolve(A, b, SH_BANDS)) continue;
    for (let p = 0; p < SH_BANDS; p++) sh[3 * p + c] = b[p]!;
  }
  return sh;
}

function shadingAt(prep: Prepared, i: number, sh: Float32Array, c: number): number {
  let s = 0;
  for (let p = 0; p < SH_BANDS; p++) s += sh[3 * p + c]! * prep.basis[i * SH_BANDS + p]!;
  return s;
}

export interface LightingEstimate {
  albedo: Float32Array;
  /** SH per input frame, in input order. */
  sh: Float32Array[];
  /** Mean absolute colour error (0–255 scale) over visible vertices and frames. */
  meanAbsError: number;
}

export function estimateLighting(model: FaceModel, frames: LightingFrame[], options: { rounds?: number; maxSamples?: number } = {}): LightingEstimate {
  const prepared = frames.map((f) => prepare(model, f.params));
  const sampleStep = Math.max(1, Math.floor(frames.length / (options.maxSamples ?? 200)));
  const sample = frames.map((_, i) => i).filter((i) => i % sampleStep === 0);
  // Start: mean colour per vertex with unit shading.
  const sum = new Float64Array(VERTEX_COUNT * 3);
  const count = new Float64Array(VERTEX_COUNT);
  for (const i of sample) {
    const prep = prepared[i]!;
    for (const v of prep.vertices) {
      count[v] = count[v]! + 1;
      for (let c = 0; c < 3; c++) sum[3 * v + c] = sum[3 * v + c]! + frames[i]!.colours[3 * v + c]! / 255;
    }
  }
  let overall = [0, 0, 0];
  let seen = 0;
  for (let v = 0; v < VERTEX_COUNT; v++) {
    if (count[v]! === 0) continue;
    seen++;
    for (let c = 0; c < 3; c++) overall[c] = overall[c]! + sum[3 * v + c]! / count[v]!;
  }
  overall = overall.map((o) => (seen > 0 ? o / seen : 0.5));
  const albedo = new Float32Array(VERTEX_COUNT * 3);
  for (let v = 0; v < VERTEX_COUNT; v++) {
    for (let c = 0; c < 3; c++) albedo[3 * v + c] = count[v]! > 0 ? sum[3 * v + c]! / count[v]! : overall[c]!;
  }
  const rounds = options.rounds ?? 3;
  for (let round = 0; round < rounds; round++) {
    const num = new Float64Array(VERTEX_COUNT * 3);
    const den = new Float64Array(VERTEX_COUNT * 3);
    for (const i of sample) {
      const prep = prepared[i]!;
      const sh = solveSh(prep, frames[i]!.colours, albedo);
      for (let k = 0; k < prep.vertices.length; k++) {
        const v = prep.vertices[k]!;
        for (let c = 0; c < 3; c++) {
          const s = shadingAt(prep, k, sh, c);
          num[3 * v + c] = num[3 * v + c]! + s * (frames[i]!.colours[3 * v + c]! / 255);
          den[3 * v + c] = den[3 * v + c]! + s * s;
        }
      }
    }
    for (let j = 0; j < albedo.length; j++) if (den[j]! > 1e-9) albedo[j] = Math.min(1.5, Math.max(0, num[j]! / den[j]!));
  }
  let sh = prepared.map((prep, i) => solveSh(prep, frames[i]!.colours, albedo));
  // Fix the scale: mean shading 1 per channel over the clip.
  const mean = [0, 0, 0];
  let n = 0;
  prepared.forEach((prep, i) => {
    for (let k = 0; k < prep.vertices.length; k++) {
      for (let c = 0; c < 3; c++) mean[c] = mean[c]! + shadingAt(prep, k, sh[i]!, c);
      n++;
    }
  });
  if (n > 0) {
    const m = mean.map((x) => (x / n > 1e-6 ? x / n : 1));
    for (let j = 0; j < albedo.length; j++) albedo[j] = albedo[j]! * m[j % 3]!;
    sh = sh.map((coeffs) => coeffs.map((x, j) => x / m[j % 3]!));
  }
  let err = 0;
  let errCount = 0;
  prepared.forEach((prep, i) => {
    for (let k = 0; k < prep.vertices.length; k++) {
      const v = prep.vertices[k]!;
      for (let c = 0; c < 3; c++) {
        err += Math.abs(255 * albedo[3 * v + c]! * shadingAt(prep, k, sh[i]!, c) - frames[i]!.colours[3 * v + c]!);
        errCount++;
      }
    }
  });
  return { albedo, sh, meanAbsError: errCount > 0 ? err / errCount : 0 };
}
