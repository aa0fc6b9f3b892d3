import { z } from 'zod';
import { BackendRequestSchema, PrecisionSchema } from './backend.js';
import { OUTPUT_FORMATS, OutputFormatSchema } from './output-formats.js';
import { FrameRangeSchema } from './frame-range.js';
import { CompositeModeSchema, LossesSchema, RenderAudioSchema } from './pipeline.js';

/**
 * Every kind of long job, declared once: its parameters, its result, and whether it needs
 * the GPU (one at a time) or only CPU (runs alongside). The engine registers one runner
 * per kind in `src-main/engine-process/job-runners.ts`; the compiler checks the two agree.
 */
export interface JobKindSpec<P extends z.ZodType = z.ZodType, R extends z.ZodType = z.ZodType> {
  resource: 'gpu' | 'cpu';
  params: P;
  result: R;
  /** A short title for the job list, from the parameters alone. */
  title(params: z.infer<P>): string;
  /**
   * The files a job writes and the files it reads besides the project's clips: the host checks
   * them against the allowed roots, and its outputs against the overwrite rules, before it queues the job.
   */
  files?(params: z.infer<P>): { read?: string[]; write?: string[] };
}

function jobKind<P extends z.ZodType, R extends z.ZodType>(spec: JobKindSpec<P, R>): JobKindSpec<P, R> {
  return spec;
}


