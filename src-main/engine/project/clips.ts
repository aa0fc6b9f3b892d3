import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { DvpError } from '../../shared/errors.js';
import type { AudioStreamInfo, VideoInfo } from '../media/probe.js';
import type { Rational } from '../media/rational.js';
import { contentHash } from './content-hash.js';
import type { Project } from './project.js';

export type ClipRole = 'target' | 'source' | 'audio';
export const CLIP_ROLES: readonly ClipRole[] = ['target', 'source', 'audio'];

export interface Clip {
  id: number;
  name: string;
  role: ClipRole;
  path: string;
  contentHash: string;
  sizeBytes: number;
  width: number;
  height: number;
  frameCount: number;
  fps: Rational;
  durationSec: number;
  startTimecode: string | null;
  videoCodec: string;
  pixFmt: string;
  colorSpace: string | null;
  colorRange: string | null;
  audio: AudioStreamInfo[];
  importedAt: string;
}

interface ClipRow {
  id: number;
  name: string;
  role: ClipRole;
  path: string;
  content_hash: string;
  size_bytes: number;
  width: number;
  height: number;
  frame_count: number;
  fps_num: number;
  fps_den: number;
  duration_s: number;
  start_timecode: string | null;
  video_codec: string;
  pix_fmt: string;
  color_space: string | null;
  color_range: string | null;
  audio_json: string;
  imported_at: string;
}

function fromRow(row: ClipRow): Clip {
  return {
    id: row.id,
    name: row.name,
    role: row.role,
    path: row.path,
    contentHash: row.content_hash,
    sizeBytes: row.size_bytes,
    width: row.width,
    height: row.height,
    frameCount: row.frame_count,
    fps: { num: row.fps_num, den: row.fps_den },
    durationSec: row.duration_s,
    startTimecode: row.start_timecode,
    videoCodec: row.video_codec,
    pixFmt: row.pix_fmt,
    colorSpace: row.color_space,
    colorRange: row.color_range,
    audio: JSON.parse(row.audio_json) as AudioStreamInfo[],
    importedAt: row.imported_at,
  };
}

export function listClips(project: Project): Clip[] {
  return (project.db.prepare('SELECT * FROM clips ORDER BY id').all() as ClipRow[]).map(fromRow);
}

export function getClip(project: Project, id: number): Clip {
  const row = project.db.prepare('SELECT * FROM clips WHERE id = ?').get(id) as ClipRow | undefined;
  if (!row) throw new DvpError('NOT_FOUND', `${project.file}: there is no clip ${id} in this project.`, { file: project.file });
  return fromRow(row);
}

/** The clip's probe result as stored, for the frame reader (no ffprobe run). */
export function clipVideoInfo(clip: Clip): VideoInfo {
  return {
    path: clip.path,
    sizeBytes: clip.sizeBytes,
    width: clip.width,
    height: clip.height,
    frameCount: clip.frameCount,
    fps: clip.fps,
    durationSec: clip.durationSec,
    startTimecode: clip.startTimecode,
    codec: clip.videoCodec,
    pixFmt: clip.pixFmt,
    colorSpace: clip.colorSpace,
    colorRange: clip.colorRange,
    audio: clip.audio,
  };
}

