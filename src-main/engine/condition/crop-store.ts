import { DvpError } from '../../shared/errors.js';
import type { FaceModel } from '../face/model.js';
import { poseMesh } from '../face/pose-mesh.js';
import { FrameFlag, type TrackedFrame } from '../face/store.js';
import type { Project } from '../project/project.js';
import { chooseShotCrop, DEFAULT_CROP_MARGIN, type Box, type ShotCrop, type ShotCropOptions } from './shot-crop.js';

/** A clip's shot crop as stored in the project (migration 0006). */
export interface StoredShotCrop extends ShotCrop {
  /** True when chosen from the tracking, false when set by the user. */
  auto: boolean;
  margin: number;
  /** For an automatic crop: the face model version (`face_models.updated_at`) it was chosen from. */
  trackedAt: string | null;
}

interface CropRow {
  x: number;
  y: number;
  size: number;
  auto: number;
  margin: number;
  tracked_at: string | null;
}

export function loadShotCrop(project: Project, clipId: number): StoredShotCrop | undefined {
  const row = project.db.prepare('SELECT x, y, size, auto, margin, tracked_at FROM shot_crops WHERE clip_id = ?').get(clipId) as CropRow | undefined;
  return row && { x: row.x, y: row.y, size: row.size, auto: row.auto === 1, margin: row.margin, trackedAt: row.tracked_at };
}

export function saveShotCrop(project: Project, clipId: number, crop: StoredShotCrop): void {
  project.db
    .prepare(
      `INSERT INTO shot_crops (clip_id, x, y, size, auto, margin, tracked_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (clip_id) DO UPDATE SET x = excluded.x, y = excluded.y, size = excluded.size, auto = excluded.auto,
         margin = excluded.margin, tracked_at = excluded.tracked_at, updated_at = excluded.updated_at`,
    )
    .run(clipId, crop.x, crop.y, crop.size, crop.auto ? 1 : 0, crop.margin, crop.trackedAt, new Date().toISOString());
}

/** When the clip's face model was last written by tracking (the version an automatic crop follows). */
export function faceModelVersion(project: Project, clipId: number): string | null {
  const row = project.db.prepare('SELECT updated_at FROM face_models WHERE clip_id = ?').get(clipId) as { updated_at: string } | undefined;
  return row?.updated_at ?? null;
}

/** True when the clip has no crop yet, or an automatic one chosen from older tracking. */
export function shotCropOutdated(project: Project, clipId: number): boolean {
  const stored = loadShotCrop(project, clipId);
  return !stored || (stored.auto && stored.trackedAt !== faceModelVersion(project, clipId));
}

/** Checks a user-chosen crop against the plate. */
export function validateCrop(crop: ShotCrop, plate: { width: number; height: number }): void {
  const { x, y, size } = crop;
  if (![x, y, size].every(Number.isInteger) || x < 0 || y < 0 || size < 1 || x + size > plate.width || y + size > plate.height) {
    throw new DvpError('INVALID_ARGUMENT', `The crop ${size}×${size} at (${x}, ${y}) does not lie inside the ${plate.width}×${plate.height} frame.`);
  }
}

/** Bounding box of the posed model in plate pixels per tracked frame; null where the frame has no usable face. */
export function trackedFaceBoxes(model: FaceModel, frames: readonly TrackedFrame[]): (Box | null)[] {
  return frames.map((frame) => {
    if (frame.flags & (FrameFlag.NoFace | FrameFlag.Corrupt)) return null;
    const { vertices } = poseMesh(model, frame.params);
    const box = { x0: Infinity, y0: Infinity, x1: -Infinity, y1: -Infinity };
    for (let o = 0; o < vertices.length; o += 3) {
      const x = vertices[o]!;
      const y = vertices[o + 1]!;
      if (x < box.x0) box.x0 = x;
      if (x > box.x1) box.x1 = x;
      if (y < box.y0) box.y0 = y;
      if (y > box.y1) box.y1 = y;
    }
    return box;
  });
}

/** Chooses the clip's crop from its tracked motion (see `chooseShotCrop`). */
export function cropFromTracking(model: FaceModel, frames: readonly TrackedFrame[], trackedAt: string | null, options: ShotCropOptions = {}): StoredShotCrop {
  const { width, height } = model.identity.intrinsics;
  const crop = chooseShotCrop(trackedFaceBoxes(model, frames), { width, height }, options);
  return { ...crop, auto: true, margin: options.margin ?? DEFAULT_CROP_MARGIN, trackedAt };
}
