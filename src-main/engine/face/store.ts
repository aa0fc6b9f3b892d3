/**
 * Reading and writing the face model and the tracked parameters in a project (migration 0002).
 * BLOB layouts: float arrays are little-endian Float32; per-frame `raw` / `smoothed` are packed
 * FrameParams (PARAM_COUNT values, see model.ts); `landmarks` are the 478 detected points (x, y).
 */
import type { FrameRange } from '../../api/frame-range.js';
import type { Project } from '../project/project.js';
import { EXPRESSION_DIM, PARAM_COUNT, unpackParams, type ExpressionBasis, type FaceIdentity, type FaceModel, type FrameParams } from './model.js';
import { VERTEX_COUNT } from './topology.js';
import type { FaceControl } from './controls.js';

/** Per-frame flags (bit mask). */
export const FrameFlag = {
  /** Parameters fitted to this frame's own detection. */
  Tracked: 1,
  /** No usable face: parameters interpolated between the neighbouring tracked frames (short gap). */
  Interpolated: 2,
  /** More than one face was detected; the subject is the one tracked. */
  MultipleFaces: 4,
  /** Head turned far from the camera (|yaw| above the profile threshold): landmarks less reliable. */
  Profile: 8,
  /** No face for a long stretch: parameters held from the nearest tracked frame; do not train on it. */
  NoFace: 16,
  /** The frame could not be decoded. */
  Corrupt: 32,
  /** Detected with low confidence. */
  LowConfidence: 64,
} as const;


export interface TrackingStats {
  framesTracked: number;
  framesWithFace: number;
  /** Landmark reprojection error, in % of the inter-ocular distance. */
  medianErrorPct: number;
  p95ErrorPct: number;
  [key: string]: number;
}

export interface StoredFaceModel extends FaceModel {
  smoothing: number;
  controls: FaceControl[];
  /** Frame ranges without a usable face that were too long to interpolate. */
  gaps: FrameRange[];
  stats: TrackingStats;
}

export interface TrackedFrame {
  frame: number;
  flags: number;
  confidence: number;
  params: FrameParams;
  /** RMS landmark error in pixels (undefined where no landmarks were fitted). */
  fitError: number | undefined;
}

function floats(blob: Buffer): Float32Array {
  const copy = new Uint8Array(blob.byteLength);
  copy.set(blob);
  return new Float32Array(copy.buffer, 0, copy.byteLength / 4);
}

export function blob(array: Float32Array | Uint8Array): Buffer {
  return Buffer.from(array.buffer, array.byteOffset, array.byteLength);
}

interface BasisRow {
  version: number;
  active_count: number;
  components: Buffer;
  stddev: Buffer;
}

function basisFromRow(row: BasisRow): ExpressionBasis {
  return { version: row.version, activeCount: row.active_count, components: floats(row.components), stddev: floats(row.stddev) };
}

export function loadBasis(project: Project, version: number): ExpressionBasis | undefined {
  const row = project.db.prepare('SELECT version, active_count, components, stddev FROM expression_bases WHERE version = ?').get(version) as BasisRow | undefined;
  return row ? basisFromRow(row) : undefined;
}

export function latestBasis(project: Project): ExpressionBasis | undefined {
  const row = project.db.prepare('SELECT version, active_count, components, stddev FROM expression_bases ORDER BY version DESC LIMIT 1').get() as BasisRow | undefined;
  return row ? basisFromRow(row) : undefined;
}

export function saveBasis(project: Project, basis: ExpressionBasis, learnedFrom: number[]): void {
  if (basis.components.length !== EXPRESSION_DIM * VERTEX_COUNT * 3) throw new RangeError('an expression basis needs 64 × 468 × 3 values.');
  project.db
    .prepare('INSERT INTO expression_bases (version, active_count, components, stddev, learned_from, created_at) VALUES (?, ?, ?, ?, ?, ?)')
    .run(basis.version, basis.activeCount, blob(basis.components), blob(basis.stddev), JSON.stringify(learnedFrom), new Date().toISOString());
}

interface ModelRow {
  clip_id: number;
  basis_version: number;
  neutral_shape: Buffer;
  albedo: Buffer;
  eyeball_centres: Buffer;
  eyeball_radius: number;
  iris_radius: number;
  fx: number;
  fy: number;
  cx: number;
  cy: number;
  width: number;
  height: number;
  neutral_frame: number;
  neutral_frame_auto: number;
  smoothing: number;
  controls: string;
  gaps: string;
  stats: string;
}

