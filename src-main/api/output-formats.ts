import { z } from 'zod';

/**
 * Every output format in one table: what the render panel offers (label, note), the file it
 * makes (container, codec tag, pixel format, alpha) and how ffmpeg writes it (prores_ks
 * follows Apple's profile numbering). The schemas, job titles, the CLI and the encoders
 * all read it; it lives in the API so that the renderer reads the same table.
 */
export const OUTPUT_FORMAT_IDS = ['prores-hq', 'prores-4444', 'h264'] as const;
export type OutputFormatId = (typeof OUTPUT_FORMAT_IDS)[number];
export const OutputFormatSchema = z.enum(OUTPUT_FORMAT_IDS);

export interface OutputFormat {
  id: OutputFormatId;
  label: string;
  /** What the format is for, in a few words (the render panel's presets). */
  note: string;
  extension: '.mov' | '.mp4';
  /** The FourCC a player reports for the video stream. */
  codecTag: string;
  pixFmt: string;
  /** Whether the file carries the blend matte as alpha. */
  alpha: boolean;
  /** Pixel layout the encoder is fed from RGB frames. */
  inputPixFmt: 'rgb24' | 'rgba';
  videoArgs: readonly string[];
  audioArgs: readonly string[];
}

export const OUTPUT_FORMATS: Readonly<Record<OutputFormatId, OutputFormat>> = {
  'prores-hq': {
    id: 'prores-hq',
    label: 'ProRes 422 HQ',
    note: 'Mastering, 10-bit 4:2:2',
    extension: '.mov',
    codecTag: 'apch',
    pixFmt: 'yuv422p10le',
    alpha: false,
    inputPixFmt: 'rgb24',
    videoArgs: ['-c:v', 'prores_ks', '-profile:v', '3', '-vendor', 'apl0', '-pix_fmt', 'yuv422p10le'],
    audioArgs: ['-c:a', 'pcm_s24le'],
  },
  'prores-4444': {
    id: 'prores-4444',
    label: 'ProRes 4444',
    note: 'With the blend matte as alpha',
    extension: '.mov',
    codecTag: 'ap4h',
    pixFmt: 'yuva444p10le',
    alpha: true,
    inputPixFmt: 'rgba',
    videoArgs: ['-c:v', 'prores_ks', '-profile:v', '4', '-vendor', 'apl0', '-pix_fmt', 'yuva444p10le', '-alpha_bits', '16'],
    audioArgs: ['-c:a', 'pcm_s24le'],
  },
  h264: {
    id: 'h264',
    label: 'H.264 proxy',
    note: 'Review copy',
    extension: '.mp4',
    codecTag: 'avc1',
    pixFmt: 'yuv420p',
    alpha: false,
    inputPixFmt: 'rgb24',
    videoArgs: ['-c:v', 'libx264', '-preset', 'medium', '-crf', '18', '-pix_fmt', 'yuv420p', '-movflags', '+faststart'],
    audioArgs: ['-c:a', 'aac', '-b:a', '192k'],
  },
};

/** The formats in the order the render panel lists them. */
export const OUTPUT_FORMAT_LIST: readonly OutputFormat[] = OUTPUT_FORMAT_IDS.map((id) => OUTPUT_FORMATS[id]);

export function isOutputFormatId(value: string): value is OutputFormatId {
  return Object.hasOwn(OUTPUT_FORMATS, value);
}
