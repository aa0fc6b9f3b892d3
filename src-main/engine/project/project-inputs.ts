import type { ProtectedFile } from '../media/output-guard.js';
import { listClips } from './clips.js';
import type { Project } from './project.js';

/** SQLite's and the writer lock's companions of a project file. */
export const PROJECT_COMPANIONS = ['-wal', '-shm', '-journal', '.lock'] as const;

/** The project file and its companions, which no output may replace. */
export function projectFileInputs(file: string): ProtectedFile[] {
  return [{ file, what: 'the project file' }, ...PROJECT_COMPANIONS.map((suffix) => ({ file: `${file}${suffix}`, what: `the project file's ${suffix.replace(/^[-.]/, '')} file` }))];
}

/** Every file of a project an output must never replace: the project file and the media of each clip. */
export function projectInputs(project: Project): ProtectedFile[] {
  return [...projectFileInputs(project.file), ...listClips(project).map((clip) => ({ file: clip.path, what: `the ${clip.role} clip's media (clip ${clip.id})` }))];
}
