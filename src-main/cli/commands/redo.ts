import { DvpError } from '../../shared/errors.js';
import { redo } from '../../engine/edit/history.js';
import { positional, withProject, type CliCommand } from '../command.js';

export const redoCommand: CliCommand = {
  name: 'redo',
  summary: 'Redo the most recently undone edit.',
  usage: 'redo FILE.dvp [--json]',
  options: { json: { type: 'boolean' } },
  async run(context) {
    const file = positional(context, 0, 'the project file (FILE.dvp)');
    const entry = await withProject(file, {}, (project) => redo(project));
    if (!entry) throw new DvpError('NOT_FOUND', `${file}: there is nothing to redo.`, { file });
    context.stdout(context.values.json ? JSON.stringify({ redone: entry }) : `Redid: ${entry.label} (clip ${entry.targetClipId}).`);
  },
};
