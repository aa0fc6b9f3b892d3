import path from 'node:path';
import type { EventName, PayloadOf } from '../api/events.js';
import type { ProjectInfo } from '../api/schemas.js';
import { schemaVersion } from '../engine/project/migrate.js';
import type { Project } from '../engine/project/project.js';
import { TrackedClips } from '../engine/edit/tracked-clips.js';
import { DvpError } from '../shared/errors.js';
import { FrameCache } from './frame-cache.js';
import { OpenRender } from './open-render.js';

/** What the engine holds between requests: the open project and what is cached from it (decoded frames, tracked clips, the open render). */
export class EngineContext {
  private current: Project | null = null;
  readonly frames = new FrameCache();
  /** Face models and tracked clips of the open project, reloaded when tracking rewrites them. */
  readonly trackedClips = new TrackedClips();
  /** The render the viewer's synthesized frames come from, kept open between frames. */
  readonly openRender = new OpenRender();

  constructor(private readonly emitEvent: <E extends EventName>(event: E, payload: PayloadOf<E>) => void) {}

  get project(): Project | null {
    return this.current;
  }

  requireProject(): Project {
    if (!this.current) throw new DvpError('NO_PROJECT', 'No project is open.', { remedy: { cli: 'name the project file (FILE.dvp).', gui: 'Open or create a project first.' } });
    return this.current;
  }

  requireWritableProject(): Project {
    const project = this.requireProject();
    project.requireWritable('be changed');
    return project;
  }

  /** Replaces the open project (closing the previous one first) and tells every UI. */
  setProject(project: Project | null): void {
    if (this.current && this.current !== project) this.current.close();
    this.current = project;
    this.frames.clear();
    this.trackedClips.clear();
    this.openRender.close();
    this.projectChanged();
  }

  projectChanged(): void {
    this.emit('project.changed', this.current ? projectInfo(this.current) : null);
  }

  emit<E extends EventName>(event: E, payload: PayloadOf<E>): void {
    this.emitEvent(event, payload);
  }

  close(): void {
    this.openRender.close();
    this.current?.close();
    this.current = null;
  }
}

export function projectInfo(project: Project): ProjectInfo {
  const clipCount = (project.db.prepare('SELECT COUNT(*) AS n FROM clips').get() as { n: number }).n;
  return {
    file: project.file,
    name: path.basename(project.file, path.extname(project.file)),
    schemaVersion: schemaVersion(project.db),
    createdAt: project.meta('created_at') ?? null,
    clipCount,
    readonly: project.readonly,
  };
}
