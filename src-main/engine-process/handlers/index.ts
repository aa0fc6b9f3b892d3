import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import type { z } from 'zod';
import type { MethodSpec, Methods, MethodsOn } from '../../api/methods.js';
import type { Clip as ApiClip } from '../../api/schemas.js';
import { encodePng } from '../../engine/media/png.js';
import { clipVideoInfo, getClip, listClips, type Clip } from '../../engine/project/clips.js';
import { importClip } from '../../engine/project/import-clip.js';
import { Project } from '../../engine/project/project.js';
import type { InternalMethods } from '../../host/engine-internal.js';
import { projectInfo, type EngineContext } from '../engine-context.js';
import { pipelineHandlers } from './pipeline.js';
import { editHandlers } from './edit.js';
import { farmHandlers } from './farm.js';
import { healthHandlers } from './health.js';

type EngineSpecs = Pick<Methods, MethodsOn<'engine'>> & InternalMethods;
type Handler<S extends MethodSpec> = (params: z.infer<S['params']>, engine: EngineContext) => Promise<z.infer<S['result']>> | z.infer<S['result']>;
export type EngineMethodName = keyof EngineSpecs;

/** Every engine-side method. Adding a method to the API without a handler here does not compile. */
export const engineHandlers: { [M in EngineMethodName]: Handler<EngineSpecs[M]> } = {
  ...pipelineHandlers,
  ...editHandlers,
  ...farmHandlers,
  ...healthHandlers,

  'project.new': ({ file }, engine) => {
    const target = path.extname(file) === '' ? `${file}.dvp` : file;
    engine.setProject(Project.create(path.resolve(target)));
    return projectInfo(engine.requireProject());
  },

  'project.open': ({ file, readonly }, engine) => {
    const absolute = path.resolve(file);
    if (engine.project?.file === absolute && engine.project.readonly === (readonly ?? false)) return projectInfo(engine.project);
    // The same file in another mode: release our own write lock before reopening.
    if (engine.project?.file === absolute) engine.setProject(null);
    engine.setProject(Project.open(absolute, { readonly: readonly ?? false }));
    return projectInfo(engine.requireProject());
  },

  'project.close': (_params, engine) => {
    if (engine.project) engine.setProject(null);
    return null;
  },

  'project.info': (_params, engine) => (engine.project ? projectInfo(engine.project) : null),

  'clip.import': async ({ file, role, name }, engine) => {
    const project = engine.requireWritableProject();
    const { clip, created } = await importClip(project, file, role);
    let stored = clip;
    if (created && name !== undefined) {
      project.db.prepare('UPDATE clips SET name = ? WHERE id = ?').run(name, clip.id);
      stored = getClip(project, clip.id);
    }
    engine.projectChanged();
    return toApiClip(stored, project);
  },

  'clip.list': (_params, engine) => {
    const project = engine.requireProject();
    return listClips(project).map((clip) => toApiClip(clip, project));
  },

  'media.frame': async ({ clipId, index, format }, engine) => {
    const clip = getClip(engine.requireProject(), clipId);
    const frame = await engine.frames.get(`${clip.id}:${clip.path}`, clipVideoInfo(clip), index);
    if (format === 'png') {
      const png = encodePng({ width: frame.width, height: frame.height, channels: 3, data: frame.data });
      return { width: frame.width, height: frame.height, contentType: 'image/png', bytes: new Uint8Array(png.buffer, png.byteOffset, png.byteLength) };
    }
    return { width: frame.width, height: frame.height, contentType: 'application/octet-stream', bytes: frame.data };
  },
};

function toApiClip(clip: Clip, project: Project): ApiClip {
  return {
    id: clip.id,
    name: clip.name,
    role: clip.role,
    path: clip.path,
    online: isOnline(clip),
    width: clip.width,
    height: clip.height,
    frameCount: clip.frameCount,
    fps: clip.fps,
    durationSec: clip.durationSec,
    startTimecode: clip.startTimecode,
    audio: clip.audio,
    status: clipStatus(project, clip.id),
  };
}

/** Counts from the tracking and training tables (each counted only once its migration exists). */
function clipStatus(project: Project, clipId: number): ApiClip['status'] {
  const tables = new Set(
    (project.db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]).map((row) => row.name),
  );
  const count = (table: string, sql: string): number =>
    tables.has(table) ? (project.db.prepare(sql).get(clipId) as { n: number }).n : 0;
  return {
    trackedFrames: count('face_frames', 'SELECT COUNT(*) AS n FROM face_frames WHERE clip_id = ?'),
    models: count('models', 'SELECT COUNT(*) AS n FROM models WHERE clip_id = ?'),
    checkpoints: tables.has('models')
      ? count('checkpoints', 'SELECT COUNT(*) AS n FROM checkpoints c JOIN models m ON m.id = c.model_id WHERE m.clip_id = ?')
      : 0,
  };
}

/** A cheap check (existence and size); the content hash is verified when the media is relinked. */
function isOnline(clip: Clip): boolean {
  try {
    return existsSync(clip.path) && statSync(clip.path).size === clip.sizeBytes;
  } catch {
    return false;
  }
}
