import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DvpError, isDvpError } from '../../shared/errors.js';
import { ffmpegBinaries } from '../media/ffmpeg-binary.js';
import { startFfmpeg } from '../media/ffmpeg-process.js';
import { OutputFile } from '../media/output-file.js';
import { OUTPUT_FORMATS, type OutputFormatId } from '../media/output-formats.js';
import type { OutputPolicy } from '../media/output-guard.js';
import { parseRational, type Rational } from '../media/rational.js';
import { runProcess, stderrTail } from '../media/run-process.js';
import { getClip, resolveClipMedia, type Clip } from '../project/clips.js';
import { projectInputs } from '../project/project-inputs.js';
import type { Project } from '../project/project.js';
import { chunkFileName, planChunks, type ChunkSpec, type RenderChunk } from './chunk-plan.js';
import { conformAudio, type AudioChoice } from './render-audio.js';
import { alignAudio } from './render-audio.js';
import { renderTimecode } from './render-to-file.js';

/** The ProRes formats a chunked render writes and conform joins (intra-frame, so any frame is a clean cut). */
export type ChunkFormatId = Extract<OutputFormatId, 'prores-hq' | 'prores-4444'>;

export function isChunkFormat(format: OutputFormatId): format is ChunkFormatId {
  return format === 'prores-hq' || format === 'prores-4444';
}

export interface ConformOptions {
  /** The target clip (its shot). */
  clipId: number;
  /** The inclusive range the pieces were rendered for; the whole clip by default. */
  range?: { first: number; last: number };
  /** The same plan the pieces were rendered with. */
  by: ChunkSpec;
  /** The folder of `chunk-0000.mov` … */
  pieces: string;
  out: string;
  audio: AudioChoice;
  /** The pieces' format (checked), prores-hq by default. */
  format?: ChunkFormatId;
  overwrite?: boolean;
  overwriteHint?: string;
  signal?: AbortSignal;
}

export interface ConformSummary {
  file: string;
  format: ChunkFormatId;
  first: number;
  last: number;
  frames: number;
  chunks: number;
  timecode: string;
  audio: string | null;
}

/** What ffprobe says about one piece's video after decoding every frame. */
interface PieceInfo {
  file: string;
  chunk: RenderChunk;
  frames: number;
  codec: string;
  tag: string;
  width: number;
  height: number;
  pixFmt: string;
  fps: Rational | undefined;
}

interface ProbedStream {
  codec_name?: string;
  codec_tag_string?: string;
  width?: number;
  height?: number;
  pix_fmt?: string;
  r_frame_rate?: string;
  avg_frame_rate?: string;
  nb_read_frames?: string;
}

/** Decodes every frame of a piece (`-count_frames`); a piece that does not decode cleanly is refused, named. */
async function probePiece(file: string, chunk: RenderChunk, signal?: AbortSignal): Promise<PieceInfo> {
  const what = `${file}: the piece of chunk ${chunk.index} (frames ${chunk.first}-${chunk.last})`;
  if (!existsSync(file)) {
    throw new DvpError('FILE_NOT_FOUND', `${what} is missing.`, {
      file,
      remedy: { cli: `render it with \`dvp render … --chunk ${chunk.index}\` and conform again.`, gui: `Render chunk ${chunk.index} again, then conform.` },
    });
  }
  const args = ['-v', 'error', '-count_frames', '-select_streams', 'v:0', '-show_entries',
    'stream=codec_name,codec_tag_string,width,height,pix_fmt,r_frame_rate,avg_frame_rate,nb_read_frames', '-of', 'json', file];
  const result = signal ? await runProcess(ffmpegBinaries().ffprobe, args, { signal }) : await runProcess(ffmpegBinaries().ffprobe, args);
  const errors = stderrTail(result.stderr);
  if (result.code !== 0 || errors.trim() !== '') {
    throw new DvpError('CORRUPT_VIDEO', `${what} is not decodable (${errors || `ffprobe exited with ${result.code}`}); render it again.`, { file });
  }
  const stream = ((JSON.parse(result.stdout.toString('utf8')) as { streams?: ProbedStream[] }).streams ?? [])[0];
  if (!stream) throw new DvpError('CORRUPT_VIDEO', `${what} has no video stream; render it again.`, { file });
  return {
    file,
    chunk,
    frames: Number(stream.nb_read_frames ?? 0),
    codec: stream.codec_name ?? 'unknown',
    tag: stream.codec_tag_string ?? 'unknown',
    width: stream.width ?? 0,
    height: stream.height ?? 0,
    pixFmt: stream.pix_fmt ?? 'unknown',
    fps: parseRational(stream.avg_frame_rate) ?? parseRational(stream.r_frame_rate),
  };
}

const sameRate = (a: Rational | undefined, b: Rational): boolean => a !== undefined && a.num * b.den === b.num * a.den;
const rateText = (r: Rational | undefined): string => (r ? `${r.num}/${r.den}` : 'unknown');

