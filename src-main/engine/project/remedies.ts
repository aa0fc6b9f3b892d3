import type { Remedy } from '../../shared/errors.js';

/**
 * What to do about the failures many engine modules share, worded for each front end: the
 * CLI's clause follows the message after a semicolon (`cliText`), the GUI's is a sentence.
 */
export function trackRemedy(projectFile: string, clipId?: number): Remedy {
  return {
    cli: clipId === undefined ? 'run `dvp track` first.' : `run \`dvp track ${projectFile} --clip ${clipId}\` first.`,
    gui: 'Track the clip in the Tracking panel first.',
  };
}

export const TRAIN_NEW_REMEDY: Remedy = { cli: 'train one with `dvp train --new`.', gui: 'Train a new model in the Training panel.' };
