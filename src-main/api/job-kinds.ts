import { z } from 'zod';

/**
 * Every kind of long job, declared once: its parameters, its result, and whether it needs
 * the GPU (one at a time) or only CPU (runs alongside). The engine registers one runner
 * per kind in `src-main/host/engine/job-runners.ts`; the compiler checks the two agree.
 */
export interface JobKindSpec<P extends z.ZodType = z.ZodType, R extends z.ZodType = z.ZodType> {
  resource: 'gpu' | 'cpu';
  params: P;
  result: R;
  /** A short title for the job list, from the parameters alone. */
  title(params: z.infer<P>): string;
}

function jobKind<P extends z.ZodType, R extends z.ZodType>(spec: JobKindSpec<P, R>): JobKindSpec<P, R> {
  return spec;
}

export const TranscodeFormatSchema = z.enum(['prores-hq', 'prores-4444', 'h264']);

const FORMAT_LABEL: Record<z.infer<typeof TranscodeFormatSchema>, string> = {
  'prores-hq': 'ProRes 422 HQ',
  'prores-4444': 'ProRes 4444',
  h264: 'H.264 proxy',
};

export const jobKinds = {
  /** Re-encodes a range of a project clip (frames through the engine's reader and writer). */
  transcode: jobKind({
    resource: 'cpu',
    params: z.object({
      clipId: z.number().int().positive(),
      output: z.string().min(1),
      format: TranscodeFormatSchema,
      /** Inclusive frame range; the whole clip when absent. */
      range: z.object({ first: z.number().int().nonnegative(), last: z.number().int().nonnegative() }).optional(),
      audio: z.enum(['keep', 'none']).default('keep'),
    }),
    result: z.object({ output: z.string(), frames: z.number().int().nonnegative(), timecode: z.string() }),
    title: (p) => `${FORMAT_LABEL[p.format]} → ${basename(p.output)}`,
  }),
} as const;

export type JobKind = keyof typeof jobKinds;
export type JobParams<K extends JobKind> = z.input<(typeof jobKinds)[K]['params']>;
export type JobResult<K extends JobKind> = z.infer<(typeof jobKinds)[K]['result']>;

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
