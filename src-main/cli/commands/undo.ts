import { DvpError } from '../../shared/errors.js';
import { undo } from '../../engine/edit/history.js';
import { Project } from '../../engine/project/project.js';
import { positional, type CliCommand } from '../command.js';

export const undoCommand: CliCommand = {
  name: 'undo',
  summary: 'Undo the latest edit (the history is stored in the project).',
  usage: 'undo FILE.dvp [--json]',
  options: { json: { type: 'boolean' } },
  async run(context) {
    const file = positional(context, 0, 'the project file (FILE.dvp)');
    const project = Project.open(file);
    try {
      const entry = undo(project);
      if (!entry) throw new DvpError('NOT_FOUND', `${file}: there is nothing to undo.`, { file });
      if (context.values.json) {
        context.stdout(JSON.stringify({ undone: entry }));
        return;
      }
      context.stdout(`Undid: ${entry.label} (clip ${entry.targetClipId}).`);
    } finally {
      project.close();
    }
  },
};
