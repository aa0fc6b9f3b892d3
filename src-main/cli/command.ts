import type { ParseArgsConfig } from 'node:util';
import type { Progress } from '../shared/cancel.js';
import { Project } from '../engine/project/project.js';
import { DvpError } from '../shared/errors.js';

export type OptionSpec = NonNullable<ParseArgsConfig['options']>;

export interface CommandContext {
  positionals: string[];
  values: Record<string, string | boolean | (string | boolean)[] | undefined>;
  /** Aborted on SIGINT/SIGTERM: long commands stop cleanly and keep what they finished. */
  signal: AbortSignal;
  stdout: (line: string) => void;
  /** Progress on stderr, one rewritten line on a terminal, a line per update otherwise. */
  progress: (label: string, progress: Progress) => void;
}

export interface CliCommand {
  name: string;
  summary: string;
  /** Usage line after `dvp `, e.g. `import FILE.dvp VIDEO --role target|source`. */
  usage: string;
  options: OptionSpec;
  /** Lines `dvp help <command>` prints after the options: defaults, what happens on Ctrl-C. */
  details?: string[];
  run(context: CommandContext): Promise<void>;
}

/** Reads a required positional argument or fails with a usage error. */
export function positional(context: CommandContext, index: number, what: string): string {
  const value = context.positionals[index];
  if (value === undefined) throw new DvpError('INVALID_ARGUMENT', `missing ${what}.`);
  return value;
}

/** Reads a string option, or undefined when absent. */
export function stringOption(context: CommandContext, name: string): string | undefined {
  const value = context.values[name];
  return typeof value === 'string' ? value : undefined;
}

/**
 * Runs `work` on an open project, then closes it (WAL checkpoint, lock released whatever
 * happens). When `work` fails, that failure is the one reported, not a failure of closing.
 */
export async function closeAfter<T>(project: Project, work: () => Promise<T>): Promise<T> {
  let result: T;
  try {
    result = await work();
  } catch (error) {
    try {
      project.close();
    } catch {
      // The first failure is the one to report; close has released the lock regardless.
    }
    throw error;
  }
  project.close();
  return result;
}

/** Opens the project file, runs `work` on it and closes it (as `closeAfter`): the CLI's commands that read or edit a project. */
export function withProject<T>(file: string, options: { readonly?: boolean }, work: (project: Project) => Promise<T> | T): Promise<T> {
  const project = Project.open(file, options);
  return closeAfter(project, async () => work(project));
}
