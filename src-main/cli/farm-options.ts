import { setMediaLookup } from '../engine/project/clips.js';
import type { Project } from '../engine/project/project.js';
import type { ChunkSpec } from '../engine/render/chunk-plan.js';
import { DvpError } from '../shared/errors.js';
import { stringOption, type CommandContext } from './command.js';

/** `--search DIR` and `--path-map FROM=TO` (both repeatable): relinking media in memory, per worker. */
export const MEDIA_LOOKUP_OPTIONS = { search: { type: 'string', multiple: true }, 'path-map': { type: 'string', multiple: true } } as const;
export const MEDIA_LOOKUP_USAGE = '[--search DIR]… [--path-map FROM=TO]…';

function strings(context: CommandContext, name: string): string[] {
  const value = context.values[name];
  if (value === undefined) return [];
  return (Array.isArray(value) ? value : [value]).filter((v): v is string => typeof v === 'string');
}

/** The `FROM=TO` rules of `--path-map`, in the order given (the first matching prefix wins). */
export function parsePathMap(rules: readonly string[]): { from: string; to: string }[] {
  return rules.map((rule) => {
    const at = rule.indexOf('=');
    if (at <= 0 || at === rule.length - 1) throw new DvpError('INVALID_ARGUMENT', `--path-map must look like FROM=TO with two path prefixes (got '${rule}').`);
    return { from: rule.slice(0, at), to: rule.slice(at + 1) };
  });
}

/**
 * Applies `--search` and `--path-map` to an open (read-only) project: a clip's stored media path
 * is rewritten by the path map, and a clip still missing is looked up by content in the search
 * folders, in memory only (`dvp relink` writes the found paths; a farm worker never does).
 */
export function applyMediaLookup(context: CommandContext, project: Project): void {
  const search = strings(context, 'search');
  const pathMap = parsePathMap(strings(context, 'path-map'));
  if (search.length > 0 || pathMap.length > 0) setMediaLookup(project, { search, pathMap });
}

/** `--chunks N` / `--chunk-frames K`. */
export const CHUNK_PLAN_OPTIONS = { chunks: { type: 'string' }, 'chunk-frames': { type: 'string' } } as const;

function count(text: string, option: string): number {
  const value = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isInteger(value) || value < 1) throw new DvpError('INVALID_ARGUMENT', `--${option} must be a whole number ≥ 1 (got '${text}').`);
  return value;
}

/** The chunk plan asked for, or undefined when neither option is given; both at once is a usage error. */
export function parseChunkSpec(context: CommandContext): ChunkSpec | undefined {
  const chunks = stringOption(context, 'chunks');
  const chunkFrames = stringOption(context, 'chunk-frames');
  if (chunks !== undefined && chunkFrames !== undefined) throw new DvpError('INVALID_ARGUMENT', 'give either --chunks N or --chunk-frames K, not both.');
  if (chunks !== undefined) return { chunks: count(chunks, 'chunks') };
  if (chunkFrames !== undefined) return { chunkFrames: count(chunkFrames, 'chunk-frames') };
  return undefined;
}

/** `--chunk I` (0-based). */
export function parseChunkIndex(context: CommandContext): number | undefined {
  const text = stringOption(context, 'chunk');
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text.trim())) throw new DvpError('INVALID_ARGUMENT', `--chunk must be a chunk index (a whole number ≥ 0), not '${text}'.`);
  return Number(text);
}
