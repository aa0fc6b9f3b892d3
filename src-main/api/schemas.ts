import { z } from 'zod';
import { RemedySchema } from './errors.js';

/** The value types the API carries. Kept free of Node and DOM so every process can import them. */

export const RationalSchema = z.object({ num: z.number().int().positive(), den: z.number().int().positive() });

export const ClipRoleSchema = z.enum(['target', 'source', 'audio']);
export type ClipRole = z.infer<typeof ClipRoleSchema>;

export const AudioStreamSchema = z.object({
  index: z.number().int().nonnegative(),
  codec: z.string(),
  sampleRate: z.number().nonnegative(),
  channels: z.number().int().nonnegative(),
  durationSec: z.number().nullable(),
});

export const ClipSchema = z.object({
  id: z.number().int().positive(),
  name: z.string(),
  role: ClipRoleSchema,
  path: z.string(),
  /** False when the media file is gone from `path` (moved or deleted since import). */
  online: z.boolean(),
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  frameCount: z.number().int().nonnegative(),
  fps: RationalSchema,
  durationSec: z.number().nonnegative(),
  startTimecode: z.string().nullable(),
  audio: z.array(AudioStreamSchema),
  /** How far the pipeline has got with this clip. */
  status: z.object({
    trackedFrames: z.number().int().nonnegative(),
    models: z.number().int().nonnegative(),
    checkpoints: z.number().int().nonnegative(),
  }),
});
export type Clip = z.infer<typeof ClipSchema>;

export const ProjectInfoSchema = z.object({
  file: z.string(),
  name: z.string(),
  schemaVersion: z.number().int(),
  createdAt: z.string().nullable(),
  clipCount: z.number().int().nonnegative(),
  readonly: z.boolean(),
});
export type ProjectInfo = z.infer<typeof ProjectInfoSchema>;

export const ProgressSchema = z.object({
  done: z.number(),
  total: z.number(),
  rate: z.number().optional(),
  etaSeconds: z.number().optional(),
  message: z.string().optional(),
});
export type ProgressValue = z.infer<typeof ProgressSchema>;

export const JobStatusSchema = z.enum(['queued', 'running', 'cancelling', 'succeeded', 'failed', 'cancelled']);
export type JobStatus = z.infer<typeof JobStatusSchema>;

/** Queued, running or stopping: the job has not finished (the one definition for the host and every panel). */
export function isJobPending(job: { status: JobStatus }): boolean {
  return job.status === 'queued' || job.status === 'running' || job.status === 'cancelling';
}

export const JobSchema = z.object({
  id: z.number().int().positive(),
  kind: z.string(),
  title: z.string(),
  /** 'gpu' jobs run one at a time; 'cpu' jobs run alongside them. */
  resource: z.enum(['gpu', 'cpu']),
  /** The project the job was started in (null: none was open). */
  project: z.string().nullable(),
  /** The clip of that project the job works on (null for a job without one). */
  clipId: z.number().int().positive().nullable(),
  status: JobStatusSchema,
  progress: ProgressSchema.nullable(),
  error: z.object({ code: z.string(), message: z.string(), remedy: RemedySchema.optional() }).nullable(),
  result: z.unknown().optional(),
  createdAt: z.string(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
});
export type Job = z.infer<typeof JobSchema>;

export const EngineStateSchema = z.enum(['starting', 'ready', 'restarting', 'stopped']);
export type EngineState = z.infer<typeof EngineStateSchema>;

export const EngineStatusSchema = z.object({
  state: EngineStateSchema,
  restarts: z.number().int().nonnegative(),
  /** Why the engine last stopped unexpectedly, for the status bar. */
  lastCrash: z.string().nullable(),
});
export type EngineStatus = z.infer<typeof EngineStatusSchema>;

export const DirEntrySchema = z.object({
  name: z.string(),
  path: z.string(),
  kind: z.enum(['dir', 'file']),
  sizeBytes: z.number().nonnegative().nullable(),
});
export type DirEntry = z.infer<typeof DirEntrySchema>;

export const DirListingSchema = z.object({
  dir: z.string(),
  /** Null at the top of an allowed folder (the API lists nothing above its roots). */
  parent: z.string().nullable(),
  entries: z.array(DirEntrySchema),
  /** The folders the API may reach (`src-main/host/allowed-roots.ts`), to jump between. */
  roots: z.array(z.string()).optional(),
});
export type DirListing = z.infer<typeof DirListingSchema>;

export const AppInfoSchema = z.object({
  version: z.string(),
  shell: z.enum(['electron', 'browser']),
  /** True when `dialog.pick` opens the operating system's file dialogs. */
  nativeDialogs: z.boolean(),
  platform: z.string(),
  homeDir: z.string(),
});
export type AppInfo = z.infer<typeof AppInfoSchema>;
