import { DvpError } from '../../shared/errors.js';

/**
 * One piece of a chunked render: chunk `index` (0-based) covers clip frames `first … last`
 * (inclusive). ProRes is intra-frame only, so any frame is a clean boundary: the pieces join
 * with ffmpeg's concat demuxer without re-encoding (`conform.ts`).
 */
export interface RenderChunk {
  index: number;
  first: number;
  last: number;
}

/** How to cut a range: into `chunks` pieces of nearly equal size, or into pieces of `chunkFrames` frames. */
export type ChunkSpec = { chunks: number } | { chunkFrames: number };

function wholeNumber(value: number, what: string): void {
  if (!Number.isInteger(value) || value < 1) throw new DvpError('INVALID_ARGUMENT', `${what} must be a whole number ≥ 1 (got ${value}).`);
}

/**
 * The chunks of `range` (inclusive frames): contiguous, in order, covering it exactly. With
 * `chunks`, the sizes differ by at most one frame (the longer ones first); with `chunkFrames`,
 * every chunk has that many frames but the last, which has the rest. Nonsense (a reversed or
 * negative range, zero or fractional counts, more chunks than frames) is refused with INVALID_ARGUMENT.
 */
export function planChunks(range: { first: number; last: number }, by: ChunkSpec): RenderChunk[] {
  const { first, last } = range;
  if (!Number.isInteger(first) || !Number.isInteger(last) || first < 0 || last < first) {
    throw new DvpError('INVALID_ARGUMENT', `the range ${first}-${last} is not a range of frames (A-B with 0 ≤ A ≤ B).`);
  }
  const frames = last - first + 1;
  const chunks: RenderChunk[] = [];
  if ('chunks' in by) {
    wholeNumber(by.chunks, 'the number of chunks');
    if (by.chunks > frames) throw new DvpError('INVALID_ARGUMENT', `${by.chunks} chunks are more than the ${frames} frame(s) of ${first}-${last}.`);
    const base = Math.floor(frames / by.chunks);
    const longer = frames % by.chunks;
    let start = first;
    for (let index = 0; index < by.chunks; index++) {
      const size = base + (index < longer ? 1 : 0);
      chunks.push({ index, first: start, last: start + size - 1 });
      start += size;
    }
  } else {
    wholeNumber(by.chunkFrames, 'the frames per chunk');
    for (let start = first, index = 0; start <= last; start += by.chunkFrames, index++) {
      chunks.push({ index, first: start, last: Math.min(last, start + by.chunkFrames - 1) });
    }
  }
  return chunks;
}

/** The file of chunk `index` inside the pieces folder: `chunk-0000.mov` (at least 4 digits). */
export function chunkFileName(index: number): string {
  if (!Number.isInteger(index) || index < 0) throw new DvpError('INVALID_ARGUMENT', `a chunk index must be a whole number ≥ 0 (got ${index}).`);
  return `chunk-${String(index).padStart(4, '0')}.mov`;
}
