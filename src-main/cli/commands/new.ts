import { Project } from '../../engine/project/project.js';
import { positional, type CliCommand } from '../command.js';

export const newCommand: CliCommand = {
  name: 'new',
  summary: 'Create an empty project file.',
  usage: 'new FILE.dvp',
  options: {},
  async run(context) {
    const file = positional(context, 0, 'the project file to create (FILE.dvp)');
    const project = Project.create(file);
    project.close();
    context.stdout(`Created ${file}`);
  },
};
