import { existsSync } from 'node:fs';
import path from 'node:path';
import { DvpError } from '../../shared/errors.js';
import { loadShotEdit } from '../edit/shot-edit.js';
import { startFfmpeg } from '../media/ffmpeg-process.js';
import { probeAudioStreams } from '../media/probe.js';
import { rationalToNumber } from '../media/rational.js';
import { getClip, resolveClipMedia, type Clip } from '../project/clips.js';
import type { Project } from '../project/project.js';

/**
 * Where the audio of a render comes from:
 * - target: the target clip's own audio;
 * - source: the bound source clip's audio, aligned by the binding's offset;
 * - file: an audio (or video) file whose time 0 lines up with `alignFrame` of the shot
 *   (frame 0 unless said otherwise, i.e. a track the length of the shot);
 * - none: silent.
 */
export type AudioChoice = { kind: 'target' } | { kind: 'source' } | { kind: 'none' } | { kind: 'file'; path: string; alignFrame?: number };

/** An audio track lined up with a render: `startSec` in `path` plays with the render's first frame. */
export interface AlignedAudio {
  path: string;
  /** Negative: the track starts that long after the render's first frame (silence before it). */
  startSec: number;
  /** Description for the summary, e.g. "target clip audio". */
  label: string;
}

/**
 * Writes `audio` as a PCM WAV of exactly `durationSec`: cut at its start, led by silence
 * where it starts later than the render, padded with silence where it ends earlier — so
 * the encoder's `-shortest` never shortens the picture and the sound stays in sync.
 */
export async function conformAudio(audio: AlignedAudio, durationSec: number, out: string, signal?: AbortSignal): Promise<void> {
  if (!existsSync(audio.path)) throw new DvpError('FILE_NOT_FOUND', `${audio.path}: the audio for the render does not exist.`, { file: audio.path });
  const streams = await probeAudioStreams(audio.path);
  if (streams.length === 0) throw new DvpError('INVALID_ARGUMENT', `${audio.path}: the file has no audio stream to use as the render's sound.`, { file: audio.path });
  const delayMs = audio.startSec < 0 ? Math.round(-audio.startSec * 1000) : 0;
  const filters = [...(delayMs > 0 ? [`adelay=${delayMs}:all=1`] : []), 'apad'];
  const args = [
    ...(audio.startSec > 0 ? ['-ss', audio.startSec.toFixed(6)] : []),
    '-i', audio.path,
    '-map', '0:a:0', '-vn',
    '-af', filters.join(','),
    '-t', durationSec.toFixed(6),
    '-c:a', 'pcm_s24le',
    '-y', out,
  ];
  await startFfmpeg(args, { subject: audio.path, ...(signal ? { signal } : {}) }).done;
}

/** The audio track lined up with render frame `first`, or undefined for a silent render. */
export function alignAudio(project: Project, clip: Clip, first: number, choice: AudioChoice): AlignedAudio | undefined {
  const fps = rationalToNumber(clip.fps);
  switch (choice.kind) {
    case 'none':
      return undefined;
    case 'target':
      // A silent target gives a silent render, as the source footage was.
      return clip.audio.length > 0 ? { path: clip.path, startSec: first / fps, label: `target clip audio (${clip.name})` } : undefined;
    case 'file':
      return { path: path.resolve(choice.path), startSec: (first - (choice.alignFrame ?? 0)) / fps, label: `${path.basename(choice.path)}` };
    case 'source': {
      const binding = loadShotEdit(project, clip.id)?.bindings.at(-1);
      if (!binding) {
        throw new DvpError('INVALID_ARGUMENT', `${project.file}: the source clip's audio needs a source binding on clip ${clip.id} (${clip.name}).`, {
          file: project.file,
          remedy: { cli: 'add one with `dvp reenact`, or choose --audio target, none or a file.', gui: 'Bind a source clip in the timeline, or choose other audio.' },
        });
      }
      const source = resolveClipMedia(project, getClip(project, binding.sourceClipId));
      if (source.audio.length === 0) {
        throw new DvpError('INVALID_ARGUMENT', `${source.path}: the bound source clip ${source.id} (${source.name}) has no audio.`, {
          file: source.path,
          remedy: { cli: 'choose --audio target, none or a file.', gui: "Choose the target's audio, no audio or a file." },
        });
      }
      return { path: source.path, startSec: (first - binding.offset) / fps, label: `source clip audio (${source.name}, offset ${binding.offset})` };
    }
  }
}
