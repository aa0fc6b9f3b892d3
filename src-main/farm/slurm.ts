/**
 * Slurm through its own commands (sbatch, squeue, scontrol, sacct, scancel): arguments as
 * arrays, never a shell string; a failing command's stderr is the error. The batch scripts
 * are generated into the job folder (render.sh, conform.sh, train.sh) so a TD can read them
 * and submitted with `sbatch --parsable`.
 */
import { spawn } from 'node:child_process';
import { chmodSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { DvpError, fromFsError } from '../shared/errors.js';
import { conformArgv, literalValues, renderArgv, type FarmJob } from './farm-job.js';

export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a Slurm command; a missing command is the environment's failure (exit 1), named. */
export function runSlurm(command: string, args: string[]): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') reject(new DvpError('FARM_FAILED', `${command} not found: Slurm's client commands must be on PATH (Debian: apt-get install slurm-client).`));
      else reject(new DvpError('FARM_FAILED', `${command} could not run: ${error.message}`, { cause: error }));
    });
    child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
  });
}

async function mustRun(command: string, args: string[]): Promise<string> {
  const result = await runSlurm(command, args);
  if (result.code !== 0) {
    const reason = result.stderr.trim() || result.stdout.trim() || `exit status ${result.code}`;
    throw new DvpError('FARM_FAILED', `${command} ${args.join(' ')} failed: ${reason}`);
  }
  return result.stdout;
}

/** `sbatch --parsable ARGS… SCRIPT`: the job id (`123` or `123;cluster`). */
export async function sbatch(args: string[], script: string): Promise<string> {
  const out = (await mustRun('sbatch', ['--parsable', ...args, script])).trim();
  const id = out.split(';')[0]!.trim();
  if (!/^\d+$/.test(id)) throw new DvpError('FARM_FAILED', `sbatch printed '${out}', not a job id.`);
  return id;
}

export async function scancel(ids: string[]): Promise<void> {
  if (ids.length > 0) await mustRun('scancel', ids);
}

/** One word for the POSIX shell: single-quoted, a quote inside as '\''. */
export function shellWord(word: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", "'\\''")}'`;
}

function script(lines: string[]): string {
  return `${['#!/bin/sh', ...lines].join('\n')}\n`;
}

function writeScript(file: string, text: string): string {
  try {
    writeFileSync(file, text);
    chmodSync(file, 0o755);
  } catch (error) {
    throw fromFsError(error, file, 'write a batch script');
  }
  return file;
}

/** The placeholder the render script passes as `--chunk`: the array task's id, which is the chunk index. */
export const SLURM_CHUNK = '$SLURM_ARRAY_TASK_ID';

/** A render argv as one shell line, the array task id left for the shell to expand. */
export function renderCommandLine(job: FarmJob): string {
  return renderArgv(job, literalValues(job), SLURM_CHUNK)
    .map((word) => (word === SLURM_CHUNK ? `"${SLURM_CHUNK}"` : shellWord(word)))
    .join(' ');
}

export function conformCommandLine(job: FarmJob): string {
  return conformArgv(job, literalValues(job)).map(shellWord).join(' ');
}

export interface SlurmScripts {
  render: string;
  conform: string;
}

export const RENDER_LOG = 'render-%A_%a.log';
export const CONFORM_LOG = 'conform-%j.log';
export const TRAIN_LOG = 'train-%j.log';

/** The log file and working folder as sbatch options (given on sbatch's command line: a path with a space cannot be an #SBATCH directive). */
export function locationArgs(jobDir: string, logsDir: string, log: string): string[] {
  return [`--output=${path.join(logsDir, log)}`, `--chdir=${jobDir}`];
}

/** The same as #SBATCH lines for a TD who runs the script by hand, where the paths allow it. */
function directives(job: FarmJob, log: string): string[] {
  const args = locationArgs(job.jobDir, job.logsDir, log);
  return args.every((arg) => !/\s/.test(arg)) ? args.map((arg) => `#SBATCH ${arg}`) : ['# (dvp farm passes --output and --chdir on the sbatch command line: the job folder has a space in its path.)'];
}

/** Writes render.sh (one array task per chunk) and conform.sh into the job folder. */
export function writeSlurmScripts(job: FarmJob): SlurmScripts {
  const header = (what: string): string[] => [
    `# DVP Studio farm job (dvp farm render): ${what}.`,
    `# Project ${job.project}, frozen as ${job.snapshot}; frames ${job.range.first}-${job.range.last} in ${job.chunks.length} chunk(s) -> ${job.out}.`,
    '# The job description is job.json beside this script.',
  ];
  const render = writeScript(
    path.join(job.jobDir, 'render.sh'),
    script([
      ...header('renders chunk $SLURM_ARRAY_TASK_ID into pieces/ (submitted as an array, one task per chunk)'),
      '#SBATCH --job-name=dvp-render',
      ...directives(job, 'render-%A_%a.log'),
      'set -eu',
      `exec ${renderCommandLine(job)}`,
    ]),
  );
  const conform = writeScript(
    path.join(job.jobDir, 'conform.sh'),
    script([
      ...header('joins the pieces into the output without re-encoding (after every render task succeeded)'),
      '#SBATCH --job-name=dvp-conform',
      ...directives(job, 'conform-%j.log'),
      'set -eu',
      `exec ${conformCommandLine(job)}`,
    ]),
  );
  return { render, conform };
}

