import type { FrameRange } from '../../api/frame-range.js';
import { DvpError } from '../../shared/errors.js';
import { listClips } from '../../engine/project/clips.js';
import { Project } from '../../engine/project/project.js';
import { trackClip, type TrackSummary } from '../../engine/track/track-clip.js';
import { closeAfter, positional, stringOption, type CliCommand } from '../command.js';

function parseRange(text: string): FrameRange {
  const match = /^(\d+)-(\d+)$/.exec(text);
  if (!match) throw new DvpError('INVALID_ARGUMENT', `--range must look like A-B with frame numbers (got '${text}').`);
  return { first: Number(match[1]), last: Number(match[2]) };
}

function parseNumber(text: string | undefined, name: string): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!Number.isFinite(value)) throw new DvpError('INVALID_ARGUMENT', `--${name} must be a number (got '${text}').`);
  return value;
}

function describe(summary: TrackSummary): string[] {
  const s = summary.stats;
  const lines = [
    `Clip ${summary.clipId}: ${summary.framesWithFace}/${summary.framesTracked} frames with the subject's face (${summary.framesDetectedNow} detected now, ${summary.framesResumed} kept from before), ${summary.framesInterpolated} interpolated, ${summary.corruptFrames} unreadable.`,
    `  landmark error: median ${s.medianErrorPct.toFixed(2)} %, 95th percentile ${s.p95ErrorPct.toFixed(2)} % of the inter-ocular distance; neutral frame ${summary.neutralFrame}; expression basis v${summary.basisVersion}${summary.basisCreated ? ' (new)' : ''}.`,
    `  detection ${summary.detectFps.toFixed(1)} frames/s, fit ${summary.fitMsPerFrame.toFixed(1)} ms/frame, ${summary.totalSeconds.toFixed(1)} s in all.`,
  ];
  if (summary.gaps.length > 0) lines.push(`  no face in frames ${summary.gaps.map((g) => (g.first === g.last ? `${g.first}` : `${g.first}-${g.last}`)).join(', ')}.`);
  return lines;
}

export const trackCommand: CliCommand = {
  name: 'track',
  summary: 'Track the face in a clip: head pose, expression, gaze, blinks and lighting per frame (resumable).',
  usage: 'track FILE.dvp [--clip ID] [--range A-B] [--smooth S] [--neutral FRAME] [--workers N] [--json]',
  options: {
    clip: { type: 'string' },
    range: { type: 'string' },
    smooth: { type: 'string' },
    neutral: { type: 'string' },
    workers: { type: 'string' },
    json: { type: 'boolean' },
  },
  async run(context) {
    const file = positional(context, 0, 'the project file (FILE.dvp)');
    const clipText = stringOption(context, 'clip');
    const rangeText = stringOption(context, 'range');
    const smoothing = parseNumber(stringOption(context, 'smooth'), 'smooth');
    const neutral = parseNumber(stringOption(context, 'neutral'), 'neutral');
    const workers = parseNumber(stringOption(context, 'workers'), 'workers');
    if (workers !== undefined && (!Number.isInteger(workers) || workers < 1)) {
      throw new DvpError('INVALID_ARGUMENT', `--workers must be a whole number of at least 1 (got '${stringOption(context, 'workers')}').`);
    }
    const project = Project.open(file);
    await closeAfter(project, async () => {
      const clips = clipText !== undefined ? [Number(clipText)] : listClips(project).filter((c) => c.role !== 'audio').map((c) => c.id);
      if (clips.some((id) => !Number.isInteger(id))) throw new DvpError('INVALID_ARGUMENT', `--clip must be a clip id (got '${clipText}').`);
      if (clips.length === 0) throw new DvpError('NOT_FOUND', `${file}: the project has no video clips to track; import one first.`, { file });
      const summaries: TrackSummary[] = [];
      for (const clipId of clips) {
        const summary = await trackClip(project, {
          clipId,
          ...(rangeText !== undefined ? { range: parseRange(rangeText) } : {}),
          ...(smoothing !== undefined ? { smoothing } : {}),
          ...(neutral !== undefined ? { neutralFrame: neutral } : {}),
          ...(workers !== undefined ? { workers } : {}),
          signal: context.signal,
          onProgress: (progress) => context.progress(`track clip ${clipId}`, progress),
        });
        summaries.push(summary);
        if (!context.values.json) for (const line of describe(summary)) context.stdout(line);
      }
      if (context.values.json) context.stdout(JSON.stringify(summaries.length === 1 ? summaries[0] : summaries));
    });
  },
};
