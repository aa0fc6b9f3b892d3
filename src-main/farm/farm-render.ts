/**
 * The workflows behind `dvp farm render|status|cancel|resubmit|train|export` (the CLI in
 * src-main/cli/commands/farm.ts only parses and prints).
 */
import { existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { snapshotProject } from '../engine/project/snapshot.js';
import { DvpError, fromFsError } from '../shared/errors.js';
import { defaultLauncher, describeJob, JOB_FILE, LOGS_DIR, piecePath, readJob, writeJob, type FarmJob, type NewFarmJob } from './farm-job.js';
import { writeOpenJdBundle } from './openjd.js';
import { commonArgs, CONFORM_LOG, jobStates, locationArgs, RENDER_LOG, runSlurm, sbatch, submitRender, TRAIN_LOG, writeSlurmScripts, writeTrainScript, type JobState } from './slurm.js';

function makeDirs(...dirs: string[]): void {
  for (const dir of dirs) {
    try {
      mkdirSync(dir, { recursive: true });
    } catch (error) {
      throw fromFsError(error, dir, 'create the farm job folder');
    }
  }
}

/** Creates the job folder (project snapshot, pieces/, logs/) for a new job; refuses to reuse one without `overwrite`. */
export function prepareJob(spec: NewFarmJob): { job: FarmJob; created: boolean } {
  const job = describeJob(spec);
  if (existsSync(job.out) && !job.overwrite) throw new DvpError('OUTPUT_EXISTS', `${job.out} already exists; pass --overwrite to replace it.`, { file: job.out });
  if (existsSync(path.join(job.jobDir, JOB_FILE)) && !job.overwrite) {
    throw new DvpError('OUTPUT_EXISTS', `${job.jobDir} already holds a farm job; follow it with dvp farm status, or pass --overwrite to start over.`, { file: job.jobDir });
  }
  if (!existsSync(job.project)) throw new DvpError('FILE_NOT_FOUND', `${spec.project}: no such project file.`, { file: job.project });
  if (job.overwrite) rmSync(job.piecesDir, { recursive: true, force: true });
  const created = !existsSync(job.jobDir);
  makeDirs(job.jobDir, job.piecesDir, job.logsDir);
  try {
    snapshotProject(job.project, job.snapshot, { overwrite: job.overwrite });
  } catch (error) {
    // Nothing half-made is left behind: a job folder this call created goes again.
    if (created) rmSync(job.jobDir, { recursive: true, force: true });
    throw error;
  }
  return { job, created };
}

export interface SlurmOptions {
  partition?: string;
  sbatchArgs: string[];
}

/** `dvp farm render … --slurm`: snapshot, scripts, the render array and the conform job after it. */
export async function farmRenderSlurm(spec: NewFarmJob, slurm: SlurmOptions): Promise<FarmJob> {
  const { job, created } = prepareJob(spec);
  job.slurm = { ...(slurm.partition ? { partition: slurm.partition } : {}), sbatchArgs: slurm.sbatchArgs, submissions: [] };
  const tasks = job.chunks.map((chunk) => chunk.index);
  let ids: { arrayJobId: string; conformJobId: string };
  try {
    ids = await submitRender(job, writeSlurmScripts(job), tasks);
  } catch (error) {
    // Slurm refused (no sbatch, a bad partition…): nothing was submitted, so nothing of the job is kept.
    if (created) rmSync(job.jobDir, { recursive: true, force: true });
    throw error;
  }
  job.slurm.submissions.push({ ...ids, tasks, submittedAt: new Date().toISOString() });
  writeJob(job);
  return job;
}

/** `dvp farm export --openjd DIR`: the job folder is DIR (snapshot, pieces/), with template.json for `deadline bundle submit DIR`. */
export function farmExportOpenJd(spec: NewFarmJob, dir: string): { job: FarmJob; template: string } {
  const { job } = prepareJob({ ...spec, jobDir: dir });
  writeJob(job);
  return { job, template: writeOpenJdBundle(job, job.jobDir) };
}

const ACTIVE = new Set(['PENDING', 'RUNNING', 'CONFIGURING', 'COMPLETING', 'REQUEUED', 'RESIZING', 'SUSPENDED']);

/** A Slurm state in which the job may still run (it has not ended). */
export function isActiveState(state: string): boolean {
  return ACTIVE.has(state);
}

export interface ChunkStatus {
  index: number;
  first: number;
  last: number;
  /** The Slurm job id of the task that last ran (or runs) this chunk: ARRAY_TASK. */
  task: string | null;
  state: string;
  exitCode?: string;
  reason?: string;
  piece: { file: string; bytes: number } | null;
}

export interface FarmStatus {
  jobDir: string;
  out: string;
  chunks: ChunkStatus[];
  conform: { jobId: string | null; state: string; exitCode?: string; reason?: string };
  output: { file: string; bytes: number } | null;
}

function fileInfo(file: string): { file: string; bytes: number } | null {
  try {
    return { file, bytes: statSync(file).size };
  } catch {
    return null;
  }
}

/** Per chunk (the latest submission that ran it), the conform job's state, the pieces and the output on disk. */
export async function farmStatus(where: string): Promise<FarmStatus> {
  const job = readJob(where);
  const submissions = job.slurm?.submissions ?? [];
  const states = new Map<string, Map<number, JobState>>();
  const statesOf = async (id: string): Promise<Map<number, JobState>> => {
    let known = states.get(id);
    if (!known) {
      known = await jobStates(id);
      states.set(id, known);
    }
    return known;
  };
  const chunks: ChunkStatus[] = [];
  for (const chunk of job.chunks) {
    const submission = [...submissions].reverse().find((s) => s.tasks.includes(chunk.index));
    const state = submission ? (await statesOf(submission.arrayJobId)).get(chunk.index) : undefined;
    chunks.push({
      ...chunk,
      task: submission ? `${submission.arrayJobId}_${chunk.index}` : null,
      state: state?.state ?? (submission ? 'UNKNOWN' : 'NOT_SUBMITTED'),
      ...(state?.exitCode ? { exitCode: state.exitCode } : {}),
      ...(state?.reason ? { reason: state.reason } : {}),
      piece: fileInfo(piecePath(job, chunk.index)),
    });
  }
  const latest = submissions[submissions.length - 1];
  const conformState = latest ? (await statesOf(latest.conformJobId)).get(-1) : undefined;
  return {
    jobDir: job.jobDir,
    out: job.out,
    chunks,
    conform: { jobId: latest?.conformJobId ?? null, state: conformState?.state ?? (latest ? 'UNKNOWN' : 'NOT_SUBMITTED'), ...(conformState?.exitCode ? { exitCode: conformState.exitCode } : {}), ...(conformState?.reason ? { reason: conformState.reason } : {}) },
    output: fileInfo(job.out),
  };
}

/** Cancels every render array and conform job of the job that Slurm still runs or holds. */
export async function farmCancel(where: string): Promise<string[]> {
  const job = readJob(where);
  const ids = (job.slurm?.submissions ?? []).flatMap((s) => [s.conformJobId, s.arrayJobId]);
  const cancelled: string[] = [];
  for (const id of ids) {
    const states = await jobStates(id);
    if (![...states.values()].some((s) => ACTIVE.has(s.state))) continue;
    const result = await runSlurm('scancel', [id]);
    if (result.code !== 0 && !/already completing or completed|Invalid job id/i.test(result.stderr)) {
      throw new DvpError('FARM_FAILED', `scancel ${id} failed: ${result.stderr.trim() || `exit status ${result.code}`}`);
    }
    cancelled.push(id);
  }
  return cancelled;
}

/** Resubmits the given chunks as a new array and a new conform job after them (and after the earlier array's tasks still running). */
export async function farmResubmit(where: string, chunkIndices: number[], options: { overwrite?: boolean } = {}): Promise<{ job: FarmJob; arrayJobId: string; conformJobId: string }> {
  const job = readJob(where);
  if (!job.slurm) throw new DvpError('INVALID_ARGUMENT', `${job.jobDir} was not submitted to Slurm (dvp farm render --slurm); nothing to resubmit.`);
  for (const index of chunkIndices) {
    if (!job.chunks.some((chunk) => chunk.index === index)) throw new DvpError('INVALID_ARGUMENT', `--chunk ${index}: the job has chunks ${job.chunks[0]!.index}-${job.chunks[job.chunks.length - 1]!.index}.`);
  }
  if (options.overwrite) job.overwrite = true;
  if (existsSync(job.out) && !job.overwrite) throw new DvpError('OUTPUT_EXISTS', `${job.out} already exists; pass --overwrite to let the new conform replace it.`, { file: job.out });
  // Earlier conform jobs still waiting would conform without the resubmitted chunks' new pieces.
  const after: string[] = [];
  for (const submission of job.slurm.submissions) {
    const conform = (await jobStates(submission.conformJobId)).get(-1);
    if (conform && ACTIVE.has(conform.state)) await runSlurm('scancel', [submission.conformJobId]);
    const tasks = await jobStates(submission.arrayJobId);
    const running = [...tasks.entries()].some(([task, state]) => !chunkIndices.includes(task) && ACTIVE.has(state.state));
    if (running) after.push(submission.arrayJobId);
  }
  const scripts = writeSlurmScripts(job);
  const common = commonArgs(job);
  const arrayJobId = await sbatch([`--array=${chunkIndices.join(',')}`, ...locationArgs(job.jobDir, job.logsDir, RENDER_LOG), ...common], scripts.render);
  const dependency = [`afterok:${arrayJobId}`, ...after.map((id) => `afterany:${id}`)].join(',');
  const conformJobId = await sbatch([`--dependency=${dependency}`, '--kill-on-invalid-dep=yes', ...locationArgs(job.jobDir, job.logsDir, CONFORM_LOG), ...common], scripts.conform);
  job.slurm.submissions.push({ arrayJobId, conformJobId, tasks: chunkIndices, submittedAt: new Date().toISOString() });
  writeJob(job);
  return { job, arrayJobId, conformJobId };
}

export interface TrainSubmission {
  jobDir: string;
  script: string;
  jobId: string;
}

/**
 * `dvp farm train`: `dvp train PROJECT …` as a requeueable Slurm job. Training writes the real
 * project (checkpoints), so it runs on the project itself, not a snapshot.
 */
export async function farmTrainSlurm(project: string, trainArgs: string[], slurm: SlurmOptions & { gres?: string }): Promise<TrainSubmission> {
  const file = path.resolve(project);
  if (!existsSync(file)) throw new DvpError('FILE_NOT_FOUND', `${project}: no such project file.`, { file });
  const jobDir = `${file}.train.farm`;
  const logsDir = path.join(jobDir, LOGS_DIR);
  makeDirs(jobDir, logsDir);
  const argv = [...defaultLauncher(), 'train', file, ...trainArgs];
  const script = writeTrainScript(jobDir, logsDir, file, argv);
  const jobId = await sbatch(
    ['--requeue', ...locationArgs(jobDir, logsDir, TRAIN_LOG), ...(slurm.gres ? [`--gres=${slurm.gres}`] : []), ...(slurm.partition ? [`--partition=${slurm.partition}`] : []), ...slurm.sbatchArgs],
    script,
  );
  return { jobDir, script, jobId };
}
