import { listClips } from '../../engine/project/clips.js';
import { Project } from '../../engine/project/project.js';
import { selectBackend } from '../../engine/translate/backend.js';
import { createModel, getModel, listModels, loadLatestCheckpoint, type ModelRecord } from '../../engine/translate/checkpoint-store.js';
import { evaluationSchedule, presetConfig, presetNames } from '../../engine/translate/config.js';
import { openModelSource, planFaceData, type FaceData } from '../../engine/translate/model-source.js';
import type { HeldOutScores } from '../../engine/translate/score-store.js';
import { DEFAULT_CHECKPOINT_EVERY, DEFAULT_CHECKPOINT_MINUTES, train } from '../../engine/translate/trainer.js';
import { LossRecorder, modelArtefactDir } from '../../engine/translate/training-files.js';
import { DvpError } from '../../shared/errors.js';
import { BACKEND_OPTIONS, BACKEND_USAGE, parseBackendOptions } from '../backend-options.js';
import { closeAfter, positional, stringOption, type CliCommand } from '../command.js';
import { parseFrameRange } from '../range.js';

function intOption(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new DvpError('INVALID_ARGUMENT', `--${name} must be a whole number, not '${value}'.`);
  return n;
}

/** A whole number of at least 1 (a count that 0 would make meaningless). */
function positiveOption(value: string | undefined, name: string): number | undefined {
  const n = intOption(value, name);
  if (n === 0) throw new DvpError('INVALID_ARGUMENT', `--${name} must be at least 1, not '${value}'.`);
  return n;
}

function minutesOption(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0) throw new DvpError('INVALID_ARGUMENT', `--${name} must be a number of minutes (0 or more), not '${value}'.`);
  return n;
}

function frameRange(value: string | undefined): { first: number; last: number } | undefined {
  if (value === undefined) return undefined;
  return parseFrameRange(value, '--frames');
}

/** One evaluation while training, as one line. */
function heldOutLine(scores: HeldOutScores): string {
  const { model: m, nearestNeighbour: nn } = scores;
  return `held-out step ${scores.step} (${scores.frames} frames): PSNR ${m.psnr.toFixed(2)} dB  SSIM ${m.ssim.toFixed(4)}  L1 ${m.l1.toFixed(4)}` +
    `  |  nearest neighbour ${nn.psnr.toFixed(2)} dB  ${nn.ssim.toFixed(4)}  ${nn.l1.toFixed(4)}`;
}

function sameFrames(data: Record<string, unknown>, wanted: FaceData): boolean {
  const d = data as Partial<FaceData>;
  return d.conditioning === 'face' && d.first === wanted.first && d.last === wanted.last && d.heldOutFrom === wanted.heldOutFrom;
}

