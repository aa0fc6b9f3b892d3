import path from 'node:path';
import { isBindingMode } from '../../engine/edit/bindings.js';
import { resolveTargetClip } from '../../engine/edit/shot-edit.js';
import { getClip, listClips, type Clip } from '../../engine/project/clips.js';
import type { Project } from '../../engine/project/project.js';
import { bindSource } from '../../engine/render/reenact.js';
import { DvpError } from '../../shared/errors.js';
import { positional, stringOption, withProject, type CliCommand } from '../command.js';
import { parseId } from './render.js';

/** A clip named by id, by name, or by the path of its media. */
function findClip(project: Project, text: string): Clip {
  if (/^\d+$/.test(text)) return getClip(project, Number(text));
  const absolute = path.resolve(text);
  const clip = listClips(project).find((c) => c.name === text || c.path === absolute);
  if (!clip) {
    throw new DvpError('NOT_FOUND', `${project.file}: no clip is called '${text}'; import it with \`dvp import ${project.file} ${text} --role source\` and track it.`, {
      file: project.file,
    });
  }
  return clip;
}

export const reenactCommand: CliCommand = {
  name: 'reenact',
  summary: "Drive a target shot from a source clip (full head, expression, mouth or gaze), relative to both clips' neutral frames (one undoable edit).",
  usage: 'reenact FILE.dvp --source CLIP --mode full|expression|mouth|gaze [--offset N] [--strength S] [--shot ID] [--json]',
  options: {
    source: { type: 'string' },
    mode: { type: 'string' },
    offset: { type: 'string' },
    strength: { type: 'string' },
    shot: { type: 'string' },
    json: { type: 'boolean' },
  },
  async run(context) {
    const file = positional(context, 0, 'the project file (FILE.dvp)');
    const sourceText = stringOption(context, 'source');
    if (sourceText === undefined) throw new DvpError('INVALID_ARGUMENT', 'missing --source CLIP (a clip id, name or media path).');
    const mode = stringOption(context, 'mode');
    if (mode === undefined || !isBindingMode(mode)) throw new DvpError('INVALID_ARGUMENT', `--mode must be full, expression, mouth or gaze (got '${mode ?? ''}').`);
    const offsetText = stringOption(context, 'offset');
    const offset = offsetText === undefined ? 0 : Number(offsetText);
    if (!Number.isInteger(offset)) throw new DvpError('INVALID_ARGUMENT', `--offset must be a whole number of frames (got '${offsetText}').`);
    const strengthText = stringOption(context, 'strength');
    const strength = strengthText === undefined ? undefined : Number(strengthText);
    if (strength !== undefined && !(strength >= 0 && strength <= 1)) throw new DvpError('INVALID_ARGUMENT', `--strength must lie in [0, 1] (got '${strengthText}').`);
    const shotId = parseId(stringOption(context, 'shot'), 'shot');
    return await withProject(file, {}, async (project) => {
      const target = resolveTargetClip(project, shotId);
      const source = findClip(project, sourceText);
      const applied = bindSource(project, { targetClipId: target.id, sourceClipId: source.id, mode, offset, ...(strength !== undefined ? { strength } : {}) });
      const bindingId = applied.bindingIds[0]!;
      if (context.values.json) {
        context.stdout(JSON.stringify({ seq: applied.seq, shot: target.id, binding: bindingId, source: source.id, mode, offset, strength: strength ?? 1 }));
        return;
      }
      context.stdout(
        `Clip ${target.id} (${target.name}) now follows clip ${source.id} (${source.name}): ${mode}, offset ${offset}, strength ${strength ?? 1} (binding ${bindingId}; \`dvp undo ${file}\` removes it).`,
      );
    });
  },
};