/** The clip's face model with the expression basis version it uses, or undefined when not tracked. */
export function loadFaceModel(project: Project, clipId: number): StoredFaceModel | undefined {
  const row = project.db.prepare('SELECT * FROM face_models WHERE clip_id = ?').get(clipId) as ModelRow | undefined;
  if (!row) return undefined;
  const basis = loadBasis(project, row.basis_version);
  if (!basis) return undefined;
  const identity: FaceIdentity = {
    clipId: row.clip_id,
    basisVersion: row.basis_version,
    neutralShape: floats(row.neutral_shape),
    albedo: floats(row.albedo),
    eyeballCentres: floats(row.eyeball_centres),
    eyeballRadius: row.eyeball_radius,
    irisRadius: row.iris_radius,
    intrinsics: { fx: row.fx, fy: row.fy, cx: row.cx, cy: row.cy, width: row.width, height: row.height },
    neutralFrame: row.neutral_frame,
    neutralFrameAuto: row.neutral_frame_auto === 1,
  };
  return {
    identity,
    basis,
    smoothing: row.smoothing,
    controls: (JSON.parse(row.controls) as FaceControl[]).map((c) => ({ ...c, direction: c.direction ? Float32Array.from(c.direction) : undefined })),
    gaps: JSON.parse(row.gaps) as FrameRange[],
    stats: JSON.parse(row.stats) as TrackingStats,
  };
}

export function saveFaceModel(project: Project, model: StoredFaceModel): void {
  const id = model.identity;
  const controls = model.controls.map((c) => ({ ...c, direction: c.direction ? Array.from(c.direction) : undefined }));
  project.db
    .prepare(
      `INSERT INTO face_models (clip_id, basis_version, neutral_shape, albedo, eyeball_centres, eyeball_radius, iris_radius,
         fx, fy, cx, cy, width, height, neutral_frame, neutral_frame_auto, smoothing, controls, gaps, stats, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (clip_id) DO UPDATE SET basis_version = excluded.basis_version, neutral_shape = excluded.neutral_shape,
         albedo = excluded.albedo, eyeball_centres = excluded.eyeball_centres, eyeball_radius = excluded.eyeball_radius,
         iris_radius = excluded.iris_radius, fx = excluded.fx, fy = excluded.fy, cx = excluded.cx, cy = excluded.cy,
         width = excluded.width, height = excluded.height, neutral_frame = excluded.neutral_frame,
         neutral_frame_auto = excluded.neutral_frame_auto, smoothing = excluded.smoothing, controls = excluded.controls,
         gaps = excluded.gaps, stats = excluded.stats, updated_at = excluded.updated_at`,
    )
    .run(
      id.clipId, id.basisVersion, blob(id.neutralShape), blob(id.albedo), blob(id.eyeballCentres), id.eyeballRadius, id.irisRadius,
      id.intrinsics.fx, id.intrinsics.fy, id.intrinsics.cx, id.intrinsics.cy, id.intrinsics.width, id.intrinsics.height,
      id.neutralFrame, id.neutralFrameAuto ? 1 : 0, model.smoothing, JSON.stringify(controls), JSON.stringify(model.gaps),
      JSON.stringify(model.stats), new Date().toISOString(),
    );
}

interface FrameRow {
  frame: number;
  flags: number;
  confidence: number;
  raw: Buffer;
  smoothed: Buffer;
  fit_error: number | null;
}

export interface LoadFramesOptions {
  /** 'smoothed' (default) or 'raw' parameters. */
  which?: 'raw' | 'smoothed';
  /** Only these frames (every tracked frame by default). */
  range?: FrameRange;
}

/** Tracked frames of a clip in frame order. */
export function loadTrackedFrames(project: Project, clipId: number, options: LoadFramesOptions = {}): TrackedFrame[] {
  const rows = project.db
    .prepare('SELECT frame, flags, confidence, raw, smoothed, fit_error FROM face_frames WHERE clip_id = ? AND frame >= ? AND frame <= ? ORDER BY frame')
    .all(clipId, options.range?.first ?? 0, options.range?.last ?? Number.MAX_SAFE_INTEGER) as FrameRow[];
  return rows.map((row) => {
    const packed = floats(options.which === 'raw' ? row.raw : row.smoothed);
    if (packed.length !== PARAM_COUNT) throw new RangeError(`frame ${row.frame}: stored parameters have ${packed.length} values, expected ${PARAM_COUNT}.`);
    return { frame: row.frame, flags: row.flags, confidence: row.confidence, params: unpackParams(packed), fitError: row.fit_error ?? undefined };
  });
}

/** The 2D landmarks (478 × 2, image pixels) the fit of one frame used, if any. */
export function loadFrameLandmarks(project: Project, clipId: number, frame: number): Float32Array | undefined {
  const row = project.db.prepare('SELECT landmarks FROM face_frames WHERE clip_id = ? AND frame = ?').get(clipId, frame) as { landmarks: Buffer | null } | undefined;
  return row?.landmarks ? floats(row.landmarks) : undefined;
}
