import type { CliCommand } from '../command.js';
import { importCommand } from './import.js';
import { infoCommand } from './info.js';
import { newCommand } from './new.js';
import { relinkCommand } from './relink.js';
import { transcodeCommand } from './transcode.js';

/** Every `dvp` sub-command, in the order `dvp help` lists them. */
export const commands: readonly CliCommand[] = [newCommand, importCommand, infoCommand, relinkCommand, transcodeCommand];
