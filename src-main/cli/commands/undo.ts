import { DvpError } from '../../shared/errors.js';
import { undo } from '../../engine/edit/history.js';
import { positional, withProject, type CliCommand } from '../command.js';

export const undoCommand: CliCommand = {
  name: 'undo',
  summary: 'Undo the latest edit (the history is stored in the project).',
  usage: 'undo FILE.dvp [--json]',
  options: { json: { type: 'boolean' } },
  async run(context) {
    const file = positional(context, 0, 'the project file (FILE.dvp)');
    const entry = await withProject(file, {}, (project) => undo(project));
    if (!entry) throw new DvpError('NOT_FOUND', `${file}: there is nothing to undo.`, { file });
    context.stdout(context.values.json ? JSON.stringify({ undone: entry }) : `Undid: ${entry.label} (clip ${entry.targetClipId}).`);
  },
};