export function commonArgs(job: FarmJob): string[] {
  const slurm = job.slurm;
  return [...(slurm?.partition ? [`--partition=${slurm.partition}`] : []), ...(slurm?.sbatchArgs ?? [])];
}

/** `0-3` or `1,4-5`: the array spec of these task ids. */
export function arraySpec(tasks: readonly number[]): string {
  const sorted = [...new Set(tasks)].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++;
    parts.push(i === j ? `${sorted[i]}` : `${sorted[i]}-${sorted[j]}`);
    i = j + 1;
  }
  return parts.join(',');
}

/** Submits the render array for `tasks` and a conform job that runs only after all of them succeeded. */
export async function submitRender(job: FarmJob, scripts: SlurmScripts, tasks: number[]): Promise<{ arrayJobId: string; conformJobId: string }> {
  const arrayJobId = await sbatch([`--array=${arraySpec(tasks)}`, ...locationArgs(job.jobDir, job.logsDir, RENDER_LOG), ...commonArgs(job)], scripts.render);
  let conformJobId: string;
  try {
    // kill-on-invalid-dep: a failed task cancels the conform instead of leaving it pending forever.
    conformJobId = await sbatch([`--dependency=afterok:${arrayJobId}`, '--kill-on-invalid-dep=yes', ...locationArgs(job.jobDir, job.logsDir, CONFORM_LOG), ...commonArgs(job)], scripts.conform);
  } catch (error) {
    await scancel([arrayJobId]).catch(() => undefined);
    throw error;
  }
  return { arrayJobId, conformJobId };
}

export interface JobState {
  state: string;
  exitCode?: string;
  reason?: string;
}

/** Parses `scontrol show job -o` / one-line records into `JobId → fields`. */
function parseScontrol(text: string): Record<string, string>[] {
  const records: Record<string, string>[] = [];
  for (const line of text.split('\n')) {
    if (!line.includes('JobId=')) continue;
    const fields: Record<string, string> = {};
    for (const match of line.matchAll(/(\w+)=(\S*)/g)) fields[match[1]!] ??= match[2]!;
    records.push(fields);
  }
  return records;
}

function expandTaskIds(text: string): number[] {
  const ids: number[] = [];
  for (const part of text.replace(/%\d+$/, '').split(',')) {
    const [a, b] = part.split('-').map(Number);
    if (a === undefined || Number.isNaN(a)) continue;
    for (let i = a; i <= (b ?? a); i++) ids.push(i);
  }
  return ids;
}

/**
 * What Slurm knows of a job (or array): per array task, or the job itself under key -1.
 * `scontrol` answers for jobs still in the controller's memory (MinJobAge after they end);
 * `sacct`, where accounting is on, for older ones.
 */
export async function jobStates(jobId: string): Promise<Map<number, JobState>> {
  const states = new Map<number, JobState>();
  const control = await runSlurm('scontrol', ['show', 'job', '-o', jobId]);
  if (control.code === 0) {
    for (const fields of parseScontrol(control.stdout)) {
      const state: JobState = { state: fields.JobState ?? 'UNKNOWN', ...(fields.ExitCode ? { exitCode: fields.ExitCode } : {}), ...(fields.Reason && fields.Reason !== 'None' ? { reason: fields.Reason } : {}) };
      if (fields.ArrayTaskId !== undefined) for (const task of expandTaskIds(fields.ArrayTaskId)) states.set(task, state);
      else states.set(-1, state);
    }
  }
  if (states.size > 0) return states;
  const accounting = await runSlurm('sacct', ['--noheader', '--parsable2', '-X', '--jobs', jobId, '--format=JobID,State,ExitCode']);
  if (accounting.code === 0) {
    for (const line of accounting.stdout.split('\n')) {
      const [id, state, exitCode] = line.trim().split('|');
      if (!id || !state) continue;
      const task = /_(\d+)$/.exec(id);
      const entry: JobState = { state: state.split(' ')[0]!, ...(exitCode ? { exitCode } : {}) };
      if (task) states.set(Number(task[1]), entry);
      else if (/_\[(.+)\]$/.test(id)) for (const t of expandTaskIds(/_\[(.+)\]$/.exec(id)![1]!)) states.set(t, entry);
      else states.set(-1, entry);
    }
  }
  return states;
}

/** Writes train.sh for `dvp train PROJECT ARGS…` (requeue-safe: training resumes from the project's latest checkpoint). */
export function writeTrainScript(jobDir: string, logsDir: string, project: string, argv: string[]): string {
  return writeScript(
    path.join(jobDir, 'train.sh'),
    script([
      `# DVP Studio farm training (dvp farm train) on ${project}.`,
      '# Training writes the project itself (checkpoints): it must be on storage this node sees, and only',
      '# one writer may run (a second one exits 1 naming the holder). A requeued job resumes from the latest checkpoint;',
      '# SIGTERM (preemption, scancel) saves a checkpoint first.',
      '#SBATCH --job-name=dvp-train',
      ...locationArgs(jobDir, logsDir, TRAIN_LOG).map((arg) => (/\s/.test(arg) ? `# sbatch ${arg} (on the command line)` : `#SBATCH ${arg}`)),
      'set -eu',
      `exec ${argv.map(shellWord).join(' ')}`,
    ]),
  );
}
