import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { DvpError, fromFsError } from '../../shared/errors.js';
import { ffmpegBinaries } from './ffmpeg-binary.js';
import { parseRational, type Rational } from './rational.js';
import { runProcess, stderrTail } from './run-process.js';

export interface AudioStreamInfo {
  /** Index among the file's audio streams (ffmpeg's `a:N`). */
  index: number;
  codec: string;
  sampleRate: number;
  channels: number;
  durationSec: number | null;
}

export interface VideoInfo {
  path: string;
  sizeBytes: number;
  width: number;
  height: number;
  /** Exact: counted from the stream's packets, not estimated from the duration. */
  frameCount: number;
  fps: Rational;
  durationSec: number;
  startTimecode: string | null;
  codec: string;
  pixFmt: string;
  /** ffprobe's color_space tag (bt709, smpte170m, …) or null when untagged. */
  colorSpace: string | null;
  /** 'pc' = full range, 'tv' = limited, null when untagged. */
  colorRange: string | null;
  audio: AudioStreamInfo[];
}

interface FfprobeStream {
  index: number;
  codec_type?: string;
  codec_name?: string;
  width?: number;
  height?: number;
  pix_fmt?: string;
  color_space?: string;
  color_range?: string;
  r_frame_rate?: string;
  avg_frame_rate?: string;
  nb_frames?: string;
  nb_read_packets?: string;
  sample_rate?: string;
  channels?: number;
  duration?: string;
  disposition?: { attached_pic?: number };
  tags?: Record<string, string>;
}

interface FfprobeOutput {
  streams?: FfprobeStream[];
  format?: { duration?: string; tags?: Record<string, string> };
}

function fileSize(file: string): number {
  let sizeBytes: number;
  try {
    const stat = statSync(file);
    if (!stat.isFile()) throw new DvpError('NOT_A_VIDEO', `${file}: not a file.`, { file });
    sizeBytes = stat.size;
  } catch (error) {
    if (error instanceof DvpError) throw error;
    throw fromFsError(error, file, 'read the media file');
  }
  if (sizeBytes === 0) throw new DvpError('NOT_A_VIDEO', `${file}: the file is empty.`, { file });
  return sizeBytes;
}

function toAudioInfo(streams: FfprobeStream[]): AudioStreamInfo[] {
  return streams
    .filter((s) => s.codec_type === 'audio')
    .map((s, index) => ({
      index,
      codec: s.codec_name ?? 'unknown',
      sampleRate: Number(s.sample_rate ?? 0),
      channels: s.channels ?? 0,
      durationSec: s.duration === undefined ? null : Number(s.duration),
    }));
}

/** The audio streams of any media file (a WAV, or a video's soundtrack). */
export async function probeAudioStreams(file: string): Promise<AudioStreamInfo[]> {
  fileSize(file);
  const result = await runProcess(ffmpegBinaries().ffprobe, ['-v', 'error', '-show_streams', '-of', 'json', file]);
  if (result.code !== 0) throw new DvpError('NOT_A_VIDEO', `${file}: not a readable media file (${stderrTail(result.stderr)}).`, { file });
  return toAudioInfo((JSON.parse(result.stdout.toString('utf8')) as FfprobeOutput).streams ?? []);
}

export async function probeVideo(file: string, options: { signal?: AbortSignal } = {}): Promise<VideoInfo> {
  const sizeBytes = fileSize(file);

  const { ffprobe } = ffmpegBinaries();
  const args = ['-v', 'error', '-count_packets', '-show_streams', '-show_format', '-of', 'json', file];
  const result = options.signal ? await runProcess(ffprobe, args, { signal: options.signal }) : await runProcess(ffprobe, args);
  if (result.code !== 0) {
    const reason = stderrTail(result.stderr);
    if (/moov atom not found|partial file|Truncat/i.test(reason) && hasIsoMediaHeader(file)) {
      throw new DvpError('CORRUPT_VIDEO', `${file}: the video is truncated or damaged (${reason}).`, { file });
    }
    throw new DvpError('NOT_A_VIDEO', `${file}: not a readable video file (${reason || `ffprobe exited with ${result.code}`}).`, { file });
  }
  const parsed = JSON.parse(result.stdout.toString('utf8')) as FfprobeOutput;
  const streams = parsed.streams ?? [];
  const video = streams.find((s) => s.codec_type === 'video' && !s.disposition?.attached_pic);
  if (!video) throw new DvpError('NOT_A_VIDEO', `${file}: the file has no video stream.`, { file });

  const fps = parseRational(video.avg_frame_rate) ?? parseRational(video.r_frame_rate);
  if (!fps || !video.width || !video.height) {
    throw new DvpError('CORRUPT_VIDEO', `${file}: the video stream has no usable frame rate or size.`, { file });
  }
  const counted = Number(video.nb_read_packets ?? '0');
  if (counted === 0) throw new DvpError('EMPTY_VIDEO', `${file}: the video stream has no frames.`, { file });
  const declared = Number(video.nb_frames ?? 'NaN');
  if (Number.isFinite(declared) && declared > counted) {
    throw new DvpError(
      'CORRUPT_VIDEO',
      `${file}: the video is truncated: its header declares ${declared} frames but only ${counted} can be read.`,
      { file },
    );
  }

  const durationSec = Number(parsed.format?.duration ?? video.duration ?? NaN);
  return {
    path: file,
    sizeBytes,
    width: video.width,
    height: video.height,
    frameCount: counted,
    fps,
    durationSec: Number.isFinite(durationSec) ? durationSec : (counted * fps.den) / fps.num,
    startTimecode: findTimecode(parsed, streams),
    codec: video.codec_name ?? 'unknown',
    pixFmt: video.pix_fmt ?? 'unknown',
    colorSpace: known(video.color_space),
    colorRange: known(video.color_range),
    audio: toAudioInfo(streams),
  };
}

function known(tag: string | undefined): string | null {
  return tag === undefined || tag === 'unknown' || tag === 'unspecified' ? null : tag;
}

/** True when the file starts like an MP4/MOV (an `ftyp` box), i.e. it is a video that lost its end. */
function hasIsoMediaHeader(file: string): boolean {
  const header = Buffer.alloc(12);
  const fd = openSync(file, 'r');
  try {
    readSync(fd, header, 0, 12, 0);
  } finally {
    closeSync(fd);
  }
  return header.toString('latin1', 4, 8) === 'ftyp';
}

function findTimecode(parsed: FfprobeOutput, streams: FfprobeStream[]): string | null {
  const candidates = [parsed.format?.tags?.timecode, ...streams.map((s) => s.tags?.timecode)];
  return candidates.find((tc): tc is string => typeof tc === 'string' && /^\d{2}:\d{2}:\d{2}[:;.]\d{2}$/.test(tc)) ?? null;
}
