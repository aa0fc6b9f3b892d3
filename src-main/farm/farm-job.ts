/**
 * One farm render, described once: where its frozen project, pieces and logs live (the job
 * folder, `OUT.farm/`), which chunks it has, and the exact argv of each render task and of the
 * conform task. The Slurm batch scripts (slurm.ts) and the Open Job Description template
 * (openjd.ts) are both generated from these argv, so the two farms run the same commands.
 */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chunkFileName, planChunks, type ChunkSpec, type RenderChunk } from '../engine/render/chunk-plan.js';
import { DvpError, fromFsError } from '../shared/errors.js';

export const JOB_FILE = 'job.json';
export const SNAPSHOT_FILE = 'project.dvp';
export const PIECES_DIR = 'pieces';
export const LOGS_DIR = 'logs';

/** A Slurm submission this job made (the first one, and each resubmission). */
export interface SlurmSubmission {
  /** The render array's job id. */
  arrayJobId: string;
  /** The array's task ids (chunk indices) this submission ran. */
  tasks: number[];
  conformJobId: string;
  submittedAt: string;
}

export interface FarmJob {
  version: 1;
  /** The project the snapshot was frozen from (never written by the farm). */
  project: string;
  jobDir: string;
  snapshot: string;
  piecesDir: string;
  logsDir: string;
  /** The conformed output file. */
  out: string;
  range: { first: number; last: number };
  split: ChunkSpec;
  chunks: RenderChunk[];
  search: string[];
  pathMap: string[];
  /** The conform may replace an existing `out`. */
  overwrite: boolean;
  /** The target clip (`--shot`); absent: the project's only target. */
  shot?: number;
  /** The pieces' and the output's ProRes flavour (`--format`); absent: prores-hq. */
  format?: 'prores-hq' | 'prores-4444';
  /** The conform's `--audio` (target, source, none or an absolute file); absent: target. */
  audio?: string;
  /** How a worker starts dvp: the Node binary and bin/dvp.js (absolute). */
  launcher: string[];
  slurm?: { partition?: string; sbatchArgs: string[]; submissions: SlurmSubmission[] };
}

/** `node /abs/path/bin/dvp.js`: this installation's dvp, as a worker on shared storage runs it. */
export function defaultLauncher(): string[] {
  // From the build this file is dist/src-main/farm/; from the sources (tsx), src-main/farm/.
  const here = path.dirname(fileURLToPath(import.meta.url));
  const root = path.basename(path.resolve(here, '..', '..')) === 'dist' ? path.resolve(here, '..', '..', '..') : path.resolve(here, '..', '..');
  return [process.execPath, path.join(root, 'bin', 'dvp.js')];
}

export interface NewFarmJob {
  project: string;
  out: string;
  range: { first: number; last: number };
  split: ChunkSpec;
  search?: string[];
  pathMap?: string[];
  overwrite?: boolean;
  shot?: number;
  format?: 'prores-hq' | 'prores-4444';
  audio?: string;
  /** Default `OUT.farm` beside the output. */
  jobDir?: string;
  launcher?: string[];
}

export function defaultJobDir(out: string): string {
  return `${path.resolve(out)}.farm`;
}

export function describeJob(spec: NewFarmJob): FarmJob {
  const jobDir = path.resolve(spec.jobDir ?? defaultJobDir(spec.out));
  for (const map of spec.pathMap ?? []) {
    if (!/^[^=]+=[^=]*$/.test(map)) throw new DvpError('INVALID_ARGUMENT', `--path-map must look like FROM=TO (got '${map}').`);
  }
  return {
    version: 1,
    project: path.resolve(spec.project),
    jobDir,
    snapshot: path.join(jobDir, SNAPSHOT_FILE),
    piecesDir: path.join(jobDir, PIECES_DIR),
    logsDir: path.join(jobDir, LOGS_DIR),
    out: path.resolve(spec.out),
    range: { ...spec.range },
    split: spec.split,
    chunks: planChunks(spec.range, spec.split),
    search: (spec.search ?? []).map((dir) => path.resolve(dir)),
    pathMap: [...(spec.pathMap ?? [])],
    overwrite: spec.overwrite === true,
    ...(spec.shot !== undefined ? { shot: spec.shot } : {}),
    ...(spec.format !== undefined ? { format: spec.format } : {}),
    ...(spec.audio !== undefined ? { audio: spec.audio } : {}),
    launcher: spec.launcher ?? defaultLauncher(),
  };
}

