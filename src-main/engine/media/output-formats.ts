/**
 * Every output format in one table: codec, profile, pixel format, container and the
 * matching audio codec. ProRes follows Apple's profile numbering in prores_ks.
 */
export type OutputFormatId = 'prores-hq' | 'prores-4444' | 'h264';

export interface OutputFormat {
  id: OutputFormatId;
  label: string;
  extension: '.mov' | '.mp4';
  /** The FourCC a player reports for the video stream. */
  codecTag: string;
  pixFmt: string;
  /** Pixel layout the encoder is fed from RGB frames. */
  inputPixFmt: 'rgb24' | 'rgba';
  videoArgs: readonly string[];
  audioArgs: readonly string[];
}

export const OUTPUT_FORMATS: Readonly<Record<OutputFormatId, OutputFormat>> = {
  'prores-hq': {
    id: 'prores-hq',
    label: 'Apple ProRes 422 HQ',
    extension: '.mov',
    codecTag: 'apch',
    pixFmt: 'yuv422p10le',
    inputPixFmt: 'rgb24',
    videoArgs: ['-c:v', 'prores_ks', '-profile:v', '3', '-vendor', 'apl0', '-pix_fmt', 'yuv422p10le'],
    audioArgs: ['-c:a', 'pcm_s24le'],
  },
  'prores-4444': {
    id: 'prores-4444',
    label: 'Apple ProRes 4444 (with alpha)',
    extension: '.mov',
    codecTag: 'ap4h',
    pixFmt: 'yuva444p10le',
    inputPixFmt: 'rgba',
    videoArgs: ['-c:v', 'prores_ks', '-profile:v', '4', '-vendor', 'apl0', '-pix_fmt', 'yuva444p10le', '-alpha_bits', '16'],
    audioArgs: ['-c:a', 'pcm_s24le'],
  },
  h264: {
    id: 'h264',
    label: 'H.264 proxy',
    extension: '.mp4',
    codecTag: 'avc1',
    pixFmt: 'yuv420p',
    inputPixFmt: 'rgb24',
    videoArgs: ['-c:v', 'libx264', '-preset', 'medium', '-crf', '18', '-pix_fmt', 'yuv420p', '-movflags', '+faststart'],
    audioArgs: ['-c:a', 'aac', '-b:a', '192k'],
  },
};

export function isOutputFormatId(value: string): value is OutputFormatId {
  return Object.hasOwn(OUTPUT_FORMATS, value);
}

/**
 * Rec. 709 colour tags. ffmpeg 5.1's mov muxer drops them for ProRes, so ProRes also
 * gets them written into its frame headers by the prores_metadata bitstream filter.
 */
export function rec709TagArgs(format: OutputFormatId): string[] {
  const tags = ['-color_primaries', 'bt709', '-color_trc', 'bt709', '-colorspace', 'bt709', '-color_range', 'tv'];
  if (format === 'h264') return tags;
  return ['-bsf:v', 'prores_metadata=color_primaries=bt709:color_trc=bt709:colorspace=bt709', ...tags];
}