/** Refuses a piece whose frame count, codec, size, pixel format or frame rate is not what the shot and the other pieces have. */
function checkPiece(piece: PieceInfo, clip: Clip, format: ChunkFormatId, reference: PieceInfo | undefined): void {
  const { chunk } = piece;
  const expected = chunk.last - chunk.first + 1;
  const what = `${piece.file}: the piece of chunk ${chunk.index} (frames ${chunk.first}-${chunk.last})`;
  const refuse = (problem: string): never => {
    throw new DvpError('CORRUPT_VIDEO', `${what} ${problem}; render it again.`, { file: piece.file });
  };
  if (piece.frames !== expected) refuse(`has ${piece.frames} frame(s), not the chunk's ${expected}`);
  const wanted = OUTPUT_FORMATS[format];
  if (piece.codec !== 'prores' || piece.tag !== wanted.codecTag) {
    refuse(`is ${piece.codec} (${piece.tag}), not ${wanted.label} (${wanted.codecTag})${piece.codec === 'prores' ? '; pass --format to conform another ProRes' : ''}`);
  }
  if (piece.width !== clip.width || piece.height !== clip.height) refuse(`is ${piece.width}×${piece.height}, not the shot's ${clip.width}×${clip.height}`);
  if (!sameRate(piece.fps, clip.fps)) refuse(`runs at ${rateText(piece.fps)} frames/s, not the shot's ${rateText(clip.fps)}`);
  if (reference && piece.pixFmt !== reference.pixFmt) refuse(`has pixel format ${piece.pixFmt}, unlike ${path.basename(reference.file)} (${reference.pixFmt})`);
}

/** A line of ffmpeg's concat list: `file '…'`, quotes escaped. */
function concatLine(file: string): string {
  return `file '${file.replace(/'/g, "'\\''")}'`;
}

/**
 * Joins the pieces of a chunked render (`chunk-plan.ts`) into one file without re-encoding the
 * video: the plan is recomputed from the range and `by`, every piece must exist, decode, hold
 * exactly its chunk's frames and match the shot (codec and tag, size, frame rate) and the other
 * pieces (pixel format) — the first problem is refused (exit 1) naming the piece. The pieces'
 * packets are copied through ffmpeg's concat demuxer (`-c:v copy`); the start timecode is the
 * shot's, as a one-piece `dvp render --range A-B` writes it; the audio is laid once over the
 * whole range (the same choices as `dvp render --audio`), so nothing can gap or click at a seam.
 * Written as `OUT.partial.mov` and moved into place when complete; never over an input.
 */
export async function conformChunks(project: Project, options: ConformOptions): Promise<ConformSummary> {
  const format = options.format ?? 'prores-hq';
  const spec = OUTPUT_FORMATS[format];
  if (path.extname(options.out).toLowerCase() !== spec.extension) {
    throw new DvpError('INVALID_ARGUMENT', `${options.out}: a ${spec.label} file must be written to a ${spec.extension} file.`, { file: options.out });
  }
  const clip = resolveClipMedia(project, getClip(project, options.clipId));
  const range = options.range ?? { first: 0, last: clip.frameCount - 1 };
  if (range.last >= clip.frameCount) {
    throw new DvpError('INVALID_ARGUMENT', `${project.file}: frames ${range.first}-${range.last} are outside clip ${clip.id} (${clip.name}, frames 0-${clip.frameCount - 1}).`, {
      file: project.file,
    });
  }
  const plan = planChunks(range, options.by);
  const pieces = plan.map((chunk) => ({ chunk, file: path.resolve(options.pieces, chunkFileName(chunk.index)) }));
  const policy: OutputPolicy = {
    protect: [
      ...projectInputs(project),
      ...(options.audio.kind === 'file' ? [{ file: options.audio.path, what: 'the audio input' }] : []),
      ...pieces.map((p) => ({ file: p.file, what: `the piece of chunk ${p.chunk.index}` })),
    ],
    ...(options.overwrite !== undefined ? { overwrite: options.overwrite } : {}),
    ...(options.overwriteHint !== undefined ? { overwriteHint: options.overwriteHint } : {}),
  };
  const output = new OutputFile(path.resolve(options.out), policy);

  let reference: PieceInfo | undefined;
  for (const { chunk, file } of pieces) {
    const piece = await probePiece(file, chunk, options.signal);
    checkPiece(piece, clip, format, reference);
    reference ??= piece;
  }

  const frames = range.last - range.first + 1;
  const temp = mkdtempSync(path.join(os.tmpdir(), 'dvp-conform-'));
  try {
    const aligned = alignAudio(project, clip, range.first, options.audio);
    let audioFile: string | undefined;
    if (aligned) {
      audioFile = path.join(temp, 'audio.wav');
      await conformAudio(aligned, (frames * clip.fps.den) / clip.fps.num, audioFile, options.signal);
    }
    const list = path.join(temp, 'pieces.txt');
    writeFileSync(list, `ffconcat version 1.0\n${pieces.map((p) => concatLine(p.file)).join('\n')}\n`);
    const timecode = renderTimecode(clip, range.first);
    const args = [
      '-f', 'concat', '-safe', '0', '-i', list,
      ...(audioFile ? ['-i', audioFile] : []),
      '-map', '0:v:0', ...(audioFile ? ['-map', '1:a:0', ...spec.audioArgs] : []),
      '-c:v', 'copy',
      '-timecode', timecode,
      '-y', output.partial,
    ];
    try {
      await startFfmpeg(args, { subject: options.out, ...(options.signal ? { signal: options.signal } : {}) }).done;
    } catch (error) {
      output.discard();
      if (options.signal?.aborted) throw new DvpError('CANCELLED', `Conforming ${options.out} was cancelled; no file was written.`, { file: options.out });
      throw error;
    }
    output.commit();
    return { file: options.out, format, first: range.first, last: range.last, frames, chunks: plan.length, timecode, audio: aligned?.label ?? null };
  } catch (error) {
    output.discard();
    if (!isDvpError(error) && options.signal?.aborted) throw new DvpError('CANCELLED', `Conforming ${options.out} was cancelled; no file was written.`, { file: options.out });
    throw error;
  } finally {
    rmSync(temp, { recursive: true, force: true });
  }
}
