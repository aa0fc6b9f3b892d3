import path from 'node:path';
import { resolveTargetClip } from '../../engine/edit/shot-edit.js';
import { conformChunks, isChunkFormat, type ConformSummary } from '../../engine/render/conform.js';
import { DvpError } from '../../shared/errors.js';
import { positional, stringOption, withProject, type CliCommand, type CommandContext } from '../command.js';
import { applyMediaLookup, CHUNK_PLAN_OPTIONS, MEDIA_LOOKUP_OPTIONS, MEDIA_LOOKUP_USAGE, parseChunkSpec } from '../farm-options.js';
import { parseFrameRange } from '../range.js';
import { OVERWRITE_OPTION, parseAudio, parseFormat, parseId } from './render.js';

export function describeConform(summary: ConformSummary): string {
  return (
    `wrote ${summary.file}: frames ${summary.first}-${summary.last} (${summary.frames} frames) from ${summary.chunks} piece(s), video copied (not re-encoded), ` +
    `timecode ${summary.timecode}, ${summary.audio ? `audio: ${summary.audio}` : 'no audio'}`
  );
}

function printConform(context: CommandContext, summary: ConformSummary): void {
  context.stdout(context.values.json ? JSON.stringify(summary, null, 2) : describeConform(summary));
}

export const conformCommand: CliCommand = {
  name: 'conform',
  summary: "Join the pieces of a chunked render into one file without re-encoding the video, with the shot's timecode and the audio laid once over the range.",
  usage: `conform FILE.dvp [--range A-B] --chunks N|--chunk-frames K --pieces DIR --out OUT.mov [--audio target|source|none|FILE] [--format prores-hq|prores-4444] [--overwrite] [--shot ID] ${MEDIA_LOOKUP_USAGE} [--json]`,
  details: [
    'The plan is recomputed from --range and --chunks/--chunk-frames (give the ones the pieces were rendered with); every piece DIR/chunk-0000.mov …',
    'must exist, decode, have exactly its chunk\'s frames and the same codec, size, pixel format and frame rate; a problem is refused (exit 1) naming the piece.',
  ],
  options: {
    ...OVERWRITE_OPTION,
    ...CHUNK_PLAN_OPTIONS,
    ...MEDIA_LOOKUP_OPTIONS,
    shot: { type: 'string' },
    range: { type: 'string' },
    pieces: { type: 'string' },
    out: { type: 'string' },
    audio: { type: 'string' },
    format: { type: 'string' },
    json: { type: 'boolean' },
  },
  async run(context) {
    const file = positional(context, 0, 'the project file (FILE.dvp)');
    const out = stringOption(context, 'out');
    if (!out) throw new DvpError('INVALID_ARGUMENT', 'missing --out FILE (e.g. shot.mov).');
    const pieces = stringOption(context, 'pieces');
    if (!pieces) throw new DvpError('INVALID_ARGUMENT', 'missing --pieces DIR (the folder the chunked render wrote).');
    const by = parseChunkSpec(context);
    if (!by) throw new DvpError('INVALID_ARGUMENT', 'missing --chunks N or --chunk-frames K (the plan the pieces were rendered with).');
    const format = parseFormat(stringOption(context, 'format'));
    if (!isChunkFormat(format)) throw new DvpError('INVALID_ARGUMENT', `--format must be prores-hq or prores-4444 for conform (got '${format}').`);
    const rangeText = stringOption(context, 'range');
    const range = rangeText === undefined ? undefined : parseFrameRange(rangeText);
    const audio = parseAudio(stringOption(context, 'audio'));
    const shotId = parseId(stringOption(context, 'shot'), 'shot');
    // Read-only, as render: conform writes nothing to the project and runs on a farm snapshot.
    await withProject(file, { readonly: true }, async (project) => {
      applyMediaLookup(context, project);
      const clip = resolveTargetClip(project, shotId);
      const summary = await conformChunks(project, {
        clipId: clip.id,
        by,
        pieces: path.resolve(pieces),
        out: path.resolve(out),
        audio,
        format,
        overwrite: context.values.overwrite === true,
        signal: context.signal,
        ...(range ? { range } : {}),
      });
      printConform(context, summary);
    });
  },
};
