import { realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import type { EventName } from '../api/events.js';
import type { ApiResult } from '../api/result.js';
import type { DirListing, ProjectInfo } from '../api/schemas.js';
import type { ProtectedFile } from '../engine/media/output-guard.js';
import { projectFileInputs } from '../engine/project/project-inputs.js';
import { DvpError, fromFsError } from '../shared/errors.js';
import { isInside, realPathOf } from '../shared/real-path.js';

/** The API's refusal of a path outside the allowed roots (a stable code for the UI). */
export const PATH_NOT_ALLOWED = 'PATH_NOT_ALLOWED';

export class PathNotAllowed extends Error {
  readonly code = PATH_NOT_ALLOWED;

  constructor(
    message: string,
    readonly file?: string,
  ) {
    super(message);
    this.name = 'PathNotAllowed';
  }
}

/** What a path is wanted for, in the refusal. */
export type PathUse = 'read' | 'write' | 'list';

const USE_TEXT: Record<PathUse, string> = { read: 'open', write: 'write', list: 'list' };

/** How a user allows another folder, said in every refusal. */
export const HOW_TO_ALLOW = 'to allow its folder, start `dvp serve` with `--root DIR` (repeatable), or in the app choose the file in a dialog';

/** What the roots need from the engine host: the open project and its clips, and when they change. */
export interface ProjectSource {
  call(method: string, params: unknown): Promise<ApiResult<unknown>>;
  onEvent(listener: (event: EventName, payload: unknown) => void): () => void;
  onProjectOpened(listener: (info: ProjectInfo) => void): () => void;
}

interface ProjectFiles {
  project: string | null;
  clips: Map<number, { path: string; role: string }>;
}

/**
 * The folders the API may reach (issue 15): the open project's folder (and those of projects
 * opened earlier in this session), the folders of its clips' media, and folders the user
 * allowed — `dvp serve --root DIR`, or a folder chosen in a native dialog. Every path the API
 * accepts or lists is checked by its real path (links resolved, for a file about to be
 * created its nearest existing folder), so a link inside a root cannot lead out of it. The
 * CLI is not sandboxed: it is the local user's own shell.
 */
export class AllowedRoots {
  private readonly added: string[] = [];
  private readonly projectDirs: string[] = [];
  private files: Promise<ProjectFiles> | null = null;

  constructor(
    private readonly source: ProjectSource,
    roots: readonly string[] = [],
  ) {
    for (const root of roots) this.add(root);
    source.onEvent((event) => {
      if (event === 'project.changed' || event === 'engine.status') this.files = null;
    });
    source.onProjectOpened((info) => {
      const dir = realDir(path.dirname(info.file));
      if (dir !== undefined && !this.projectDirs.includes(dir)) this.projectDirs.push(dir);
      this.files = null;
    });
  }

  /** Allows a folder (and everything under it); returns its real path. */
  add(dir: string): string {
    const absolute = path.resolve(dir);
    let real: string;
    try {
      real = realpathSync(absolute);
    } catch (error) {
      throw fromFsError(error, absolute, 'allow the folder');
    }
    if (!statSync(real).isDirectory()) throw new DvpError('INVALID_ARGUMENT', `${absolute} is not a folder; a root is a folder.`, { file: absolute });
    if (!this.added.includes(real)) this.added.push(real);
    return real;
  }

  /** Allows the folder of a file the user chose in a native dialog. */
  addFolderOf(file: string): string {
    return this.add(path.dirname(path.resolve(file)));
  }

  /** The roots now, real paths: the open project's folder first, then the added folders, earlier projects' folders, the media folders. */
  async list(): Promise<string[]> {
    const files = await this.projectFiles();
    const dirs: (string | undefined)[] = [files.project ? realDir(path.dirname(files.project)) : undefined, ...this.added, ...this.projectDirs];
    for (const clip of files.clips.values()) dirs.push(realDir(path.dirname(path.resolve(clip.path))));
    return [...new Set(dirs.filter((d): d is string => d !== undefined))];
  }

  /**
   * Checks a path the API was given and returns it absolute (what the caller should use from
   * then on). Throws PathNotAllowed when its real path is outside every root.
   */
  async check(file: string, use: PathUse): Promise<string> {
    if (file.split(/[\\/]/).includes('..')) {
      throw new PathNotAllowed(`${file}: a path with '..' in it is not accepted; give the full path.`, file);
    }
    const absolute = path.resolve(file);
    const real = realPathOf(absolute);
    const roots = await this.list();
    if (roots.some((root) => isInside(real, root))) return absolute;
    const leads = real === absolute ? '' : ` (it leads to ${real})`;
    const allowed = roots.length > 0 ? `the folders it may use are ${roots.join(', ')}` : 'no folder is allowed yet';
    throw new PathNotAllowed(`${absolute}${leads}: DVP Studio may not ${USE_TEXT[use]} files outside its folders (${allowed}); ${HOW_TO_ALLOW}.`, absolute);
  }

  /** Whether a path is inside a root (no throw). */
  async allows(file: string): Promise<boolean> {
    const roots = await this.list();
    const real = realPathOf(path.resolve(file));
    return roots.some((root) => isInside(real, root));
  }

  /** Checks the media of a clip of the open project before it is served; an unknown clip is left to the engine (not found). */
  async checkClip(clipId: number): Promise<void> {
    const clip = (await this.projectFiles()).clips.get(clipId);
    if (clip) await this.check(clip.path, 'read');
  }

  /** The open project's files and clip media, which no output may replace. */
  async projectInputs(): Promise<ProtectedFile[]> {
    const files = await this.projectFiles();
    const inputs = files.project ? projectFileInputs(files.project) : [];
    for (const [id, clip] of files.clips) inputs.push({ file: clip.path, what: `the ${clip.role} clip's media (clip ${id})` });
    return inputs;
  }

  /** A listing without what leads outside the roots (links), and without a parent above them. */
  async filterListing(listing: DirListing): Promise<DirListing> {
    const roots = await this.list();
    const inside = (file: string): boolean => {
      const real = realPathOf(file);
      return roots.some((root) => isInside(real, root));
    };
    return {
      ...listing,
      parent: listing.parent !== null && inside(listing.parent) ? listing.parent : null,
      entries: listing.entries.filter((entry) => inside(entry.path)),
      roots,
    };
  }

  private projectFiles(): Promise<ProjectFiles> {
    if (!this.files) {
      const loading: Promise<ProjectFiles> = this.load().then(
        (files) => {
          // A failed look-up (the engine restarting) is not kept.
          if (files === undefined && this.files === loading) this.files = null;
          return files ?? { project: null, clips: new Map() };
        },
        () => {
          if (this.files === loading) this.files = null;
          return { project: null, clips: new Map() };
        },
      );
      this.files = loading;
    }
    return this.files;
  }

  private async load(): Promise<ProjectFiles | undefined> {
    const info = await this.source.call('project.info', {});
    if (!info.ok) return undefined;
    const project = (info.value as ProjectInfo | null)?.file ?? null;
    const clips = new Map<number, { path: string; role: string }>();
    if (project !== null) {
      const list = await this.source.call('clip.list', {});
      if (!list.ok) return undefined;
      for (const clip of list.value as { id: number; path: string; role: string }[]) clips.set(clip.id, { path: clip.path, role: clip.role });
    }
    return { project, clips };
  }
}

function realDir(dir: string): string | undefined {
  try {
    return realpathSync(dir);
  } catch {
    return undefined;
  }
}
