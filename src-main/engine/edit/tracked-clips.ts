import { loadFaceModel, type StoredFaceModel } from '../face/store.js';
import type { Project } from '../project/project.js';
import type { ExpressionRig } from './expression-rig.js';
import { loadTrackedClip, targetRig, type TrackedClip } from './tracked-inputs.js';

/** A tracked clip with what is slow to build from it: its rig, and whatever its users derive once per tracking result. */
export interface TrackedEntry {
  clip: TrackedClip;
  rig: ExpressionRig;
  /** Values derived from the clip by its users, dropped with it when the clip is tracked again. */
  derived: Map<string, unknown>;
}

interface CacheEntry {
  stamp: string;
  model: StoredFaceModel | undefined;
  tracked?: TrackedEntry;
}

/** Changes whenever tracking writes the clip's model or frames (also from another process); undefined without a face model. */
function trackingStamp(project: Project, clipId: number): string | undefined {
  const hasTables = project.db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'face_models'").get();
  if (!hasTables) return undefined;
  const model = project.db.prepare('SELECT updated_at FROM face_models WHERE clip_id = ?').get(clipId) as { updated_at: string } | undefined;
  if (!model) return undefined;
  const frames = (project.db.prepare('SELECT COUNT(*) AS n FROM face_frames WHERE clip_id = ?').get(clipId) as { n: number }).n;
  return `${model.updated_at}:${frames}`;
}

/**
 * The face models and tracked clips of the open project, kept until tracking writes the clip
 * again: loading a model and building its rig takes a while, and the viewer and timeline ask
 * for them on every frame and edit. One instance per engine (EngineContext), cleared with the project.
 */
export class TrackedClips {
  private project: Project | undefined;
  private readonly entries = new Map<number, CacheEntry>();

  clear(): void {
    this.project = undefined;
    this.entries.clear();
  }

  private entry(project: Project, clipId: number): CacheEntry | undefined {
    if (this.project !== project) {
      this.clear();
      this.project = project;
    }
    const stamp = trackingStamp(project, clipId);
    if (stamp === undefined) {
      this.entries.delete(clipId);
      return undefined;
    }
    const cached = this.entries.get(clipId);
    if (cached?.stamp === stamp) return cached;
    const fresh: CacheEntry = { stamp, model: loadFaceModel(project, clipId) };
    this.entries.set(clipId, fresh);
    return fresh;
  }

  /** The clip's face model, or undefined before tracking. */
  faceModel(project: Project, clipId: number): StoredFaceModel | undefined {
    return this.entry(project, clipId)?.model;
  }

  /** The clip's tracked parameters and rig, or undefined while it has no tracked frame. */
  tracked(project: Project, clipId: number): TrackedEntry | undefined {
    const entry = this.entry(project, clipId);
    if (!entry?.model || entry.stamp.endsWith(':0')) return undefined;
    if (!entry.tracked) {
      const clip = loadTrackedClip(project, clipId);
      entry.tracked = { clip, rig: targetRig(clip), derived: new Map() };
    }
    return entry.tracked;
  }

  /** The tracked clip's parameters; for an untracked one, the error `loadTrackedClip` explains it with. */
  clip(project: Project, clipId: number): TrackedClip {
    return this.tracked(project, clipId)?.clip ?? loadTrackedClip(project, clipId);
  }
}
