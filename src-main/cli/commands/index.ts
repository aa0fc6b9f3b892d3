import type { CliCommand } from '../command.js';

/** Every `dvp` sub-command, in the order `dvp help` lists them. */
export const commands: readonly CliCommand[] = [];
