/**
 * The tracking check video: each frame with the fitted mesh (front-facing edges), the detected
 * landmarks the fit used, the model's eye openings and irises, gaze rays, and a status square
 * (green tracked, yellow interpolated, magenta profile / low confidence, red no face or unreadable).
 */
import type { FrameRange } from '../../api/frame-range.js';
import { clipVideoInfo, getClip, resolveClipMedia } from '../project/clips.js';
import { projectInputs } from '../project/project-inputs.js';
import type { Project } from '../project/project.js';
import { readFrames } from '../media/frame-reader.js';
import { FrameWriter } from '../media/frame-writer.js';
import { DvpError } from '../../shared/errors.js';
import { ProgressMeter, throwIfCancelled, type ProgressListener } from '../../shared/cancel.js';
import { poseMesh, type EyeGeometry } from '../face/pose-mesh.js';
import { FrameFlag, loadFaceModel, loadFrameLandmarks, loadTrackedFrames, type TrackedFrame } from '../face/store.js';
import { gazeRayEnd, LANDMARK_DOTS, MESH_EDGES } from '../face/overlay-geometry.js';
import { trackRemedy } from '../project/remedies.js';
import { circle, disc, line, rect, type Canvas, type Rgb } from './draw.js';

export interface OverlayOptions {
  clipId: number;
  out: string;
  /** Replace an existing file at `out` (never the project's files or clips). */
  overwrite?: boolean;
  range?: FrameRange;
  /** Draw the raw instead of the smoothed parameters. */
  raw?: boolean;
  signal?: AbortSignal;
  onProgress?: ProgressListener;
}

const MESH: Rgb = [120, 255, 140];
const LANDMARK: Rgb = [255, 60, 60];
const EYE: Rgb = [80, 220, 255];
const IRIS: Rgb = [60, 110, 255];
const GAZE: Rgb = [255, 230, 40];

function statusColour(flags: number | undefined): Rgb {
  if (flags === undefined || flags & (FrameFlag.NoFace | FrameFlag.Corrupt)) return [230, 30, 30];
  if (flags & FrameFlag.Interpolated) return [255, 200, 0];
  if (flags & (FrameFlag.Profile | FrameFlag.LowConfidence)) return [230, 60, 230];
  return [40, 210, 60];
}

function drawEye(canvas: Canvas, eye: EyeGeometry, fx: number, fy: number, cx: number, cy: number): void {
  const n = eye.ring.length / 2;
  for (let i = 0; i < n; i++) {
    const j = (i + 1) % n;
    line(canvas, eye.ring[2 * i]!, eye.ring[2 * i + 1]!, eye.ring[2 * j]!, eye.ring[2 * j + 1]!, EYE, 0.9);
  }
  circle(canvas, eye.irisCentre[0], eye.irisCentre[1], eye.irisRadiusPx, IRIS, 0.9);
  const end = gazeRayEnd(eye, { fx, fy, cx, cy });
  if (end) line(canvas, eye.irisCentre[0], eye.irisCentre[1], end[0], end[1], GAZE, 1);
}

/** Bilinear enlargement of an RGB24 image by an integer factor. */
function upscale(rgb: Uint8Array, width: number, height: number, factor: number): Uint8Array {
  const w = width * factor, h = height * factor;
  const out = new Uint8Array(w * h * 3);
  for (let y = 0; y < h; y++) {
    const sy = Math.min(height - 1, Math.max(0, (y + 0.5) / factor - 0.5));
    const y0 = Math.floor(sy), y1 = Math.min(height - 1, y0 + 1), fy = sy - y0;
    for (let x = 0; x < w; x++) {
      const sx = Math.min(width - 1, Math.max(0, (x + 0.5) / factor - 0.5));
      const x0 = Math.floor(sx), x1 = Math.min(width - 1, x0 + 1), fx = sx - x0;
      for (let c = 0; c < 3; c++) {
        const top = rgb[(y0 * width + x0) * 3 + c]! * (1 - fx) + rgb[(y0 * width + x1) * 3 + c]! * fx;
        const bottom = rgb[(y1 * width + x0) * 3 + c]! * (1 - fx) + rgb[(y1 * width + x1) * 3 + c]! * fx;
        out[(y * w + x) * 3 + c] = Math.round(top * (1 - fy) + bottom * fy);
      }
    }
  }
  return out;
}

