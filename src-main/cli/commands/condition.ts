import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { ClipConditioning, DEFAULT_CONDITION_SIZE } from '../../engine/condition/clip-conditioning.js';
import { saveShotCrop, shotCropOutdated, validateCrop } from '../../engine/condition/crop-store.js';
import { frameImages, sideBySide } from '../../engine/condition/images.js';
import { DEFAULT_CROP_MARGIN, type ShotCrop } from '../../engine/condition/shot-crop.js';
import { writePng } from '../../engine/media/png.js';
import { getClip } from '../../engine/project/clips.js';
import { Project } from '../../engine/project/project.js';
import { DvpError, fromFsError, isDvpError } from '../../shared/errors.js';
import { positional, stringOption, type CliCommand } from '../command.js';

function wholeNumber(text: string | undefined, name: string): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text)) throw new DvpError('INVALID_ARGUMENT', `--${name} must be a whole number (got '${text}').`);
  return Number(text);
}

/** `--crop X,Y,SIZE` (a fixed crop set by the user) or `--crop auto` (chosen from the tracking again). */
function parseCrop(text: string): ShotCrop | 'auto' {
  if (text === 'auto') return 'auto';
  const match = /^(\d+),(\d+),(\d+)$/.exec(text);
  if (!match) throw new DvpError('INVALID_ARGUMENT', `--crop must be X,Y,SIZE in plate pixels or 'auto' (got '${text}').`);
  return { x: Number(match[1]), y: Number(match[2]), size: Number(match[3]) };
}

function canBeStale(project: Project, clipId: number): boolean {
  try {
    return shotCropOutdated(project, clipId);
  } catch (error) {
    // A project from before the shot-crop schema has no table yet: the writable open migrates it.
    if (error instanceof Error && /no such table/.test(error.message)) return true;
    throw error;
  }
}

/**
 * Read-only when the clip's crop is stored and current; otherwise for writing, so the
 * chosen crop is kept (or read-only without storing it, when another process writes).
 */
function openProject(file: string, clipId: number, mustWrite: boolean): Project {
  if (!mustWrite) {
    const reader = Project.open(file, { readonly: true });
    if (!canBeStale(reader, clipId)) return reader;
    reader.close();
  }
  try {
    return Project.open(file);
  } catch (error) {
    if (!mustWrite && isDvpError(error) && error.code === 'PROJECT_LOCKED') return Project.open(file, { readonly: true });
    throw error;
  }
}

export const conditionCommand: CliCommand = {
  name: 'condition',
  summary: 'Render the conditioning images of one tracked frame (colour, correspondence, eyes) and a contact sheet with the real frame.',
  usage: 'condition FILE.dvp --clip ID --frame N --out DIR [--size PIXELS] [--raw] [--crop X,Y,SIZE|auto]',
  options: {
    clip: { type: 'string' },
    frame: { type: 'string' },
    out: { type: 'string' },
    size: { type: 'string' },
    raw: { type: 'boolean' },
    crop: { type: 'string' },
  },
  async run(context) {
    const file = positional(context, 0, 'the project file (FILE.dvp)');
    const clipId = wholeNumber(stringOption(context, 'clip'), 'clip');
    const frame = wholeNumber(stringOption(context, 'frame'), 'frame');
    const outDir = stringOption(context, 'out');
    if (clipId === undefined || frame === undefined || outDir === undefined) {
      throw new DvpError('INVALID_ARGUMENT', 'condition needs --clip, --frame and --out.');
    }
    const size = wholeNumber(stringOption(context, 'size'), 'size') ?? DEFAULT_CONDITION_SIZE;
    const cropText = stringOption(context, 'crop');
    const cropChoice = cropText === undefined ? undefined : parseCrop(cropText);

    const project = openProject(file, clipId, cropChoice !== undefined);
    try {
      if (cropChoice !== undefined) {
        project.transaction(() => {
          if (cropChoice === 'auto') project.db.prepare('DELETE FROM shot_crops WHERE clip_id = ?').run(clipId);
          else {
            validateCrop(cropChoice, getClip(project, clipId));
            saveShotCrop(project, clipId, { ...cropChoice, auto: false, margin: DEFAULT_CROP_MARGIN, trackedAt: null });
          }
        });
      }
      const conditioning = ClipConditioning.open(project, clipId, { size, which: context.values.raw === true ? 'raw' : 'smoothed' });
      const channels = conditioning.renderFrame(frame);
      const real = await conditioning.readTarget(frame, context.signal);
      const images = frameImages(channels, size, size);
      try {
        mkdirSync(outDir, { recursive: true });
      } catch (error) {
        throw fromFsError(error, outDir, 'create the output folder');
      }
      const stem = path.join(outDir, `clip${clipId}-frame${String(frame).padStart(6, '0')}`);
      const written = {
        colour: `${stem}-colour.png`,
        correspondence: `${stem}-correspondence.png`,
        eyes: `${stem}-eyes.png`,
        contact: `${stem}-contact.png`,
      };
      writePng(written.colour, images.colour);
      writePng(written.correspondence, images.correspondence);
      writePng(written.eyes, images.eyes);
      writePng(written.contact, sideBySide([{ width: real.width, height: real.height, channels: 3, data: real.data }, images.colour, images.correspondence, images.eyes]));
      const { x, y, size: side } = conditioning.crop;
      context.stdout(`Clip ${clipId} frame ${frame}: crop ${side}×${side} at (${x}, ${y}) of ${conditioning.clip.width}×${conditioning.clip.height}, rendered at ${size}×${size}.`);
      for (const name of Object.values(written)) context.stdout(`  ${name}`);
    } finally {
      project.close();
    }
  },
};
