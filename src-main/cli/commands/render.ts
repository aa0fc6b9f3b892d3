import path from 'node:path';
import { resolveTargetClip } from '../../engine/edit/shot-edit.js';
import { isOutputFormatId, type OutputFormatId } from '../../engine/media/output-formats.js';
import { chunkFileName, planChunks } from '../../engine/render/chunk-plan.js';
import { isChunkFormat } from '../../engine/render/conform.js';
import type { AudioChoice } from '../../engine/render/render-audio.js';
import { isCompositeMode, type CompositeMode } from '../../engine/render/render-shot.js';
import { renderShotToFile, type RenderSummary } from '../../engine/render/render-to-file.js';
import { DvpError } from '../../shared/errors.js';
import { BACKEND_OPTIONS, BACKEND_USAGE, parseBackendOptions } from '../backend-options.js';
import { positional, stringOption, withProject, type CliCommand, type CommandContext } from '../command.js';
import { applyMediaLookup, CHUNK_PLAN_OPTIONS, MEDIA_LOOKUP_OPTIONS, MEDIA_LOOKUP_USAGE, parseChunkIndex, parseChunkSpec } from '../farm-options.js';
import { parseFrameRange } from '../range.js';

export function parseId(text: string | undefined, name: string): number | undefined {
  if (text === undefined) return undefined;
  const id = Number(text);
  if (!Number.isInteger(id) || id <= 0) throw new DvpError('INVALID_ARGUMENT', `--${name} must be an id (a whole number ≥ 1), not '${text}'.`);
  return id;
}

export function parseFormat(text: string | undefined): OutputFormatId {
  const format = text ?? 'prores-hq';
  if (!isOutputFormatId(format)) throw new DvpError('INVALID_ARGUMENT', `--format must be prores-hq, prores-4444 or h264 (got '${format}').`);
  return format;
}

export function parseAudio(text: string | undefined): AudioChoice {
  const value = text ?? 'target';
  if (value === 'target' || value === 'source' || value === 'none') return { kind: value };
  return { kind: 'file', path: path.resolve(value) };
}

export function parseComposite(text: string | undefined): CompositeMode {
  const mode = text ?? 'region';
  if (!isCompositeMode(mode)) throw new DvpError('INVALID_ARGUMENT', `--composite must be region or crop (got '${mode}').`);
  return mode;
}

/** `--composite` and `--colour-match`, shared by render and dub. */
export const COMPOSITE_OPTIONS = { composite: { type: 'string' }, 'colour-match': { type: 'boolean' } } as const;
export const COMPOSITE_USAGE = '[--composite region|crop] [--colour-match]';

/** `--overwrite`: replace an existing output file (never an input); shared by every command that writes a video. */
export const OVERWRITE_OPTION = { overwrite: { type: 'boolean' } } as const;

/** What the composite did and the seam it left, in one line. */
export function describeComposite(summary: RenderSummary): string {
  const { seam } = summary;
  const levels = (value: number | null): string => (value === null ? 'n/a' : `${value.toFixed(1)} levels`);
  const seamText =
    seam.levels === null
      ? 'seam: n/a (nothing composited)'
      : `seam: ${levels(seam.colourMatch ? seam.colourMatchedLevels : seam.levels)}` +
        (seam.colourMatchedLevels === null ? '' : seam.colourMatch ? ` (${levels(seam.levels)} without colour match)` : ` (${levels(seam.colourMatchedLevels)} with --colour-match)`);
  if (summary.composite === 'crop') return `composite: crop (the network's whole square, feathered) on ${summary.composited} frame(s); ${seamText}`;
  const regions = Object.entries(summary.regions)
    .filter(([, count]) => count > 0)
    .map(([name, count]) => `${name} ${count}`)
    .join(', ');
  return `composite: region mask on ${summary.composited} of ${summary.frames} frame(s)${regions ? ` (${regions})` : ''}, the plate elsewhere; ${seamText}`;
}

/** The lines a render prints: what was written, then warnings a colourist must see. */
export function describeRender(summary: RenderSummary): string[] {
  const lines = [
    `wrote ${summary.file}: frames ${summary.first}-${summary.last} (${summary.frames} frames, ${summary.synthesized} synthesized), ${summary.format}, timecode ${summary.timecode}, ` +
      `${summary.audio ? `audio: ${summary.audio}` : 'no audio'}; model ${summary.modelId} (step ${summary.checkpointStep}), ${summary.framesPerSecond.toFixed(1)} frames/s`,
    describeComposite(summary),
  ];
  for (const span of summary.passThrough) {
    lines.push(`note: frames ${span.first}-${span.last} have no tracked face; the plate passes through unchanged there.`);
  }
  if (summary.outOfRangeFrames > 0) {
    lines.push(`warning: ${summary.outOfRangeFrames} frame(s) ask for parameters outside what the target showed in training; expect artefacts there:`);
    for (const span of summary.outOfRange) lines.push(`warning:   frames ${span.first}-${span.last}: ${describeParams(span.params)}`);
  }
  return lines;
}

/** Named controls first; the raw expression coefficients (expression0…63) only counted. */
function describeParams(params: readonly string[]): string {
  const named = params.filter((p) => !/^expression\d+$/.test(p));
  const coefficients = params.length - named.length;
  const parts = [...named];
  if (coefficients > 0) parts.push(`${coefficients} expression coefficient${coefficients === 1 ? '' : 's'}`);
  return parts.join(', ');
}