/** Stores a probed clip. Paths are kept absolute; the content hash finds the file again if it moves. */
export function insertClip(project: Project, info: VideoInfo, role: ClipRole, hash: string, name = path.basename(info.path)): Clip {
  const result = project.db
    .prepare(
      `INSERT INTO clips (name, role, path, content_hash, size_bytes, width, height, frame_count, fps_num, fps_den,
         duration_s, start_timecode, video_codec, pix_fmt, color_space, color_range, audio_json, imported_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .run(
      name,
      role,
      path.resolve(info.path),
      hash,
      info.sizeBytes,
      info.width,
      info.height,
      info.frameCount,
      info.fps.num,
      info.fps.den,
      info.durationSec,
      info.startTimecode,
      info.codec,
      info.pixFmt,
      info.colorSpace,
      info.colorRange,
      JSON.stringify(info.audio),
      new Date().toISOString(),
    );
  return getClip(project, Number(result.lastInsertRowid));
}

export function findClipByHash(project: Project, hash: string): Clip | undefined {
  const row = project.db.prepare('SELECT * FROM clips WHERE content_hash = ? ORDER BY id LIMIT 1').get(hash) as ClipRow | undefined;
  return row ? fromRow(row) : undefined;
}

/**
 * Finds a clip's media: its stored path if the file there still has the same content,
 * else a file of the same name and content in the project's folder, the folders of the
 * other clips, or `searchDirs`. Updates the stored path when the clip was found elsewhere
 * (only for a writable project). Throws FILE_NOT_FOUND naming the missing file otherwise.
 */
export function resolveClipMedia(project: Project, clip: Clip, searchDirs: readonly string[] = []): Clip {
  const lookup = mediaLookups.get(project);
  if (!lookup) return locateClipMedia(project, clip, searchDirs);
  const known = lookup.found.get(clip.id);
  if (known !== undefined) return { ...clip, path: known };
  const mapped = mapMediaPath(clip.path, lookup.pathMap);
  const found = mapped !== clip.path && sameContent(mapped, clip) ? { ...clip, path: mapped } : locateClipMedia(project, clip, [...searchDirs, ...lookup.search]);
  lookup.found.set(clip.id, found.path);
  return found;
}

/**
 * Relinking in memory, for one open project (a read-only snapshot on a farm worker): a clip's
 * stored path is first rewritten by the first `pathMap` rule whose `from` prefix it starts with
 * (Deadline-style path mapping), and a clip missing there is looked up by content in `search`
 * as `dvp relink` does. Nothing is written to the project; the found paths are remembered
 * while it is open.
 */
export interface MediaLookup {
  search: readonly string[];
  pathMap: readonly { from: string; to: string }[];
}

const mediaLookups = new WeakMap<Project, MediaLookup & { found: Map<number, string> }>();

export function setMediaLookup(project: Project, lookup: MediaLookup): void {
  mediaLookups.set(project, { search: lookup.search.map((d) => path.resolve(d)), pathMap: lookup.pathMap, found: new Map() });
}

/** `file` with the first matching prefix rule applied (a prefix matches whole path components), or `file` itself. */
export function mapMediaPath(file: string, pathMap: readonly { from: string; to: string }[]): string {
  for (const { from, to } of pathMap) {
    const prefix = from.length > 1 ? from.replace(/[\\/]+$/, '') : from;
    if (file === prefix) return to;
    const rest = file.startsWith(prefix) ? file.slice(prefix.length) : undefined;
    if (rest !== undefined && (prefix.endsWith('/') || prefix.endsWith('\\') || rest.startsWith('/') || rest.startsWith('\\'))) {
      const tail = rest.replace(/^[\\/]+/, '').split(/[\\/]/);
      return path.join(to, ...tail);
    }
  }
  return file;
}

function locateClipMedia(project: Project, clip: Clip, searchDirs: readonly string[]): Clip {
  if (sameContent(clip.path, clip)) return clip;
  const dirs = new Set<string>([...searchDirs.map((d) => path.resolve(d)), project.directory]);
  for (const other of listClips(project)) dirs.add(path.dirname(other.path));
  const names = new Set([path.basename(clip.path), clip.name]);
  for (const dir of dirs) {
    for (const name of names) {
      const candidate = path.join(dir, name);
      if (sameContent(candidate, clip)) return relocate(project, clip, candidate);
    }
  }
  // Renamed as well as moved: any file of the same size and content in the search folders.
  for (const dir of searchDirs) {
    for (const entry of safeReaddir(dir)) {
      const candidate = path.join(path.resolve(dir), entry);
      if (sameContent(candidate, clip)) return relocate(project, clip, candidate);
    }
  }
  throw new DvpError(
    'FILE_NOT_FOUND',
    `${clip.path}: the media of clip ${clip.id} (${clip.name}) is missing or has changed.`,
    {
      file: clip.path,
      remedy: { cli: `run \`dvp relink ${project.file} --search FOLDER\` to find it.`, gui: 'Find the media and relink the clip to it.' },
    },
  );
}

function relocate(project: Project, clip: Clip, newPath: string): Clip {
  if (!project.readonly) project.db.prepare('UPDATE clips SET path = ? WHERE id = ?').run(newPath, clip.id);
  return { ...clip, path: newPath };
}

function sameContent(file: string, clip: Clip): boolean {
  try {
    if (!existsSync(file) || statSync(file).size !== clip.sizeBytes) return false;
    return contentHash(file) === clip.contentHash;
  } catch {
    return false;
  }
}

function safeReaddir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
