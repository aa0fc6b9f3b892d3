/** The output formats (one table, shared with the UI through the API) and the encoders' colour tags. */
export { OUTPUT_FORMATS, isOutputFormatId, type OutputFormat, type OutputFormatId } from '../../api/output-formats.js';
import type { OutputFormatId } from '../../api/output-formats.js';

/**
 * Rec. 709 colour tags. ffmpeg 5.1's mov muxer drops them for ProRes, so ProRes also
 * gets them written into its frame headers by the prores_metadata bitstream filter.
 */
export function rec709TagArgs(format: OutputFormatId): string[] {
  const tags = ['-color_primaries', 'bt709', '-color_trc', 'bt709', '-colorspace', 'bt709', '-color_range', 'tv'];
  if (format === 'h264') return tags;
  return ['-bsf:v', 'prores_metadata=color_primaries=bt709:color_trc=bt709:colorspace=bt709', ...tags];
}