/** The values a command line names; Slurm fills them with this job's paths, OpenJD with `{{Param.…}}`. */
export interface ArgvValues {
  node: string;
  dvp: string;
  snapshot: string;
  pieces: string;
  out: string;
}

export function literalValues(job: FarmJob): ArgvValues {
  const [node, dvp] = job.launcher;
  if (node === undefined || dvp === undefined) throw new DvpError('INVALID_ARGUMENT', `${job.jobDir}/${JOB_FILE}: launcher must name node and bin/dvp.js.`);
  return { node, dvp, snapshot: job.snapshot, pieces: job.piecesDir, out: job.out };
}

function splitArgs(split: ChunkSpec): string[] {
  return 'chunks' in split ? ['--chunks', String(split.chunks)] : ['--chunk-frames', String(split.chunkFrames)];
}

/** `--shot ID --format F`, where the job names them (a render task and the conform agree on both). */
function shotArgs(job: FarmJob): string[] {
  return [...(job.shot !== undefined ? ['--shot', String(job.shot)] : []), ...(job.format !== undefined ? ['--format', job.format] : [])];
}

function relinkArgs(job: FarmJob): string[] {
  return [...job.search.flatMap((dir) => ['--search', dir]), ...job.pathMap.flatMap((map) => ['--path-map', map])];
}

/** `dvp render SNAPSHOT --range A-B --chunk I --chunks N --out PIECES …`; `chunk` is the index or the farm's placeholder for it. */
export function renderArgv(job: FarmJob, values: ArgvValues, chunk: string): string[] {
  return [
    values.node, values.dvp, 'render', values.snapshot,
    '--range', `${job.range.first}-${job.range.last}`,
    '--chunk', chunk, ...splitArgs(job.split),
    '--out', values.pieces,
    // A requeued or resubmitted task replaces its own piece (never anything outside the pieces folder).
    '--overwrite',
    ...shotArgs(job),
    ...relinkArgs(job),
  ];
}

/** `dvp conform SNAPSHOT --range A-B --chunks N --pieces PIECES --out OUT`. */
export function conformArgv(job: FarmJob, values: ArgvValues): string[] {
  return [
    values.node, values.dvp, 'conform', values.snapshot,
    '--range', `${job.range.first}-${job.range.last}`,
    ...splitArgs(job.split),
    '--pieces', values.pieces,
    '--out', values.out,
    ...(job.overwrite ? ['--overwrite'] : []),
    ...shotArgs(job),
    ...(job.audio !== undefined ? ['--audio', job.audio] : []),
    ...relinkArgs(job),
  ];
}

export function piecePath(job: FarmJob, index: number): string {
  return path.join(job.piecesDir, chunkFileName(index));
}

export function writeJob(job: FarmJob): void {
  const file = path.join(job.jobDir, JOB_FILE);
  try {
    writeFileSync(`${file}.tmp`, `${JSON.stringify(job, null, 2)}\n`);
    renameSync(`${file}.tmp`, file);
  } catch (error) {
    throw fromFsError(error, file, 'write the farm job');
  }
}

/** Reads `OUT.farm/job.json` given the job folder, the job.json itself, or the output file. */
export function readJob(where: string): FarmJob {
  const resolved = path.resolve(where);
  const candidates = resolved.endsWith('.json') ? [resolved] : [path.join(resolved, JOB_FILE), path.join(defaultJobDir(resolved), JOB_FILE)];
  for (const file of candidates) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    let job: FarmJob;
    try {
      job = JSON.parse(text) as FarmJob;
    } catch (error) {
      throw new DvpError('PROJECT_INVALID', `${file} is not a farm job (${(error as Error).message}).`, { file });
    }
    if (job.version !== 1 || !Array.isArray(job.chunks)) throw new DvpError('PROJECT_INVALID', `${file} is not a farm job written by this dvp.`, { file });
    return job;
  }
  throw new DvpError('FILE_NOT_FOUND', `no farm job at ${where} (looked for ${candidates.join(' and ')}).`, { file: resolved });
}
