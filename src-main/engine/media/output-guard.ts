import { lstatSync, statSync, type Stats } from 'node:fs';
import path from 'node:path';
import { DvpError } from '../../shared/errors.js';
import { realPathOf, samePath } from '../../shared/real-path.js';
import { checkOutputWritable } from './output-writable.js';

/** A file an output must never replace, and how a refusal names it ("the target clip's media (clip 1)"). */
export interface ProtectedFile {
  file: string;
  what: string;
}

/** What an output may replace. Every encoder checks its output with `checkOutputPath` (through `OutputFile`). */
export interface OutputPolicy {
  /** Replace an existing file at the output path (the user agreed to lose it). */
  overwrite?: boolean;
  /** The job's inputs: the project's clips and files, a transcode's source, an audio file… */
  protect?: readonly ProtectedFile[];
  /** How to allow replacing an existing file, for the refusal; `pass --overwrite to replace it` by default. */
  overwriteHint?: string;
}

export const CLI_OVERWRITE_HINT = 'pass --overwrite to replace it';
export const API_OVERWRITE_HINT = 'confirm replacing it (overwrite: true in the job)';

/** Where a path leads: its real path (links resolved, as far as it exists) and, when the file exists, its device and inode. */
interface FileIdentity {
  real: string;
  stats: Stats | undefined;
}

function identify(file: string): FileIdentity {
  const absolute = path.resolve(file);
  let stats: Stats | undefined;
  try {
    stats = statSync(absolute);
  } catch {
    stats = undefined;
  }
  return { real: realPathOf(absolute), stats };
}

/** True when the two lead to the same file: the same inode where both exist (hard links too), else the same real path. */
function sameFile(a: FileIdentity, b: FileIdentity): boolean {
  if (a.stats && b.stats) return a.stats.dev === b.stats.dev && a.stats.ino === b.stats.ino;
  return samePath(a.real, b.real);
}

/** The protected file `out` would replace, if any. */
export function protectedTarget(out: string, protect: readonly ProtectedFile[]): ProtectedFile | undefined {
  if (protect.length === 0) return undefined;
  const target = identify(out);
  return protect.find((p) => sameFile(target, identify(p.file)));
}

/**
 * The one check before any output is written: its folder can take a new file, it never
 * replaces one of its inputs (a clip's media, the project file, a transcode's source — links,
 * hard links included), and never an existing file unless the user agreed (`overwrite`). Throws a DvpError (exit 1) saying which.
 */
export function checkOutputPath(out: string, policy: OutputPolicy = {}): void {
  const hit = protectedTarget(out, policy.protect ?? []);
  if (hit) throw new DvpError('OUTPUT_IS_INPUT', `${out}: refusing to overwrite ${hit.what}; choose another output path.`, { file: out });
  checkOutputWritable(out);
  let existing: Stats | undefined;
  try {
    existing = lstatSync(path.resolve(out));
  } catch {
    existing = undefined;
  }
  if (!existing) return;
  if (existing.isDirectory()) throw new DvpError('OUTPUT_UNWRITABLE', `${out} is a folder; give a file name for the output.`, { file: out });
  if (!policy.overwrite) throw new DvpError('OUTPUT_EXISTS', `${out} already exists; ${policy.overwriteHint ?? CLI_OVERWRITE_HINT}.`, { file: out });
}
