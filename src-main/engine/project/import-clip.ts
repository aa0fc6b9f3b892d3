import path from 'node:path';
import { DvpError } from '../../shared/errors.js';
import { probeVideo } from '../media/probe.js';
import { findClipByHash, insertClip, type Clip, type ClipRole } from './clips.js';
import { contentHash } from './content-hash.js';
import type { Project } from './project.js';

export interface ImportResult {
  clip: Clip;
  /** False when the same media was already in the project (the existing clip is returned). */
  created: boolean;
}

/**
 * Probes and hashes the video before the project is touched, then records it in one
 * transaction: a bad video or a killed process leaves the project as it was.
 */
export async function importClip(project: Project, video: string, role: ClipRole, options: { signal?: AbortSignal } = {}): Promise<ImportResult> {
  const absolute = path.resolve(video);
  const info = await probeVideo(absolute, options);
  const hash = contentHash(absolute);
  if (options.signal?.aborted) throw new DvpError('CANCELLED', `Importing ${video} was cancelled.`, { file: video });
  return project.transaction(() => {
    const existing = findClipByHash(project, hash);
    if (existing) {
      if (existing.role !== role) {
        throw new DvpError('INVALID_ARGUMENT', `${video}: this media is already in the project as clip ${existing.id} with role '${existing.role}'.`, { file: video });
      }
      return { clip: existing, created: false };
    }
    return { clip: insertClip(project, info, role, hash), created: true };
  });
}
