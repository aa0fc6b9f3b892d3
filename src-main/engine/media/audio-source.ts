/** Where an encode takes its audio from. */
export type AudioSource =
  | { kind: 'none' }
  | {
      kind: 'file';
      path: string;
      /** Index among that file's audio streams. */
      stream?: number;
      /** Offset into the audio file, in seconds. */
      startSec?: number;
    };

/**
 * Input arguments that open the audio file at its offset. `durationSec` limits the audio
 * input itself, so the video stream is never cut by an output-wide duration.
 */
export function audioInputArgs(audio: AudioSource, durationSec?: number): string[] {
  if (audio.kind === 'none') return [];
  const args: string[] = [];
  if (audio.startSec && audio.startSec > 0) args.push('-ss', audio.startSec.toFixed(6));
  if (durationSec !== undefined) args.push('-t', durationSec.toFixed(6));
  args.push('-i', audio.path);
  return args;
}

/** `-map` arguments for the audio of input number `inputIndex`. */
export function audioMapArgs(audio: AudioSource, inputIndex: number): string[] {
  if (audio.kind === 'none') return ['-an'];
  return ['-map', `${inputIndex}:a:${audio.stream ?? 0}`];
}