export const jobKinds = {
  /** Re-encodes a range of a project clip (frames through the engine's reader and writer). */
  transcode: jobKind({
    resource: 'cpu',
    params: z.object({
      clipId: z.number().int().positive(),
      output: z.string().min(1),
      format: OutputFormatSchema,
      /** Inclusive frame range; the whole clip when absent. */
      range: z.object({ first: z.number().int().nonnegative(), last: z.number().int().nonnegative() }).optional(),
      audio: z.enum(['keep', 'none']).default('keep'),
      /** Replace an existing file at `output` (the UI asks first); an input is never replaced. */
      overwrite: z.boolean().default(false),
    }),
    result: z.object({ output: z.string(), frames: z.number().int().nonnegative(), timecode: z.string() }),
    title: (p) => `${OUTPUT_FORMATS[p.format].label} → ${basename(p.output)}`,
    files: (p) => ({ write: [p.output] }),
  }),
  /** Tracks the face in a clip (or a range of it); resumes detection where an earlier run stopped. */
  track: jobKind({
    resource: 'cpu',
    params: z.object({ clipId: z.number().int().positive(), range: FrameRangeSchema.optional(), smoothing: z.number().min(0).max(10).optional() }),
    result: z.object({
      clipId: z.number().int().positive(),
      framesTracked: z.number().int().nonnegative(),
      framesWithFace: z.number().int().nonnegative(),
      framesDetectedNow: z.number().int().nonnegative(),
      medianErrorPct: z.number().nullable(),
      seconds: z.number().nonnegative(),
    }),
    title: (p) => `Track clip ${p.clipId}${p.range ? ` (frames ${p.range.first}–${p.range.last})` : ''}`,
  }),
  /** Trains (or resumes) the translation network of a target clip; cancelling pauses it at a checkpoint. */
  train: jobKind({
    resource: 'gpu',
    params: z.object({
      clipId: z.number().int().positive(),
      /** Resume this model; otherwise the clip's latest model of `preset` on the same frames, or a new one. */
      modelId: z.number().int().positive().optional(),
      preset: z.string().min(1).max(64).default('plate-preview'),
      /** Start a new model even when one of this preset exists. */
      fresh: z.boolean().default(false),
      frames: FrameRangeSchema.optional(),
      /** Train until this step (default: the preset's schedule). */
      steps: z.number().int().positive().max(10_000_000).optional(),
      checkpointEvery: z.number().int().positive().default(100),
      previewEvery: z.number().int().nonnegative().default(100),
      /** Score the held-out frames (and once the nearest-neighbour baseline) every this many steps and at the last; 0: never; unset: the preset's own schedule (none, or plate-overnight's). */
      evaluateEvery: z.number().int().nonnegative().max(10_000_000).optional(),
      /** End the run once the held-out PSNR has not improved by more than `minDelta` dB (default 0.05) for `patience` evaluations in a row. */
      earlyStop: z.object({ patience: z.number().int().positive().max(10_000), minDelta: z.number().nonnegative().max(100).optional() }).strict().optional(),
      backend: BackendRequestSchema.default('auto'),
      /** Convolution precision; bf16 needs the native backend on a CPU with bf16 arithmetic. */
      precision: PrecisionSchema.default('f32'),
    }).refine((p) => p.earlyStop === undefined || (p.evaluateEvery ?? 0) > 0, { message: 'earlyStop counts held-out evaluations: set evaluateEvery too', path: ['earlyStop'] }),
    result: z.object({
      modelId: z.number().int().positive(),
      step: z.number().int().nonnegative(),
      backend: z.string(),
      precision: PrecisionSchema,
      secondsPerStep: z.number().nonnegative(),
      losses: LossesSchema.nullable(),
      /** Set when `earlyStop` ended the run before its target step: why. */
      stoppedEarly: z.string().optional(),
    }),
    title: (p) => (p.modelId !== undefined ? `Train model ${p.modelId}` : `Train ${p.preset} on clip ${p.clipId}`),
  }),
  /** Renders a target clip's edit through its trained network into a ProRes or H.264 file. */
  render: jobKind({
    resource: 'gpu',
    params: z.object({
      clipId: z.number().int().positive(),
      output: z.string().min(1).max(4096),
      format: OutputFormatSchema,
      range: FrameRangeSchema.optional(),
      audio: RenderAudioSchema.default('target'),
      modelId: z.number().int().positive().optional(),
      backend: BackendRequestSchema.default('auto'),
      precision: PrecisionSchema.default('f32'),
      /** region: only what the edit changes (the plate elsewhere); crop: the network's whole square. */
      composite: CompositeModeSchema.default('region'),
      /** Region composite: match the network's colours to the plate around the mask, per frame. */
      colourMatch: z.boolean().default(false),
      /** Replace an existing file at `output` (the UI asks first); the project's files and clips are never replaced. */
      overwrite: z.boolean().default(false),
    }),
    result: z.object({
      output: z.string(),
      format: OutputFormatSchema,
      first: z.number().int().nonnegative(),
      last: z.number().int().nonnegative(),
      frames: z.number().int().nonnegative(),
      synthesized: z.number().int().nonnegative(),
      outOfRangeFrames: z.number().int().nonnegative(),
      timecode: z.string(),
      audio: z.string().nullable(),
      modelId: z.number().int().positive(),
      checkpointStep: z.number().int().nonnegative(),
      sizeBytes: z.number().int().nonnegative(),
      composite: CompositeModeSchema.optional(),
      /** Frames whose plate received the network's picture. */
      composited: z.number().int().nonnegative().optional(),
      /** Mean |synthesized − plate| on the mask's feathered edge (8-bit levels), as written; null when nothing was composited. */
      seamLevels: z.number().nonnegative().nullable().optional(),
    }),
    title: (p) => `${OUTPUT_FORMATS[p.format].label} render → ${basename(p.output)}`,
    files: (p) => ({ write: [p.output], read: typeof p.audio === 'object' ? [p.audio.file] : [] }),
  }),
} as const;

export type JobKind = keyof typeof jobKinds;
export type JobParams<K extends JobKind> = z.input<(typeof jobKinds)[K]['params']>;
export type JobResult<K extends JobKind> = z.infer<(typeof jobKinds)[K]['result']>;
/** What a finished render job answers (the render panel shows it). */
export type RenderResult = JobResult<'render'>;

const registered = new Map<string, JobKindSpec>();

/**
 * Adds a job kind at run time, for kinds that exist only in one build or one test (the
 * shell tests register a CPU-bound and a crashing job this way, in the host and the engine).
 */
export function registerJobKind(kind: string, spec: JobKindSpec): void {
  if (Object.hasOwn(jobKinds, kind) || registered.has(kind)) throw new Error(`The job kind '${kind}' is already declared.`);
  registered.set(kind, spec);
}

export function jobKindSpec(kind: string): JobKindSpec | undefined {
  return Object.hasOwn(jobKinds, kind) ? (jobKinds[kind as JobKind] as JobKindSpec) : registered.get(kind);
}

function basename(file: string): string {
  return file.split(/[\\/]/).pop() ?? file;
}
