import { DvpError } from '../../shared/errors.js';
import { listClips, resolveClipMedia } from '../../engine/project/clips.js';
import { positional, withProject, type CliCommand } from '../command.js';

export const relinkCommand: CliCommand = {
  name: 'relink',
  summary: 'Find moved clip media by content and update the project.',
  usage: 'relink FILE.dvp [--search FOLDER]...',
  options: { search: { type: 'string', multiple: true } },
  async run(context) {
    const file = positional(context, 0, 'the project file (FILE.dvp)');
    const search = (context.values.search as string[] | undefined) ?? [];
    await withProject(file, {}, async (project) => {
      let missing = 0;
      for (const clip of listClips(project)) {
        try {
          const found = resolveClipMedia(project, clip, search);
          context.stdout(`clip ${clip.id}: ${found.path === clip.path ? 'ok' : `relinked to ${found.path}`}`);
        } catch (error) {
          missing++;
          context.stdout(`clip ${clip.id}: ${(error as Error).message}`);
        }
      }
      if (missing > 0) {
        throw new DvpError('FILE_NOT_FOUND', `${file}: ${missing} clip(s) could not be found; pass the folder that holds them with --search.`, { file });
      }
    });
  },
};