export function printRender(context: CommandContext, summary: RenderSummary): void {
  if (context.values.json) context.stdout(JSON.stringify(summary, null, 2));
  else for (const line of describeRender(summary)) context.stdout(line);
}

export const renderCommand: CliCommand = {
  name: 'render',
  summary: "Render a shot's edit to ProRes or H.264: edited parameters → conditioning → network → composited into the plate, with timecode and audio.",
  usage: `render FILE.dvp --out OUT.mov [--overwrite] [--shot ID] [--range A-B] [--format prores-hq|prores-4444|h264] [--audio target|source|none|FILE] ${COMPOSITE_USAGE} [--model ID] ${BACKEND_USAGE} [--chunks N|--chunk-frames K [--chunk I]] ${MEDIA_LOOKUP_USAGE} [--json]`,
  details: [
    'With --chunks N or --chunk-frames K, --out is a folder: the range is cut into chunks (chunk-plan.ts) and each chunk is rendered',
    'into OUT/chunk-0000.mov, … (ProRes, video only); --chunk I renders only chunk I (one farm task). Join them with `dvp conform`.',
    '--search DIR and --path-map FROM=TO relink moved media in memory (the project is opened read-only and never written).',
  ],
  options: {
    ...COMPOSITE_OPTIONS,
    ...CHUNK_PLAN_OPTIONS,
    ...MEDIA_LOOKUP_OPTIONS,
    chunk: { type: 'string' },
    ...OVERWRITE_OPTION,
    shot: { type: 'string' },
    range: { type: 'string' },
    format: { type: 'string' },
    audio: { type: 'string' },
    out: { type: 'string' },
    model: { type: 'string' },
    ...BACKEND_OPTIONS,
    json: { type: 'boolean' },
  },
  async run(context) {
    const file = positional(context, 0, 'the project file (FILE.dvp)');
    const out = stringOption(context, 'out');
    if (!out) throw new DvpError('INVALID_ARGUMENT', 'missing --out FILE (e.g. shot.mov).');
    const format = parseFormat(stringOption(context, 'format'));
    const composite = parseComposite(stringOption(context, 'composite'));
    const audio = parseAudio(stringOption(context, 'audio'));
    const chunkSpec = parseChunkSpec(context);
    const chunkIndex = parseChunkIndex(context);
    if (chunkIndex !== undefined && !chunkSpec) throw new DvpError('INVALID_ARGUMENT', '--chunk I needs the plan: --chunks N or --chunk-frames K.');
    if (chunkSpec && !isChunkFormat(format)) throw new DvpError('INVALID_ARGUMENT', `a chunked render writes ProRes pieces (--format prores-hq or prores-4444), not ${format}.`);
    if (chunkSpec && audio.kind !== 'none' && stringOption(context, 'audio') !== undefined) {
      throw new DvpError('INVALID_ARGUMENT', 'the pieces of a chunked render carry no audio; give --audio to `dvp conform`, which lays it once over the whole range.');
    }
    const rangeText = stringOption(context, 'range');
    const range = rangeText === undefined ? undefined : parseFrameRange(rangeText);
    const shotId = parseId(stringOption(context, 'shot'), 'shot');
    const modelId = parseId(stringOption(context, 'model'), 'model');
    const { backend, precision } = parseBackendOptions(context);
    // Always read-only: a render writes nothing to the project (no lock, no WAL), so it runs as well on a farm snapshot.
    return await withProject(file, { readonly: true }, async (project) => {
      applyMediaLookup(context, project);
      const clip = resolveTargetClip(project, shotId);
      if (chunkSpec) {
        const plan = planChunks(range ?? { first: 0, last: clip.frameCount - 1 }, chunkSpec);
        if (chunkIndex !== undefined && chunkIndex >= plan.length) {
          throw new DvpError('INVALID_ARGUMENT', `--chunk ${chunkIndex}: the plan has ${plan.length} chunk(s), 0-${plan.length - 1}.`);
        }
        const dir = path.resolve(out);
        const summaries: RenderSummary[] = [];
        for (const chunk of chunkIndex === undefined ? plan : [plan[chunkIndex]!]) {
          const summary = await renderShotToFile(project, {
            clipId: clip.id,
            out: path.join(dir, chunkFileName(chunk.index)),
            overwrite: context.values.overwrite === true,
            format,
            audio: { kind: 'none' },
            composite,
            colourMatch: context.values['colour-match'] === true,
            backend,
            precision,
            signal: context.signal,
            onProgress: (p) => context.progress(`chunk ${chunk.index}`, p),
            range: { first: chunk.first, last: chunk.last },
            ...(modelId !== undefined ? { modelId } : {}),
          });
          summaries.push(summary);
          if (!context.values.json) context.stdout(`chunk ${chunk.index} of ${plan.length}: ${describeRender(summary)[0]!}`);
        }
        if (context.values.json) context.stdout(JSON.stringify(chunkIndex === undefined ? summaries : summaries[0], null, 2));
        return;
      }
      const summary = await renderShotToFile(project, {
        clipId: clip.id,
        out: path.resolve(out),
        overwrite: context.values.overwrite === true,
        format,
        audio,
        composite,
        colourMatch: context.values['colour-match'] === true,
        backend,
        precision,
        signal: context.signal,
        ...(context.values.json ? {} : { log: context.stdout }),
        onProgress: (p) => context.progress('render', p),
        ...(range ? { range } : {}),
        ...(modelId !== undefined ? { modelId } : {}),
      });
      printRender(context, summary);
    });
  },
};
