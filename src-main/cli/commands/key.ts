import { DvpError } from '../../shared/errors.js';
import { applyEdit, type EditChange } from '../../engine/edit/apply-edit.js';
import { requireControl } from '../../engine/edit/controls.js';
import { isKeyframeType, type Handles } from '../../engine/edit/keyframes.js';
import { resolveTargetClip } from '../../engine/edit/shot-edit.js';
import { positional, stringOption, withProject, type CliCommand } from '../command.js';

export const keyCommand: CliCommand = {
  name: 'key',
  summary: 'Set or delete a keyframe on a parameter lane of a shot (one undoable edit).',
  usage:
    'key FILE.dvp --param P --frame N (--value V (negative: --value=-V) [--interp hold|linear|bezier] [--handles inX,inY,outX,outY] | --delete) [--lane-mode offset|absolute] [--shot ID] [--json]',
  options: {
    param: { type: 'string' },
    frame: { type: 'string' },
    value: { type: 'string' },
    interp: { type: 'string' },
    handles: { type: 'string' },
    delete: { type: 'boolean' },
    'lane-mode': { type: 'string' },
    shot: { type: 'string' },
    json: { type: 'boolean' },
  },
  async run(context) {
    const file = positional(context, 0, 'the project file (FILE.dvp)');
    const param = stringOption(context, 'param');
    if (param === undefined) throw new DvpError('INVALID_ARGUMENT', 'missing --param (the lane to key, e.g. head.yaw).');
    const control = requireControl(param);
    const frameText = stringOption(context, 'frame');
    if (frameText === undefined) throw new DvpError('INVALID_ARGUMENT', 'missing --frame (the frame number to key).');
    const frame = parseWholeNumber('--frame', frameText);
    const deleting = context.values.delete === true;
    const valueText = stringOption(context, 'value');
    const interp = stringOption(context, 'interp');
    const handlesText = stringOption(context, 'handles');
    const laneMode = stringOption(context, 'lane-mode');
    if (deleting && (valueText !== undefined || interp !== undefined || handlesText !== undefined)) {
      throw new DvpError('INVALID_ARGUMENT', '--delete takes no --value, --interp or --handles.');
    }
    if (interp !== undefined && !isKeyframeType(interp)) throw new DvpError('INVALID_ARGUMENT', `--interp must be hold, linear or bezier (got '${interp}').`);
    if (laneMode !== undefined && laneMode !== 'offset' && laneMode !== 'absolute') {
      throw new DvpError('INVALID_ARGUMENT', `--lane-mode must be offset or absolute (got '${laneMode}').`);
    }
    const value = valueText === undefined ? undefined : parseFiniteNumber('--value', valueText);
    const handles = handlesText === undefined ? undefined : parseHandles(handlesText);
    if (!deleting && value === undefined && interp === undefined && handles === undefined && laneMode === undefined) {
      throw new DvpError('INVALID_ARGUMENT', 'give --value V (or --interp/--handles to change an existing key), or --delete.');
    }
    const shotText = stringOption(context, 'shot');
    const shotId = shotText === undefined ? undefined : parseWholeNumber('--shot', shotText);

    return await withProject(file, {}, async (project) => {
      const clip = resolveTargetClip(project, shotId);
      const changes: EditChange[] = [];
      if (laneMode !== undefined) changes.push({ kind: 'setLaneMode', param, mode: laneMode });
      let label: string;
      if (deleting) {
        changes.push({ kind: 'deleteKey', param, position: frame });
        label = `Delete ${control.label} key at frame ${frame}`;
      } else if (value !== undefined || interp !== undefined || handles !== undefined) {
        changes.push({
          kind: 'setKey',
          param,
          key: {
            position: frame,
            ...(value !== undefined && { value }),
            ...(interp !== undefined && isKeyframeType(interp) && { type: interp }),
            ...(handles !== undefined && { handles }),
          },
        });
        label = value !== undefined ? `Key ${control.label} = ${value} at frame ${frame}` : `Change ${control.label} key at frame ${frame}`;
      } else {
        label = `Set ${control.label} lane to ${laneMode}`;
      }
      const applied = applyEdit(project, { targetClipId: clip.id, label, changes });
      if (context.values.json) {
        context.stdout(JSON.stringify({ shot: clip.id, param, frame, deleted: deleting, label, seq: applied.seq, keyIds: applied.keyIds }));
        return;
      }
      context.stdout(`${label} on clip ${clip.id} (${clip.name}). Undo with \`dvp undo ${file}\`.`);
    });
  },
};

function parseWholeNumber(option: string, text: string): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isInteger(value) || value < 0) {
    throw new DvpError('INVALID_ARGUMENT', `${option} must be a whole number of 0 or more (got '${text}').`);
  }
  return value;
}

function parseFiniteNumber(option: string, text: string): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value)) throw new DvpError('INVALID_ARGUMENT', `${option} must be a number (got '${text}').`);
  return value;
}

function parseHandles(text: string): Handles {
  const parts = text.split(',').map((part) => parseFiniteNumber('--handles', part));
  if (parts.length !== 4) throw new DvpError('INVALID_ARGUMENT', `--handles needs four numbers inX,inY,outX,outY (got '${text}').`);
  return parts as Handles;
}
