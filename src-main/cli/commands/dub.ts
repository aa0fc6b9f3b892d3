import path from 'node:path';
import { resolveTargetClip } from '../../engine/edit/shot-edit.js';
import { OUTPUT_FORMATS } from '../../engine/media/output-formats.js';
import { dubShot } from '../../engine/render/dub.js';
import { DvpError } from '../../shared/errors.js';
import { BACKEND_OPTIONS, BACKEND_USAGE, parseBackendOptions } from '../backend-options.js';
import { positional, stringOption, withProject, type CliCommand } from '../command.js';
import { parseFrameRange } from '../range.js';
import { COMPOSITE_OPTIONS, COMPOSITE_USAGE, describeRender, OVERWRITE_OPTION, parseComposite, parseFormat, parseId } from './render.js';

export const dubCommand: CliCommand = {
  name: 'dub',
  summary: "Visual dubbing: the dub video drives the target's mouth (imported and tracked if need be) and the shot is rendered with the dubbed audio.",
  usage: `dub FILE.dvp --source DUB_VIDEO [--audio DUB.wav] [--offset N] [--out OUT.mov] [--overwrite] [--format prores-hq|prores-4444|h264] [--range A-B] ${COMPOSITE_USAGE} [--shot ID] [--model ID] ${BACKEND_USAGE} [--json]`,
  options: {
    ...COMPOSITE_OPTIONS,
    ...OVERWRITE_OPTION,
    source: { type: 'string' },
    audio: { type: 'string' },
    offset: { type: 'string' },
    out: { type: 'string' },
    format: { type: 'string' },
    range: { type: 'string' },
    shot: { type: 'string' },
    model: { type: 'string' },
    ...BACKEND_OPTIONS,
    json: { type: 'boolean' },
  },
  async run(context) {
    const file = positional(context, 0, 'the project file (FILE.dvp)');
    const dubVideo = stringOption(context, 'source');
    if (dubVideo === undefined) throw new DvpError('INVALID_ARGUMENT', "missing --source DUB_VIDEO (the dubbing actor's video).");
    const format = parseFormat(stringOption(context, 'format'));
    const composite = parseComposite(stringOption(context, 'composite'));
    const offsetText = stringOption(context, 'offset');
    const offset = offsetText === undefined ? 0 : Number(offsetText);
    if (!Number.isInteger(offset)) throw new DvpError('INVALID_ARGUMENT', `--offset must be a whole number of frames (got '${offsetText}').`);
    const rangeText = stringOption(context, 'range');
    const range = rangeText === undefined ? undefined : parseFrameRange(rangeText);
    const audio = stringOption(context, 'audio');
    const shotId = parseId(stringOption(context, 'shot'), 'shot');
    const modelId = parseId(stringOption(context, 'model'), 'model');
    const { backend, precision } = parseBackendOptions(context);
    return await withProject(file, {}, async (project) => {
      const target = resolveTargetClip(project, shotId);
      const out =
        stringOption(context, 'out') ??
        path.join(project.directory, `${path.parse(target.name).name}.dub-${path.parse(dubVideo).name}${OUTPUT_FORMATS[format].extension}`);
      const summary = await dubShot(project, {
        targetClipId: target.id,
        dubVideo: path.resolve(dubVideo),
        out: path.resolve(out),
        overwrite: context.values.overwrite === true,
        format,
        composite,
        colourMatch: context.values['colour-match'] === true,
        offset,
        backend,
        precision,
        signal: context.signal,
        onProgress: (stage, p) => context.progress(stage === 'track' ? 'track dub' : 'render', p),
        ...(context.values.json ? {} : { log: context.stdout }),
        ...(audio !== undefined ? { audio: path.resolve(audio) } : {}),
        ...(range ? { range } : {}),
        ...(modelId !== undefined ? { modelId } : {}),
      });
      if (context.values.json) {
        context.stdout(JSON.stringify(summary, null, 2));
        return;
      }
      context.stdout(
        `dub: clip ${summary.sourceClipId}${summary.imported ? ' imported' : ''} drives the mouth of clip ${target.id} (${target.name}) ` +
          `(binding ${summary.bindingId}${summary.bound ? ', new' : ', existing'}; \`dvp undo ${file}\` removes a new one).`,
      );
      for (const line of describeRender(summary.render)) context.stdout(line);
    });
  },
};
