import path from 'node:path';
import type { ChunkSpec } from '../../engine/render/chunk-plan.js';
import { farmCancel, farmExportOpenJd, farmRenderSlurm, farmResubmit, farmStatus, farmTrainSlurm } from '../../farm/farm-render.js';
import type { NewFarmJob } from '../../farm/farm-job.js';
import { DvpError } from '../../shared/errors.js';
import { positional, stringOption, type CliCommand, type CommandContext } from '../command.js';
import { parseFrameRange } from '../range.js';
import { runFarmSnapshot } from './farm-snapshot.js';

const SUBCOMMANDS = ['render', 'status', 'cancel', 'resubmit', 'train', 'export', 'snapshot'] as const;

function strings(context: CommandContext, name: string): string[] {
  const value = context.values[name];
  if (value === undefined) return [];
  return (Array.isArray(value) ? value : [value]).filter((v): v is string => typeof v === 'string');
}

function wholeNumber(text: string, option: string, min: number): number {
  const value = Number(text);
  if (!/^\d+$/.test(text) || value < min) throw new DvpError('INVALID_ARGUMENT', `${option} must be a whole number ≥ ${min} (got '${text}').`);
  return value;
}

function chunkSpec(context: CommandContext): ChunkSpec {
  const chunks = stringOption(context, 'chunks');
  const frames = stringOption(context, 'chunk-frames');
  if ((chunks === undefined) === (frames === undefined)) throw new DvpError('INVALID_ARGUMENT', 'give one of --chunks N or --chunk-frames K.');
  return chunks !== undefined ? { chunks: wholeNumber(chunks, '--chunks', 1) } : { chunkFrames: wholeNumber(frames!, '--chunk-frames', 1) };
}

function jobSpec(context: CommandContext): NewFarmJob {
  const project = positional(context, 1, 'the project file (FILE.dvp)');
  const rangeText = stringOption(context, 'range');
  if (rangeText === undefined) throw new DvpError('INVALID_ARGUMENT', 'missing --range A-B (the frames to render).');
  const out = stringOption(context, 'out');
  if (!out) throw new DvpError('INVALID_ARGUMENT', 'missing --out FILE (the conformed render, e.g. shot.mov).');
  return {
    project,
    out,
    range: parseFrameRange(rangeText),
    split: chunkSpec(context),
    search: strings(context, 'search'),
    pathMap: strings(context, 'path-map'),
    overwrite: context.values.overwrite === true,
  };
}

function slurmOptions(context: CommandContext): { partition?: string; sbatchArgs: string[] } {
  if (context.values.slurm !== true) throw new DvpError('INVALID_ARGUMENT', 'choose the farm: --slurm (for AWS Deadline Cloud or another OpenJD farm, dvp farm export --openjd DIR).');
  const partition = stringOption(context, 'partition');
  return { ...(partition ? { partition } : {}), sbatchArgs: strings(context, 'sbatch-arg') };
}

function size(bytes: number): string {
  return bytes >= 1e6 ? `${(bytes / 1e6).toFixed(1)} MB` : `${(bytes / 1e3).toFixed(1)} kB`;
}

