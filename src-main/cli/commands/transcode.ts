import { DvpError } from '../../shared/errors.js';
import { isOutputFormatId, OUTPUT_FORMATS } from '../../engine/media/output-formats.js';
import { probeAudioStreams, probeVideo } from '../../engine/media/probe.js';
import { transcode } from '../../engine/media/transcode.js';
import { positional, stringOption, type CliCommand } from '../command.js';
import { parseFrameRange } from '../range.js';

export const transcodeCommand: CliCommand = {
  name: 'transcode',
  summary: 'Re-encode a video to ProRes 422 HQ, ProRes 4444 or an H.264 proxy, keeping timecode.',
  usage: 'transcode VIDEO OUT --format prores-hq|prores-4444|h264 [--range A-B] [--audio keep|none|FILE] [--overwrite]',
  options: { format: { type: 'string' }, range: { type: 'string' }, audio: { type: 'string' }, overwrite: { type: 'boolean' } },
  async run(context) {
    const video = positional(context, 0, 'the input video');
    const out = positional(context, 1, 'the output file');
    const format = stringOption(context, 'format') ?? 'prores-hq';
    if (!isOutputFormatId(format)) {
      throw new DvpError('INVALID_ARGUMENT', `--format must be one of ${Object.keys(OUTPUT_FORMATS).join(', ')} (got '${format}').`);
    }
    const audioOption = stringOption(context, 'audio') ?? 'keep';
    let audio: 'keep' | 'none' | { file: string } = 'keep';
    if (audioOption === 'none') audio = 'none';
    else if (audioOption !== 'keep') {
      const streams = await probeAudioStreams(audioOption);
      if (streams.length === 0) throw new DvpError('INVALID_ARGUMENT', `${audioOption}: the file has no audio stream.`, { file: audioOption });
      audio = { file: audioOption };
    }
    const rangeText = stringOption(context, 'range');
    const source = await probeVideo(video, { signal: context.signal });
    const result = await transcode(source, out, {
      format,
      audio,
      overwrite: context.values.overwrite === true,
      ...(rangeText ? { range: parseFrameRange(rangeText) } : {}),
      signal: context.signal,
      onProgress: (p) => context.progress('transcode', p),
    });
    context.stdout(`Wrote ${result.file}: ${result.frames} frames, ${OUTPUT_FORMATS[format].label}, timecode ${result.timecode}`);
  },
};
