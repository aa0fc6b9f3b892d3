import type { CliCommand } from '../command.js';
import { conditionCommand } from './condition.js';
import { conformCommand } from './conform.js';
import { doctorCommand } from './doctor.js';
import { dubCommand } from './dub.js';
import { editsCommand } from './edits.js';
import { evalCommand } from './eval.js';
import { farmCommand } from './farm.js';
import { importCommand } from './import.js';
import { infoCommand } from './info.js';
import { keyCommand } from './key.js';
import { newCommand } from './new.js';
import { overlayCommand } from './overlay.js';
import { reenactCommand } from './reenact.js';
import { redoCommand } from './redo.js';
import { relinkCommand } from './relink.js';
import { renderCommand } from './render.js';
import { serveCommand } from './serve.js';
import { synthCommand } from './synth.js';
import { trackCommand } from './track.js';
import { trainCommand } from './train.js';
import { transcodeCommand } from './transcode.js';
import { undoCommand } from './undo.js';

/** Every `dvp` sub-command, in the order `dvp help` lists them. */
export const commands: readonly CliCommand[] = [newCommand, importCommand, infoCommand, relinkCommand, transcodeCommand, trackCommand, overlayCommand, conditionCommand, trainCommand, synthCommand, evalCommand, keyCommand, undoCommand, redoCommand, editsCommand, reenactCommand, renderCommand, conformCommand, dubCommand, farmCommand, serveCommand, doctorCommand];