async function run(context: CommandContext): Promise<void> {
  const sub = positional(context, 0, `the farm command (${SUBCOMMANDS.join('|')})`);
  const json = context.values.json === true;
  const print = (value: unknown, lines: string[]): void => {
    if (json) context.stdout(JSON.stringify(value, null, 2));
    else for (const line of lines) context.stdout(line);
  };
  switch (sub) {
    case 'render': {
      const spec = jobSpec(context);
      const job = await farmRenderSlurm(spec, slurmOptions(context));
      const submission = job.slurm!.submissions[0]!;
      print({ jobDir: job.jobDir, arrayJobId: submission.arrayJobId, conformJobId: submission.conformJobId, chunks: job.chunks }, [
        `froze ${job.project} as ${job.snapshot}`,
        `submitted render array ${submission.arrayJobId} (${job.chunks.length} task(s), one per chunk, pieces in ${job.piecesDir})`,
        `submitted conform ${submission.conformJobId} (after all of ${submission.arrayJobId} succeeded) -> ${job.out}`,
        `follow it: dvp farm status ${job.jobDir}`,
      ]);
      return;
    }
    case 'status': {
      const status = await farmStatus(positional(context, 1, 'the farm job (OUT.farm or its job.json)'));
      const lines = status.chunks.map(
        (c) =>
          `chunk ${c.index} frames ${c.first}-${c.last}: ${c.state}${c.task ? ` (${c.task}${c.exitCode && c.exitCode !== '0:0' ? `, exit ${c.exitCode}` : ''}${c.reason ? `, ${c.reason}` : ''})` : ''}; ` +
          (c.piece ? `piece ${size(c.piece.bytes)}` : 'no piece yet'),
      );
      lines.push(`conform: ${status.conform.state}${status.conform.jobId ? ` (${status.conform.jobId}${status.conform.reason ? `, ${status.conform.reason}` : ''})` : ''}; ${status.output ? `${status.out} ${size(status.output.bytes)}` : `${status.out} not written yet`}`);
      print(status, lines);
      return;
    }
    case 'cancel': {
      const cancelled = await farmCancel(positional(context, 1, 'the farm job (OUT.farm or its job.json)'));
      print({ cancelled }, [cancelled.length > 0 ? `cancelled ${cancelled.join(', ')}` : 'nothing left to cancel (every job of it has ended)']);
      return;
    }
    case 'resubmit': {
      const where = positional(context, 1, 'the farm job (OUT.farm or its job.json)');
      const chunks = strings(context, 'chunk').flatMap((text) => text.split(',')).map((text) => wholeNumber(text.trim(), '--chunk', 0));
      if (chunks.length === 0) throw new DvpError('INVALID_ARGUMENT', 'missing --chunk I (the chunk to render again).');
      const result = await farmResubmit(where, chunks, { overwrite: context.values.overwrite === true });
      print({ arrayJobId: result.arrayJobId, conformJobId: result.conformJobId, chunks }, [
        `resubmitted chunk(s) ${chunks.join(', ')} as ${result.arrayJobId}`,
        `submitted conform ${result.conformJobId} after it -> ${result.job.out}`,
      ]);
      return;
    }
    case 'train': {
      const project = positional(context, 1, 'the project file (FILE.dvp)');
      const preset = stringOption(context, 'preset');
      if (!preset) throw new DvpError('INVALID_ARGUMENT', 'missing --preset P (as dvp train takes it).');
      const steps = stringOption(context, 'steps');
      const backend = stringOption(context, 'backend');
      const trainArgs = ['--preset', preset, ...(steps ? ['--steps', steps] : []), ...(backend ? ['--backend', backend] : [])];
      const gres = stringOption(context, 'gres');
      const submitted = await farmTrainSlurm(project, trainArgs, { ...slurmOptions(context), ...(gres ? { gres } : {}) });
      print(submitted, [
        `submitted training ${submitted.jobId} (${submitted.script}; requeueable: a requeued job resumes from the project's latest checkpoint)`,
        `it writes ${path.resolve(project)} itself: keep it on storage the node sees, and run no other writer meanwhile`,
      ]);
      return;
    }
    case 'export': {
      const dir = stringOption(context, 'openjd');
      if (!dir) throw new DvpError('INVALID_ARGUMENT', 'missing --openjd DIR (the job bundle folder to write).');
      const { job, template } = farmExportOpenJd(jobSpec(context), path.resolve(dir));
      print({ template, jobDir: job.jobDir, snapshot: job.snapshot, chunks: job.chunks }, [
        `wrote ${template}: Open Job Description (jobtemplate-2023-09), step Render (${job.chunks.length} task(s)) then Conform -> ${job.out}`,
        `froze ${job.project} as ${job.snapshot}`,
        `submit it to AWS Deadline Cloud: deadline bundle submit ${job.jobDir}`,
      ]);
      return;
    }
    case 'snapshot': {
      runFarmSnapshot(context, context.positionals.slice(1));
      return;
    }
    default:
      throw new DvpError('INVALID_ARGUMENT', `unknown farm command '${sub}' (one of ${SUBCOMMANDS.join(', ')}).`);
  }
}

export const farmCommand: CliCommand = {
  name: 'farm',
  summary: 'Render chunks on a farm (Slurm job array + conform, or an Open Job Description template for Deadline Cloud) and train on a GPU node.',
  usage:
    'farm render FILE.dvp --range A-B --chunks N|--chunk-frames K --out OUT --slurm [--partition P] [--sbatch-arg ARG]… [--search DIR]… [--path-map FROM=TO]… [--overwrite] | ' +
    'farm status|cancel OUT.farm | farm resubmit OUT.farm --chunk I [--overwrite] | ' +
    'farm train FILE.dvp --preset P --slurm [--gres gpu:1] [--steps N] [--partition P] [--sbatch-arg ARG]… | ' +
    'farm export FILE.dvp --range A-B --chunks N|--chunk-frames K --out OUT --openjd DIR | farm snapshot FILE.dvp OUT.dvp',
  options: {
    range: { type: 'string' },
    chunks: { type: 'string' },
    'chunk-frames': { type: 'string' },
    chunk: { type: 'string', multiple: true },
    out: { type: 'string' },
    slurm: { type: 'boolean' },
    partition: { type: 'string' },
    'sbatch-arg': { type: 'string', multiple: true },
    search: { type: 'string', multiple: true },
    'path-map': { type: 'string', multiple: true },
    overwrite: { type: 'boolean' },
    preset: { type: 'string' },
    steps: { type: 'string' },
    backend: { type: 'string' },
    gres: { type: 'string' },
    openjd: { type: 'string' },
    json: { type: 'boolean' },
  },
  details: [
    'farm render freezes a read-only snapshot of the project into OUT.farm/project.dvp (workers never write the project),',
    'writes OUT.farm/render.sh and conform.sh, submits the render array (one task per chunk: dvp render --chunk $SLURM_ARRAY_TASK_ID)',
    'and a conform job with --dependency=afterok:<array>, and prints both ids (also in OUT.farm/job.json). Pieces go to',
    'OUT.farm/pieces/, logs to OUT.farm/logs/. The job folder, the project and the media must be on storage every node sees',
    '(or relinked per worker with --search/--path-map).',
    'farm status follows the tasks (scontrol, then sacct) and the pieces on disk; farm cancel cancels the array and conform;',
    'farm resubmit --chunk I renders chunk I again and submits a new conform after it.',
    'farm train submits dvp train on the project itself with --requeue (resumes from its checkpoints).',
    'farm export --openjd DIR writes DIR/template.json (and the snapshot) for `deadline bundle submit DIR`.',
  ],
  run,
};
