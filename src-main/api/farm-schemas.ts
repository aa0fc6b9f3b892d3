import { z } from 'zod';
import { FrameRangeSchema } from './frame-range.js';
import { RenderAudioSchema } from './pipeline.js';

/** The render farm (Slurm) as the UI sees it: `farm.info`, `farm.submit`, `farm.status` (src-main/farm/). */

export const FarmInfoSchema = z.object({
  available: z.boolean(),
  /** Why no farm can be used here, when not available. */
  reason: z.string().optional(),
  /** Slurm's partitions, the default first. */
  partitions: z.array(z.string()).optional(),
});
export type FarmInfo = z.infer<typeof FarmInfoSchema>;

export const FarmChunkSchema = z.object({
  index: z.number().int().nonnegative(),
  first: z.number().int().nonnegative(),
  last: z.number().int().nonnegative(),
});

export const FarmSubmitParamsSchema = z
  .object({
    clipId: z.number().int().positive(),
    range: FrameRangeSchema,
    chunks: z.number().int().min(1).max(1000),
    /** The conformed file; its job folder is `OUTPUT.farm` beside it. */
    output: z.string().min(1).max(4096),
    /** The pieces are ProRes, so the conformed file is too. */
    format: z.enum(['prores-hq', 'prores-4444']).optional(),
    audio: RenderAudioSchema.optional(),
    partition: z.string().min(1).max(200).regex(/^[\w.-]+$/).optional(),
    overwrite: z.boolean().optional(),
  })
  .strict();

export const FarmSubmitResultSchema = z.object({
  jobDir: z.string(),
  output: z.string(),
  arrayJobId: z.string(),
  conformJobId: z.string(),
  chunks: z.array(FarmChunkSchema),
});
export type FarmSubmission = z.infer<typeof FarmSubmitResultSchema>;

const SlurmStateSchema = z.object({ state: z.string(), exitCode: z.string().optional(), reason: z.string().optional() });

export const FarmStatusSchema = z.object({
  jobDir: z.string(),
  output: z.string(),
  chunks: z.array(FarmChunkSchema.extend(SlurmStateSchema.shape).extend({ task: z.string().nullable(), pieceBytes: z.number().int().nonnegative().nullable() })),
  conform: SlurmStateSchema.extend({ jobId: z.string().nullable() }),
  /** Chunks whose task completed (or, once Slurm forgot it, whose piece is on disk). */
  done: z.number().int().nonnegative(),
  total: z.number().int().nonnegative(),
  /** The conform job has ended (whatever its state); the UI stops following then. */
  ended: z.boolean(),
  /** The output's size once it is written. */
  outputBytes: z.number().int().nonnegative().nullable(),
});
export type FarmStatus = z.infer<typeof FarmStatusSchema>;
