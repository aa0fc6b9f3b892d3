import { DvpError } from '../../shared/errors.js';
import { renderOverlay } from '../../engine/track/overlay.js';
import { positional, stringOption, withProject, type CliCommand } from '../command.js';
import { parseFrameRange } from '../range.js';

export const overlayCommand: CliCommand = {
  name: 'overlay',
  summary: 'Render a check video of the tracking: fitted mesh, landmarks, eyes and gaze rays over the clip.',
  usage: 'overlay FILE.dvp --clip ID --out OVERLAY.mp4 [--overwrite] [--range A-B] [--raw]',
  options: { clip: { type: 'string' }, out: { type: 'string' }, range: { type: 'string' }, raw: { type: 'boolean' }, overwrite: { type: 'boolean' } },
  async run(context) {
    const file = positional(context, 0, 'the project file (FILE.dvp)');
    const clipText = stringOption(context, 'clip');
    const out = stringOption(context, 'out');
    if (clipText === undefined || !Number.isInteger(Number(clipText))) throw new DvpError('INVALID_ARGUMENT', '--clip ID is required (a clip id from `dvp info`).');
    if (out === undefined) throw new DvpError('INVALID_ARGUMENT', '--out OVERLAY.mp4 is required.');
    const rangeText = stringOption(context, 'range');
    const range = rangeText === undefined ? undefined : parseFrameRange(rangeText);
    await withProject(file, { readonly: true }, async (project) => {
      const result = await renderOverlay(project, {
        clipId: Number(clipText),
        out,
        overwrite: context.values.overwrite === true,
        ...(range ? { range } : {}),
        raw: context.values.raw === true,
        signal: context.signal,
        onProgress: (progress) => context.progress('overlay', progress),
      });
      context.stdout(`Wrote ${result.frames} frames to ${result.out}.`);
    });
  },
};
