import type { JobKind, JobParams, JobResult } from '../api/job-kinds.js';
import type { JobRunner } from './jobs/job-context.js';
import { runRender } from './jobs/render.js';
import { runTrack } from './jobs/track.js';
import { runTrain } from './jobs/train.js';
import { runTranscode } from './jobs/transcode.js';

/** One runner per declared job kind (`src-main/api/job-kinds.ts`); the compiler checks the pairing. */
const runners: { [K in JobKind]: JobRunner<JobParams<K>, JobResult<K>> } = {
  transcode: runTranscode,
  track: runTrack,
  train: runTrain,
  render: runRender,
};

const registered = new Map<string, JobRunner>();

/** Pairs a kind added with `registerJobKind` with its runner (for builds and tests that add kinds). */
export function registerJobRunner(kind: string, runner: JobRunner): void {
  if (Object.hasOwn(runners, kind) || registered.has(kind)) throw new Error(`A runner for '${kind}' is already registered.`);
  registered.set(kind, runner);
}

export function jobRunner(kind: string): JobRunner | undefined {
  return Object.hasOwn(runners, kind) ? (runners[kind as JobKind] as JobRunner) : registered.get(kind);
}
