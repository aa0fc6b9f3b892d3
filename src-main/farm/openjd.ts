/**
 * The farm render as an Open Job Description job template (specification `jobtemplate-2023-09`,
 * what AWS Deadline Cloud runs): a "Render" step whose parameter space is the chunk indices
 * (one task per chunk) and a "Conform" step that depends on it. The commands are the job's
 * render and conform argv (farm-job.ts) with the paths as job parameters, so a farm's path
 * mapping can move them: filled with the parameters' defaults they are exactly the argv the
 * Slurm scripts run.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fromFsError } from '../shared/errors.js';
import { conformArgv, literalValues, renderArgv, type ArgvValues, type FarmJob } from './farm-job.js';

export const OPENJD_SPEC = 'jobtemplate-2023-09';
export const CHUNK_PARAMETER = 'Chunk';

interface Action {
  command: string;
  args: string[];
  timeout?: number;
}

export interface OpenJdParameter {
  name: string;
  type: 'STRING' | 'PATH' | 'INT' | 'FLOAT';
  description?: string;
  default?: string;
  objectType?: 'FILE' | 'DIRECTORY';
  dataFlow?: 'NONE' | 'IN' | 'OUT' | 'INOUT';
}

export interface OpenJdStep {
  name: string;
  description?: string;
  dependencies?: { dependsOn: string }[];
  parameterSpace?: { taskParameterDefinitions: { name: string; type: 'INT'; range: string }[] };
  script: { actions: { onRun: Action } };
}

export interface OpenJdJobTemplate {
  specificationVersion: typeof OPENJD_SPEC;
  name: string;
  description?: string;
  parameterDefinitions: OpenJdParameter[];
  steps: OpenJdStep[];
}

/** The job parameters' format strings, in the argv where the Slurm scripts have the job's paths. */
export const OPENJD_VALUES: ArgvValues = {
  node: '{{Param.NodeExecutable}}',
  dvp: '{{Param.DvpScript}}',
  snapshot: '{{Param.ProjectSnapshot}}',
  pieces: '{{Param.PiecesDir}}',
  out: '{{Param.OutputFile}}',
};

/** A job name: at most 128 characters, no control characters. */
function jobName(job: FarmJob): string {
  return `DVP render ${path.basename(job.out)} ${job.range.first}-${job.range.last}`.replace(/[\p{Cc}]/gu, ' ').slice(0, 128);
}

export function openJdTemplate(job: FarmJob): OpenJdJobTemplate {
  const literal = literalValues(job);
  const [command, ...args] = renderArgv(job, OPENJD_VALUES, `{{Task.Param.${CHUNK_PARAMETER}}}`);
  const [conformCommand, ...conformArgs] = conformArgv(job, OPENJD_VALUES);
  const last = job.chunks[job.chunks.length - 1]!.index;
  return {
    specificationVersion: OPENJD_SPEC,
    name: jobName(job),
    description: `DVP Studio chunked render of ${path.basename(job.project)} (frames ${job.range.first}-${job.range.last}, ${job.chunks.length} chunks), conformed into one file without re-encoding. Written by dvp farm export.`,
    parameterDefinitions: [
      { name: 'NodeExecutable', type: 'STRING', description: 'The Node.js binary on the workers.', default: literal.node },
      { name: 'DvpScript', type: 'PATH', objectType: 'FILE', dataFlow: 'NONE', description: "DVP Studio's bin/dvp.js on the workers.", default: literal.dvp },
      { name: 'ProjectSnapshot', type: 'PATH', objectType: 'FILE', dataFlow: 'IN', description: 'The frozen read-only project (dvp farm snapshot); workers never write it.', default: literal.snapshot },
      { name: 'PiecesDir', type: 'PATH', objectType: 'DIRECTORY', dataFlow: 'INOUT', description: 'Where each chunk task writes chunk-NNNN.mov and the conform reads them.', default: literal.pieces },
      { name: 'OutputFile', type: 'PATH', objectType: 'FILE', dataFlow: 'OUT', description: 'The conformed render.', default: literal.out },
    ],
    steps: [
      {
        name: 'Render',
        description: 'One task per chunk: dvp render --chunk I (video only).',
        parameterSpace: { taskParameterDefinitions: [{ name: CHUNK_PARAMETER, type: 'INT', range: `${job.chunks[0]!.index}-${last}` }] },
        script: { actions: { onRun: { command: command!, args } } },
      },
      {
        name: 'Conform',
        description: 'Joins the pieces into one file without re-encoding; refuses a missing, short or mismatched piece by name.',
        dependencies: [{ dependsOn: 'Render' }],
        script: { actions: { onRun: { command: conformCommand!, args: conformArgs } } },
      },
    ],
  };
}

/** Writes a Deadline Cloud job bundle: DIR/template.json (and nothing the template does not name). */
export function writeOpenJdBundle(job: FarmJob, dir: string): string {
  const file = path.join(dir, 'template.json');
  try {
    writeFileSync(file, `${JSON.stringify(openJdTemplate(job), null, 2)}\n`);
  } catch (error) {
    throw fromFsError(error, file, 'write the OpenJD job template');
  }
  return file;
}