export const trainCommand: CliCommand = {
  name: 'train',
  summary: 'Train (or resume) the person-specific translation network on the target clip.',
  usage: `train FILE.dvp --preset ${presetNames().join('|')} [--steps N] ${BACKEND_USAGE} [--model ID] [--new] [--frames A-B] [--checkpoint-every N] [--checkpoint-minutes M] [--preview-every N] [--eval-every N] [--early-stop PATIENCE]`,
  options: {
    preset: { type: 'string' }, steps: { type: 'string' }, ...BACKEND_OPTIONS, model: { type: 'string' }, new: { type: 'boolean' },
    frames: { type: 'string' }, 'checkpoint-every': { type: 'string' }, 'checkpoint-minutes': { type: 'string' }, 'preview-every': { type: 'string' },
    'eval-every': { type: 'string' }, 'early-stop': { type: 'string' },
  },
  details: [
    `Checkpoints: every ${DEFAULT_CHECKPOINT_EVERY} steps (--checkpoint-every N) or every ${DEFAULT_CHECKPOINT_MINUTES} minutes of training`,
    '(--checkpoint-minutes M, 0 for steps only), whichever comes first, and at the last step.',
    '--steps N is the step to train up to (at least 1; default: the preset\'s); a second run resumes',
    'from the latest checkpoint. Ctrl-C or SIGTERM saves a checkpoint at the current step and exits',
    'with code 130; a second Ctrl-C stops at once.',
  ],
  async run(context) {
    const file = positional(context, 0, 'the project file (FILE.dvp)');
    const { backend: backendRequest, precision } = parseBackendOptions(context);
    // Every option is checked before the project is opened: a usage error records nothing.
    const stepsOption = positiveOption(stringOption(context, 'steps'), 'steps');
    const checkpointEvery = positiveOption(stringOption(context, 'checkpoint-every'), 'checkpoint-every') ?? DEFAULT_CHECKPOINT_EVERY;
    const checkpointMinutes = minutesOption(stringOption(context, 'checkpoint-minutes'), 'checkpoint-minutes') ?? DEFAULT_CHECKPOINT_MINUTES;
    const previewEvery = intOption(stringOption(context, 'preview-every'), 'preview-every') ?? 500;
    const modelId = intOption(stringOption(context, 'model'), 'model');
    const framesOption = frameRange(stringOption(context, 'frames'));
    const evaluateEveryOption = intOption(stringOption(context, 'eval-every'), 'eval-every');
    const patienceOption = intOption(stringOption(context, 'early-stop'), 'early-stop');
    if ((patienceOption ?? 0) > 0 && (evaluateEveryOption ?? 0) === 0) throw new DvpError('INVALID_ARGUMENT', '--early-stop PATIENCE counts held-out evaluations: give --eval-every N too.');
    const presetName = stringOption(context, 'preset');
    if (modelId === undefined && presetName === undefined) throw new DvpError('INVALID_ARGUMENT', 'missing --preset (or --model ID to resume a model).');
    if (presetName !== undefined) presetConfig(presetName); // an unknown preset is a usage error
    const project = Project.open(file);
    await closeAfter(project, async () => {
      let model: ModelRecord;
      if (modelId !== undefined) {
        model = getModel(project, modelId);
      } else {
        if (presetName === undefined) throw new DvpError('INVALID_ARGUMENT', 'missing --preset (or --model ID to resume a model).');
        const target = listClips(project).find((c) => c.role === 'target');
        if (!target) throw new DvpError('NOT_FOUND', `${file}: the project has no target clip; import one with \`dvp import ${file} VIDEO --role target\`.`, { file });
        const data = planFaceData(project, target.id, framesOption);
        const existing = listModels(project).filter((m) => m.clipId === target.id && m.config.preset === presetName && sameFrames(m.data, data)).at(-1);
        if (existing && !context.values.new) {
          model = existing;
        } else {
          const config = presetConfig(presetName);
          model = createModel(project, { clipId: target.id, name: `${target.name} ${presetName}`, config, data: { ...data } });
        }
      }
      const steps = stepsOption ?? model.config.training.steps;
      const { evaluateEvery, patience } = evaluationSchedule(model.config.training, {
        ...(evaluateEveryOption !== undefined ? { evaluateEvery: evaluateEveryOption } : {}),
        ...(patienceOption !== undefined ? { patience: patienceOption } : {}),
      });
      const startStep = loadLatestCheckpoint(project, model.id)?.step ?? 0;
      if (startStep >= steps) {
        context.stdout(`model ${model.id} (${model.config.preset}) is already at step ${startStep}; nothing to train up to step ${steps} (give a larger --steps to train on).`);
        return;
      }
      const backend = await selectBackend(backendRequest, context.stdout, precision);
      const { source, split, data, parameterGroups } = await openModelSource(project, model, context.signal);
      context.stdout(`model ${model.id} (${model.config.preset}): frames ${data.first}-${data.heldOutFrom - 1} train (${split.train.length} tracked), ${data.heldOutFrom}-${data.last} held out (${split.heldOut.length}); ${startStep > 0 ? `resuming at step ${startStep}` : 'starting'}, target ${steps} steps`);
      const previewDir = modelArtefactDir(project, model.id);
      // The same loss history the training panel plots (its train job records one too).
      const losses = new LossRecorder(project, model.id);
      const result = await train({
        project, model, source, trainIndices: split.train, previewIndex: split.heldOut[0]!, targetStep: steps, backend: backend.name, signal: context.signal,
        checkpointEvery, checkpointMinutes, previewEvery,
        previewDir,
        evaluateEvery, evaluation: { heldOut: split.heldOut, parameterGroups },
        ...(patience > 0 ? { earlyStop: { patience } } : {}),
        onProgress: (p) => {
          losses.add({ step: p.step, ...p.losses });
          context.progress('train', { done: p.step, total: p.targetStep, rate: p.stepsPerSecond, etaSeconds: p.etaSeconds, message: `G ${p.losses.generator.toFixed(2)} D ${p.losses.discriminator.toFixed(3)} L1 ${p.losses.l1.toFixed(4)}` });
          if (p.preview) context.stdout(`preview ${p.preview}`);
          if (p.heldOut) context.stdout(heldOutLine(p.heldOut));
        },
      }).finally(() => losses.flush());
      context.stdout(`model ${model.id}: ${result.status} at step ${result.step} (${result.secondsPerStep.toFixed(2)} s/step on ${backend.name}${backend.precision === 'f32' ? '' : ` ${backend.precision}`})`);
      if (result.message) context.stdout(result.message);
      if (result.status === 'cancelled') throw new DvpError('CANCELLED', `Training was cancelled at step ${result.step}; the checkpoint is saved, run the same command to resume.`);
    });
  },
};
