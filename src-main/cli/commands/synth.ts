import path from 'node:path';
import { ClipConditioning } from '../../engine/condition/clip-conditioning.js';
import { readFrames } from '../../engine/media/frame-reader.js';
import { FrameWriter } from '../../engine/media/frame-writer.js';
import { probeVideo } from '../../engine/media/probe.js';
import { featherMask } from '../../engine/render/composite.js';
import { PlateInput } from '../../engine/render/plate-input.js';
import { synthesizeIntoPlates } from '../../engine/render/plate-synthesis.js';
import { getClip } from '../../engine/project/clips.js';
import { selectBackend } from '../../engine/translate/backend.js';
import { getModel, latestModel, loadLatestCheckpoint } from '../../engine/translate/checkpoint-store.js';
import { TranslationModel } from '../../engine/translate/model.js';
import { modelCrop } from '../../engine/translate/model-source.js';
import { DvpError } from '../../shared/errors.js';
import { BACKEND_OPTIONS, BACKEND_USAGE, parseBackendOptions } from '../backend-options.js';
import { positional, stringOption, withProject, type CliCommand } from '../command.js';
import { parseFrameRange } from '../range.js';
import { checkOutputPath } from '../../engine/media/output-guard.js';
import { projectInputs } from '../../engine/project/project-inputs.js';
import { OVERWRITE_OPTION } from './render.js';

function parseRange(value: string | undefined, frameCount: number): [number, number] {
  if (value === undefined) throw new DvpError('INVALID_ARGUMENT', '--range A-B is required (clip frames, inclusive).');
  const { first: a, last: b } = parseFrameRange(value);
  if (b >= frameCount) throw new DvpError('INVALID_ARGUMENT', `--range ${value} is outside the clip's frames 0-${frameCount - 1}.`);
  return [a, b];
}

export const synthCommand: CliCommand = {
  name: 'synth',
  summary: 'Synthesize frames with the trained network (sliding window) and composite them into the plate.',
  usage: `synth FILE.dvp --range A-B --out FILE.mov|FILE.mp4 [--overwrite] [--model ID] ${BACKEND_USAGE}`,
  options: { range: { type: 'string' }, out: { type: 'string' }, model: { type: 'string' }, ...OVERWRITE_OPTION, ...BACKEND_OPTIONS },
  async run(context) {
    const file = positional(context, 0, 'the project file (FILE.dvp)');
    const out = stringOption(context, 'out');
    if (!out) throw new DvpError('INVALID_ARGUMENT', 'missing --out FILE.');
    const format = path.extname(out).toLowerCase() === '.mov' ? 'prores-hq' : 'h264';
    const { backend, precision } = parseBackendOptions(context);
    await withProject(file, { readonly: true }, async (project) => {
      const guard = { overwrite: context.values.overwrite === true, protect: projectInputs(project) };
      checkOutputPath(out, guard);
      const id = stringOption(context, 'model');
      const record = id !== undefined ? getModel(project, Number(id)) : latestModel(project);
      if (!record) throw new DvpError('NOT_FOUND', `${file}: the project has no trained model; run \`dvp train\` first.`, { file });
      const checkpoint = loadLatestCheckpoint(project, record.id);
      if (!checkpoint) throw new DvpError('NOT_FOUND', `${file}: model ${record.id} has no checkpoint yet.`, { file });
      const clip = getClip(project, record.clipId);
      const [first, last] = parseRange(stringOption(context, 'range'), clip.frameCount);
      await selectBackend(backend, context.stdout, precision);
      const { resolution, windowSize } = record.config.network;
      // The tracked performance, rendered into the shot crop the model was trained under.
      const conditioning = ClipConditioning.open(project, clip.id, { size: resolution, windowSize, crop: modelCrop(project, record) });
      if (first < conditioning.firstFrame || last > conditioning.lastFrame) {
        throw new DvpError('INVALID_ARGUMENT', `${file}: --range ${first}-${last} goes beyond the tracked frames ${conditioning.firstFrame}-${conditioning.lastFrame} of clip ${clip.id}; track them first with \`dvp track --range\`.`, { file });
      }
      const info = await probeVideo(clip.path);
      const crop = conditioning.crop;
      const model = new TranslationModel(record.config);
      const writer = FrameWriter.open({ file: out, ...guard, format, width: info.width, height: info.height, fps: info.fps, ...(info.startTimecode ? { timecode: info.startTimecode } : {}) });
      try {
        model.restore({ manifest: checkpoint.manifest, weights: checkpoint.weights });
        let done = 0;
        const count = last - first + 1;
        const fullPlates = readFrames(clip.path, info, { start: first, count, signal: context.signal });
        // A plate-conditioned model gets each frame's own plate, unwarped: the tracked performance is the plate's.
        const plateInput = record.config.network.plate ? new PlateInput(conditioning) : undefined;
        const plates = plateInput ? plateInput.follow(fullPlates, { first, count }, context.signal) : fullPlates;
        const inputFor = (f: number): Float32Array => (plateInput ? plateInput.input(f, conditioning.volumeAt(f), conditioning.params(f)) : conditioning.volumeAt(f));
        const frames = synthesizeIntoPlates(plates, {
          generator: model.generator, crop, mask: featherMask(crop.size), inputFor, signal: context.signal,
          ...(plateInput ? { pictureFor: plateInput.atCropResolution.bind(plateInput) } : {}),
        });
        for await (const frame of frames) {
          await writer.write(frame.data);
          done += 1;
          context.progress('synth', { done, total: last - first + 1 });
        }
        await writer.finish();
      } catch (error) {
        writer.abort();
        throw error;
      } finally {
        model.dispose();
      }
      context.stdout(`wrote ${out}: frames ${first}-${last} from model ${record.id} (step ${checkpoint.step})`);
    });
  },
};
