import { selectBackend } from '../../engine/translate/backend.js';
import { getModel, latestModel, loadLatestCheckpoint, saveEvaluation } from '../../engine/translate/checkpoint-store.js';
import { evaluate } from '../../engine/translate/evaluate.js';
import { TranslationModel } from '../../engine/translate/model.js';
import { openModelSource } from '../../engine/translate/model-source.js';
import { DvpError } from '../../shared/errors.js';
import { BACKEND_OPTIONS, BACKEND_USAGE, parseBackendOptions } from '../backend-options.js';
import { positional, stringOption, withProject, type CliCommand } from '../command.js';

export const evalCommand: CliCommand = {
  name: 'eval',
  summary: 'Score the model on the held-out frames (PSNR, SSIM, L1) against the nearest-neighbour baseline.',
  usage: `eval FILE.dvp [--model ID] [--max-frames N] ${BACKEND_USAGE} [--json]`,
  options: { model: { type: 'string' }, 'max-frames': { type: 'string' }, ...BACKEND_OPTIONS, json: { type: 'boolean' } },
  async run(context) {
    const file = positional(context, 0, 'the project file (FILE.dvp)');
    const { backend, precision } = parseBackendOptions(context);
    return await withProject(file, {}, async (project) => {
      const id = stringOption(context, 'model');
      const record = id !== undefined ? getModel(project, Number(id)) : latestModel(project);
      if (!record) throw new DvpError('NOT_FOUND', `${file}: the project has no trained model; run \`dvp train\` first.`, { file });
      const checkpoint = loadLatestCheckpoint(project, record.id);
      if (!checkpoint) throw new DvpError('NOT_FOUND', `${file}: model ${record.id} has no checkpoint yet; run \`dvp train\` first.`, { file });
      await selectBackend(backend, context.stdout, precision);
      const { source, split, parameterGroups } = await openModelSource(project, record, context.signal);
      const model = new TranslationModel(record.config);
      try {
        model.restore({ manifest: checkpoint.manifest, weights: checkpoint.weights });
        const maxFrames = stringOption(context, 'max-frames');
        const result = await evaluate(model.generator, source, split, parameterGroups, {
          signal: context.signal, ...(maxFrames ? { maxFrames: Number(maxFrames) } : {}),
          onFrame: (done, total) => context.progress('eval', { done, total }),
        });
        saveEvaluation(project, { modelId: record.id, checkpointId: checkpoint.id, step: checkpoint.step, frames: result.frames, metrics: { model: result.model, nearestNeighbour: result.nearestNeighbour, secondsPerFrame: result.secondsPerFrame } });
        if (context.values.json) {
          context.stdout(JSON.stringify({ modelId: record.id, step: checkpoint.step, ...result, frames: result.frames.length }, null, 2));
          return;
        }
        context.stdout(`model ${record.id} at step ${checkpoint.step}, ${result.frames.length} held-out frames:`);
        if (result.plateShift) context.stdout(`  (plate-conditioned: each frame made from the plate of the held-out frame ${result.plateShift} frames away, warped to its face)`);
        context.stdout(`  model              PSNR ${result.model.psnr.toFixed(2)} dB  SSIM ${result.model.ssim.toFixed(4)}  L1 ${result.model.l1.toFixed(4)}`);
        context.stdout(`  nearest neighbour  PSNR ${result.nearestNeighbour.psnr.toFixed(2)} dB  SSIM ${result.nearestNeighbour.ssim.toFixed(4)}  L1 ${result.nearestNeighbour.l1.toFixed(4)}`);
      } finally {
        model.dispose();
      }
    });
  },
};
