import { listClips } from '../../engine/project/clips.js';
import { schemaVersion } from '../../engine/project/migrate.js';
import { formatRational } from '../../engine/media/rational.js';
import { positional, withProject, type CliCommand } from '../command.js';

export const infoCommand: CliCommand = {
  name: 'info',
  summary: 'Describe a project: schema version and clips.',
  usage: 'info FILE.dvp [--json]',
  options: { json: { type: 'boolean' } },
  async run(context) {
    const file = positional(context, 0, 'the project file (FILE.dvp)');
    return await withProject(file, { readonly: true }, async (project) => {
      const clips = listClips(project);
      const summary = { file: project.file, schemaVersion: schemaVersion(project.db), createdAt: project.meta('created_at') ?? null, clips };
      if (context.values.json) {
        context.stdout(JSON.stringify(summary, null, 2));
        return;
      }
      context.stdout(`${summary.file} (schema ${summary.schemaVersion}, created ${summary.createdAt ?? 'unknown'})`);
      if (clips.length === 0) context.stdout('No clips. Add one with `dvp import FILE.dvp VIDEO --role target`.');
      for (const clip of clips) {
        context.stdout(
          `  clip ${clip.id}  ${clip.role.padEnd(6)}  ${clip.name}  ${clip.frameCount} frames @ ${formatRational(clip.fps)} fps  ${clip.width}x${clip.height}  tc ${clip.startTimecode ?? '00:00:00:00'}  audio ${clip.audio.length}  ${clip.path}`,
        );
      }
    });
  },
};
