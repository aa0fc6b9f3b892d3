import { DvpError } from '../../shared/errors.js';
import { redo } from '../../engine/edit/history.js';
import { Project } from '../../engine/project/project.js';
import { positional, type CliCommand } from '../command.js';

export const redoCommand: CliCommand = {
  name: 'redo',
  summary: 'Redo the most recently undone edit.',
  usage: 'redo FILE.dvp [--json]',
  options: { json: { type: 'boolean' } },
  async run(context) {
    const file = positional(context, 0, 'the project file (FILE.dvp)');
    const project = Project.open(file);
    try {
      const entry = redo(project);
      if (!entry) throw new DvpError('NOT_FOUND', `${file}: there is nothing to redo.`, { file });
      if (context.values.json) {
        context.stdout(JSON.stringify({ redone: entry }));
        return;
      }
      context.stdout(`Redid: ${entry.label} (clip ${entry.targetClipId}).`);
    } finally {
      project.close();
    }
  },
};
