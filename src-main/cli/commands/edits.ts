import { DvpError } from '../../shared/errors.js';
import { findControl } from '../../engine/edit/controls.js';
import { historyState } from '../../engine/edit/history.js';
import type { OutOfRangeSpan } from '../../engine/edit/out-of-range.js';
import { analyseShot, measureRanges } from '../../engine/edit/shot-analysis.js';
import { loadShotInputs } from '../../engine/edit/tracked-inputs.js';
import { loadAllShotEdits, type ShotEdit } from '../../engine/edit/shot-edit.js';
import { getClip } from '../../engine/project/clips.js';
import type { Project } from '../../engine/project/project.js';
import { renderMeasure } from '../../engine/render/render-model.js';
import { positional, stringOption, withProject, type CliCommand } from '../command.js';

export const editsCommand: CliCommand = {
  name: 'edits',
  summary: "List each shot's keyframe lanes, source bindings and the undo history.",
  usage: 'edits FILE.dvp [--shot ID] [--check] [--json]',
  options: { shot: { type: 'string' }, check: { type: 'boolean' }, json: { type: 'boolean' } },
  async run(context) {
    const file = positional(context, 0, 'the project file (FILE.dvp)');
    const shotText = stringOption(context, 'shot');
    const shotFilter = shotText === undefined ? undefined : Number(shotText);
    if (shotFilter !== undefined && (!Number.isInteger(shotFilter) || shotFilter <= 0)) {
      throw new DvpError('INVALID_ARGUMENT', `--shot must be a clip id (got '${shotText}').`);
    }
    await withProject(file, { readonly: true }, (project) => {
      if (shotFilter !== undefined) getClip(project, shotFilter);
      const shots = loadAllShotEdits(project).filter((edit) => shotFilter === undefined || edit.shot.targetClipId === shotFilter);
      const history = historyState(project);
      const checks = context.values.check ? shots.map((edit) => ({ targetClipId: edit.shot.targetClipId, outOfRange: checkShot(project, edit) })) : undefined;
      if (context.values.json) {
        context.stdout(JSON.stringify({ shots, history, ...(checks && { checks }) }, null, 2));
        return;
      }
      if (shots.length === 0) context.stdout(shotFilter === undefined ? 'No edits yet.' : `Clip ${shotFilter} has no edits yet.`);
      for (const edit of shots) {
        printShot(context.stdout, project, edit);
        const spans = checks?.find((c) => c.targetClipId === edit.shot.targetClipId)?.outOfRange;
        if (spans) {
          if (spans.length === 0) context.stdout('  All edited frames stay within what the target showed.');
          for (const span of spans) {
            context.stdout(`  Out of range: frames ${span.first}–${span.last} (${span.params.join(', ')})`);
          }
        }
      }
      const latest = history.undo.at(-1);
      const next = history.redo[0];
      context.stdout(
        `History: ${history.undo.length} edit${history.undo.length === 1 ? '' : 's'} to undo${latest ? ` (latest: ${latest.label})` : ''}, ` +
          `${history.redo.length} to redo${next ? ` (next: ${next.label})` : ''}.`,
      );
    });
  },
};

/** The shot's edited frames that leave what the target showed, measured as `dvp render` measures them. */
function checkShot(project: Project, edit: ShotEdit): OutOfRangeSpan[] {
  const inputs = loadShotInputs(project, edit.shot.targetClipId);
  const ranges = measureRanges(inputs.target, inputs.rig, renderMeasure(project, edit.shot.targetClipId));
  return analyseShot(inputs, { ranges }).outOfRange;
}

function printShot(out: (line: string) => void, project: Project, edit: ShotEdit): void {
  const clip = getClip(project, edit.shot.targetClipId);
  const keyCount = edit.lanes.reduce((sum, lane) => sum + lane.keys.length, 0);
  out(`Shot: clip ${clip.id} (${clip.name}), ${edit.lanes.length} lane(s), ${keyCount} keyframe(s), ${edit.bindings.length} source binding(s)`);
  for (const lane of edit.lanes) {
    const unit = findControl(lane.param)?.unit ?? '';
    const keys = lane.keys.map((k) => `${k.position}: ${k.value} ${k.connectedRight ? k.type : 'hold (break)'}`).join(' · ');
    out(`  ${lane.param} (${lane.mode}, ${unit}): ${keys || 'no keys'}`);
  }
  for (const b of edit.bindings) {
    const neutral = `neutral src ${b.sourceNeutralFrame ?? 'auto'} / tgt ${b.targetNeutralFrame ?? 'auto'}`;
    const range = b.rangeStart === null && b.rangeEnd === null ? 'whole shot' : `frames ${b.rangeStart ?? 0}–${b.rangeEnd ?? 'end'}`;
    out(`  binding ${b.id}: source clip ${b.sourceClipId}, ${b.mode}, offset ${b.offset}, strength ${b.strength}, ${neutral}, ${range}`);
  }
}