export async function renderOverlay(project: Project, options: OverlayOptions): Promise<{ frames: number; out: string }> {
  const clip = resolveClipMedia(project, getClip(project, options.clipId));
  const model = loadFaceModel(project, clip.id);
  if (!model) throw new DvpError('NOT_FOUND', `${project.file}: clip ${clip.id} has not been tracked yet.`, { file: project.file, remedy: trackRemedy(project.file, clip.id) });
  const tracked = loadTrackedFrames(project, clip.id, { which: options.raw ? 'raw' : 'smoothed' });
  const byFrame = new Map<number, TrackedFrame>(tracked.map((t) => [t.frame, t]));
  const range = options.range ?? { first: tracked[0]?.frame ?? 0, last: tracked.at(-1)?.frame ?? clip.frameCount - 1 };
  if (range.first < 0 || range.last >= clip.frameCount || range.first > range.last) {
    throw new DvpError('INVALID_ARGUMENT', `${project.file}: frame range ${range.first}-${range.last} is outside clip ${clip.id} (frames 0-${clip.frameCount - 1}).`, { file: project.file });
  }
  // Small clips are drawn at twice their size so the mesh and the eyes stay legible.
  const scale = Math.min(clip.width, clip.height) < 400 ? 2 : 1;
  const base = model.identity.intrinsics;
  const intrinsics = { fx: base.fx * scale, fy: base.fy * scale, cx: base.cx * scale, cy: base.cy * scale, width: base.width * scale, height: base.height * scale };
  const drawModel = { ...model, identity: { ...model.identity, intrinsics } };
  const { fx, fy, cx, cy } = intrinsics;
  const width = clip.width * scale, height = clip.height * scale;
  const total = range.last - range.first + 1;
  const meter = new ProgressMeter(total);
  const writer = FrameWriter.open({
    file: options.out, format: 'h264', width, height, fps: clip.fps, protect: projectInputs(project),
    ...(options.overwrite !== undefined ? { overwrite: options.overwrite } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  const box = Math.max(6, Math.round(Math.min(width, height) / 40));
  let written = 0;
  try {
    for await (const frame of readFrames(clip.path, clipVideoInfo(clip), { start: range.first, count: total, ...(options.signal ? { signal: options.signal } : {}) })) {
      throwIfCancelled(options.signal, 'Rendering the overlay');
      const canvas: Canvas = { width, height, data: scale === 1 ? frame.data : upscale(frame.data, frame.width, frame.height, scale) };
      const tf = byFrame.get(frame.index);
      if (tf && !(tf.flags & FrameFlag.NoFace)) {
        const mesh = poseMesh(drawModel, tf.params);
        const v = mesh.vertices;
        const n = mesh.normals;
        for (let e = 0; e < MESH_EDGES.length; e += 2) {
          const a = MESH_EDGES[e]!, b = MESH_EDGES[e + 1]!;
          if (n[3 * a + 2]! > 0.1 && n[3 * b + 2]! > 0.1) continue; // both ends face away
          line(canvas, v[3 * a]!, v[3 * a + 1]!, v[3 * b]!, v[3 * b + 1]!, MESH, 0.35);
        }
        const iod = Math.hypot(mesh.eyes.left.irisCentre[0] - mesh.eyes.right.irisCentre[0], mesh.eyes.left.irisCentre[1] - mesh.eyes.right.irisCentre[1]);
        drawEye(canvas, mesh.eyes.left, fx, fy, cx, cy);
        drawEye(canvas, mesh.eyes.right, fx, fy, cx, cy);
        const landmarks = tf.flags & FrameFlag.Tracked ? loadFrameLandmarks(project, clip.id, frame.index) : undefined;
        if (landmarks) for (const p of LANDMARK_DOTS) disc(canvas, scale * landmarks[2 * p]!, scale * landmarks[2 * p + 1]!, Math.max(0.6, iod / 90), LANDMARK, 0.9);
      }
      rect(canvas, box / 2, box / 2, box, box, statusColour(tf?.flags), 1);
      await writer.write(canvas.data);
      written++;
      options.onProgress?.(meter.update(written, 'overlay'));
    }
    await writer.finish();
  } catch (error) {
    await writer.abort();
    throw error;
  }
  return { frames: written, out: options.out };
}
