import { DvpError } from '../../shared/errors.js';
import { CLIP_ROLES, type ClipRole } from '../../engine/project/clips.js';
import { importClip } from '../../engine/project/import-clip.js';
import { formatRational, rationalToNumber } from '../../engine/media/rational.js';
import { positional, stringOption, withProject, type CliCommand } from '../command.js';

export const importCommand: CliCommand = {
  name: 'import',
  summary: 'Add a video to the project as a target, source or audio clip.',
  usage: 'import FILE.dvp VIDEO --role target|source|audio [--json]',
  options: { role: { type: 'string' }, json: { type: 'boolean' } },
  async run(context) {
    const file = positional(context, 0, 'the project file (FILE.dvp)');
    const video = positional(context, 1, 'the video to import');
    const role = stringOption(context, 'role') ?? 'target';
    if (!CLIP_ROLES.includes(role as ClipRole)) {
      throw new DvpError('INVALID_ARGUMENT', `--role must be one of ${CLIP_ROLES.join(', ')} (got '${role}').`);
    }
    return await withProject(file, {}, async (project) => {
      const { clip, created } = await importClip(project, video, role as ClipRole, { signal: context.signal });
      if (context.values.json) {
        context.stdout(JSON.stringify({ created, clip }));
        return;
      }
      const verb = created ? 'Imported' : 'Already in the project:';
      const fps = clip.fps.den === 1 ? `${clip.fps.num}` : `${formatRational(clip.fps)} (${rationalToNumber(clip.fps).toFixed(3)})`;
      const audio = clip.audio.length === 0 ? 'no audio' : clip.audio.map((a) => `${a.codec} ${a.sampleRate} Hz ${a.channels} ch`).join(', ');
      context.stdout(
        `${verb} clip ${clip.id} '${clip.name}' as ${clip.role}: ${clip.frameCount} frames at ${fps} fps, ${clip.width}x${clip.height}, ${clip.videoCodec}, ${audio}`,
      );
    });
  },
};
