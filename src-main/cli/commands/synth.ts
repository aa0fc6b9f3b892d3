import path from 'node:path';
import { readFrames } from '../../engine/media/frame-reader.js';
import { FrameWriter } from '../../engine/media/frame-writer.js';
import { probeVideo } from '../../engine/media/probe.js';
import { getClip } from '../../engine/project/clips.js';
import { Project } from '../../engine/project/project.js';
import { parseBackendRequest, selectBackend } from '../../engine/translate/backend.js';
import { getModel, latestModel, loadLatestCheckpoint } from '../../engine/translate/checkpoint-store.js';
import { compositeIntoPlate } from '../../engine/translate/composite.js';
import { FramesSource } from '../../engine/translate/frames-source.js';
import { synthesize } from '../../engine/translate/inference.js';
import { TranslationModel } from '../../engine/translate/model.js';
import { DvpError } from '../../shared/errors.js';
import { throwIfCancelled } from '../../shared/cancel.js';
import { positional, stringOption, type CliCommand } from '../command.js';

function parseRange(value: string | undefined, frameCount: number): [number, number] {
  const match = value === undefined ? null : /^(\d+)-(\d+)$/.exec(value);
  if (!match) throw new DvpError('INVALID_ARGUMENT', `--range must look like A-B (clip frames, inclusive), not '${value ?? ''}'.`);
  const a = Number(match[1]);
  const b = Number(match[2]);
  if (a > b || b >= frameCount) throw new DvpError('INVALID_ARGUMENT', `--range ${value} is outside the clip's frames 0-${frameCount - 1}.`);
  return [a, b];
}

export const synthCommand: CliCommand = {
  name: 'synth',
  summary: 'Synthesize frames with the trained network (sliding window) and composite them into the plate.',
  usage: 'synth FILE.dvp --range A-B --out FILE.mov|FILE.mp4 [--model ID] [--backend B]',
  options: { range: { type: 'string' }, out: { type: 'string' }, model: { type: 'string' }, backend: { type: 'string' } },
  async run(context) {
    const file = positional(context, 0, 'the project file (FILE.dvp)');
    const out = stringOption(context, 'out');
    if (!out) throw new DvpError('INVALID_ARGUMENT', 'missing --out FILE.');
    const format = path.extname(out).toLowerCase() === '.mov' ? 'prores-hq' : 'h264';
    const project = Project.open(file, { readonly: true });
    try {
      const id = stringOption(context, 'model');
      const record = id !== undefined ? getModel(project, Number(id)) : latestModel(project);
      if (!record) throw new DvpError('NOT_FOUND', `${file}: the project has no trained model; run \`dvp train\` first.`, { file });
      const checkpoint = loadLatestCheckpoint(project, record.id);
      if (!checkpoint) throw new DvpError('NOT_FOUND', `${file}: model ${record.id} has no checkpoint yet.`, { file });
      const clip = getClip(project, record.clipId);
      const [first, last] = parseRange(stringOption(context, 'range'), clip.frameCount);
      await selectBackend(parseBackendRequest(stringOption(context, 'backend')), context.stdout);
      const { resolution, windowSize } = record.config.network;
      // Start the source early enough that the first frame has its full window.
      const start = Math.max(0, first - (windowSize - 1));
      const source = await FramesSource.open(clip.path, { resolution, windowSize, start, count: last - start + 1, signal: context.signal });
      const info = await probeVideo(clip.path);
      const side = Math.min(info.width, info.height);
      const crop = { x: Math.floor((info.width - side) / 2), y: Math.floor((info.height - side) / 2), size: side };
      const model = new TranslationModel(record.config);
      const writer = FrameWriter.open({ file: out, format, width: info.width, height: info.height, fps: info.fps, ...(info.startTimecode ? { timecode: info.startTimecode } : {}) });
      try {
        model.restore({ manifest: checkpoint.manifest, weights: checkpoint.weights });
        let done = 0;
        for await (const plate of readFrames(clip.path, info, { start: first, count: last - first + 1, signal: context.signal })) {
          throwIfCancelled(context.signal, 'Synthesis');
          const example = await source.sample(plate.index - start);
          const [image] = synthesize(model.generator, [example.input]);
          await writer.write(compositeIntoPlate(plate.data, info.width, crop, image!, resolution));
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
    } finally {
      project.close();
    }
  },
};
