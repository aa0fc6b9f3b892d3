import path from 'node:path';
import type { z } from 'zod';
import type { Methods } from '../../api/methods.js';
import { getClip } from '../../engine/project/clips.js';
import { farmInfo } from '../../farm/farm-info.js';
import { farmRenderSlurm, farmStatus, isActiveState } from '../../farm/farm-render.js';
import { DvpError } from '../../shared/errors.js';
import type { EngineContext } from '../engine-context.js';

/**
 * The render farm from the UI: the same workflows as `dvp farm render --slurm` and `dvp farm
 * status` (src-main/farm/farm-render.ts), on the open project. The host has checked the output
 * and the job folder against the allowed roots (router.ts).
 */
type FarmMethod = Extract<keyof Methods, `farm.${string}`>;
type FarmHandler<M extends FarmMethod> = (params: z.infer<Methods[M]['params']>, engine: EngineContext) => Promise<z.infer<Methods[M]['result']>>;

export const farmHandlers: { [M in FarmMethod]: FarmHandler<M> } = {
  'farm.info': () => farmInfo(),

  'farm.submit': async ({ clipId, range, chunks, output, format, audio, partition, overwrite }, engine) => {
    const project = engine.requireProject();
    const clip = getClip(project, clipId);
    if (clip.role !== 'target') throw new DvpError('INVALID_ARGUMENT', `clip ${clip.id} (${clip.name}) is a ${clip.role} clip; a farm render is made of a target clip.`);
    if (range.last >= clip.frameCount) throw new DvpError('INVALID_ARGUMENT', `frames ${range.first}-${range.last}: ${clip.name} has frames 0-${clip.frameCount - 1}.`);
    const job = await farmRenderSlurm(
      {
        project: project.file,
        out: output,
        range,
        split: { chunks },
        shot: clip.id,
        ...(format !== undefined ? { format } : {}),
        ...(audio !== undefined ? { audio: typeof audio === 'object' ? path.resolve(audio.file) : audio } : {}),
        overwrite: overwrite === true,
      },
      { ...(partition !== undefined ? { partition } : {}), sbatchArgs: [] },
    );
    const submission = job.slurm!.submissions[0]!;
    return {
      jobDir: job.jobDir,
      output: job.out,
      arrayJobId: submission.arrayJobId,
      conformJobId: submission.conformJobId,
      chunks: job.chunks.map(({ index, first, last }) => ({ index, first, last })),
    };
  },

  'farm.status': async ({ jobDir }) => {
    const status = await farmStatus(jobDir);
    const chunks = status.chunks.map((c) => ({
      index: c.index,
      first: c.first,
      last: c.last,
      task: c.task,
      state: c.state,
      ...(c.exitCode !== undefined ? { exitCode: c.exitCode } : {}),
      ...(c.reason !== undefined ? { reason: c.reason } : {}),
      pieceBytes: c.piece?.bytes ?? null,
    }));
    // Once Slurm forgets a task (scontrol's MinJobAge, no accounting) its piece on disk is what is left to show.
    const done = chunks.filter((c) => c.state === 'COMPLETED' || (c.state === 'UNKNOWN' && c.pieceBytes !== null)).length;
    const conformState = status.conform.state;
    const ended = conformState !== 'NOT_SUBMITTED' && !isActiveState(conformState) && (conformState !== 'UNKNOWN' || status.output !== null);
    return {
      jobDir: status.jobDir,
      output: status.out,
      chunks,
      conform: status.conform,
      done,
      total: chunks.length,
      ended,
      outputBytes: status.output?.bytes ?? null,
    };
  },
};
