import type { Database } from 'better-sqlite3';
import { DvpError } from '../../shared/errors.js';
import { getClip, type Clip } from '../project/clips.js';
import type { Project } from '../project/project.js';
import { newBindingId, strengthLaneBinding, strengthLaneParam, validateBinding, type SourceBinding } from './bindings.js';
import type { LaneMode } from './compose.js';
import { requireControl } from './controls.js';
import { bindingById, findShot, insertShot, keyAt, keyById, keysOnLane, laneRow, nextBindingOrder, type LaneKey, type Shot } from './edit-store.js';
import { DEFAULT_HISTORY_LIMIT, recordEdit } from './history.js';
import { DEFAULT_HANDLES, newKeyframeId, validateKeyframe, type Handles, type Keyframe, type KeyframeType } from './keyframes.js';
import { applyOperation, type Operation } from './operations.js';

/**
 * The edit API: a caller hands over a whole edit (a drag is one edit, committed on release),
 * it lands in one transaction and becomes one undo step.
 */

/** A keyframe to create or change. With `id`: that key (any field may change, including position).
 * Without: the key at `position` on the lane, created if there is none. */
export interface KeySpec {
  id?: string;
  position?: number;
  value?: number;
  type?: KeyframeType;
  handles?: Handles;
  connectedRight?: boolean;
}

/** A source binding to create (without `id`: needs sourceClipId and mode) or change (with `id`). */
export interface BindingSpec {
  id?: string;
  sourceClipId?: number;
  offset?: number;
  mode?: SourceBinding['mode'];
  strength?: number;
  sourceNeutralFrame?: number | null;
  targetNeutralFrame?: number | null;
  rangeStart?: number | null;
  rangeEnd?: number | null;
  /** Position in the application order (later bindings win); default: after the others. */
  order?: number;
}

export type EditChange =
  | { kind: 'setKey'; param: string; key: KeySpec }
  | { kind: 'deleteKey'; param: string; id?: string; position?: number }
  | { kind: 'setLaneMode'; param: string; mode: LaneMode }
  /** A muted lane keeps its keys and changes nothing. */
  | { kind: 'setLaneMuted'; param: string; muted: boolean }
  | { kind: 'setBinding'; binding: BindingSpec }
  | { kind: 'deleteBinding'; id: string };

export interface Edit {
  /** The shot: one per target clip, created on its first edit. */
  targetClipId: number;
  /** What the history shows, e.g. "Move 3 keyframes". */
  label: string;
  changes: readonly EditChange[];
}

export interface AppliedEdit {
  seq: number;
  shotId: number;
  /** The ids of the keys and bindings the edit created or changed, in the order of its changes. */
  keyIds: string[];
  bindingIds: string[];
}

export function applyEdit(project: Project, edit: Edit, options: { historyLimit?: number } = {}): AppliedEdit {
  project.requireWritable('be edited');
  if (edit.changes.length === 0) throw new DvpError('INVALID_ARGUMENT', 'an edit needs at least one change.');
  if (edit.label.trim() === '') throw new DvpError('INVALID_ARGUMENT', 'an edit needs a label for the history.');
  return project.transaction(() => {
    const target = targetClip(project, edit.targetClipId);
    const shot = findShot(project.db, target.id) ?? insertShot(project.db, target.id);
    const session = new EditSession(project, shot, target);
    for (let i = 0; i < edit.changes.length; ) {
      const change = edit.changes[i] as EditChange;
      if (change.kind === 'setKey') {
        // Consecutive key changes land together, so keys can move past each other in one drag.
        let end = i;
        while (end < edit.changes.length && (edit.changes[end] as EditChange).kind === 'setKey') end++;
        session.setKeys(edit.changes.slice(i, end) as Extract<EditChange, { kind: 'setKey' }>[]);
        i = end;
        continue;
      }
      session.apply(change);
      i++;
    }
    const seq = recordEdit(project.db, shot.id, edit.label, session.forward, session.backward(), options.historyLimit ?? DEFAULT_HISTORY_LIMIT);
    return { seq, shotId: shot.id, keyIds: session.keyIds, bindingIds: session.bindingIds };
  });
}

function targetClip(project: Project, clipId: number): Clip {
  const clip = getClip(project, clipId);
  if (clip.role !== 'target') {
    throw new DvpError('INVALID_ARGUMENT', `${project.file}: clip ${clip.id} (${clip.name}) is a ${clip.role} clip; only target clips have shots to edit.`, {
      file: project.file,
    });
  }
  return clip;
}

class EditSession {
  readonly forward: Operation[] = [];
  private readonly inverses: Operation[] = [];
  readonly keyIds: string[] = [];
  readonly bindingIds: string[] = [];
  private readonly db: Database;

  constructor(
    private readonly project: Project,
    private readonly shot: Shot,
    private readonly target: Clip,
  ) {
    this.db = project.db;
  }

  backward(): Operation[] {
    return [...this.inverses].reverse();
  }

  private run(operation: Operation): void {
    this.forward.push(operation);
    this.inverses.push(applyOperation(this.db, this.shot.id, operation));
  }

  setKeys(changes: readonly Extract<EditChange, { kind: 'setKey' }>[]): void {
    const resolved = changes.map((change) => this.resolveKey(change.param, change.key));
    const landing = new Set<string>();
    const ids = new Set<string>();
    for (const { param, key } of resolved) {
      if (ids.has(key.id)) throw new DvpError('INVALID_ARGUMENT', `one edit changes keyframe ${key.id} on '${param}' twice.`);
      ids.add(key.id);
      const slot = `${param}@${key.position}`;
      if (landing.has(slot)) throw new DvpError('INVALID_ARGUMENT', `one edit puts two keyframes on '${param}' at frame ${key.position}.`);
      landing.add(slot);
    }
    // Lift every changed key first, then set them down: a key replaces whatever else sits on its frame.
    for (const { key, existing } of resolved) if (existing) this.run({ op: 'removeKey', id: key.id });
    for (const { param, key } of resolved) {
      const occupant = keyAt(this.db, this.shot.id, param, key.position);
      if (occupant) this.run({ op: 'removeKey', id: occupant.key.id });
      this.run({ op: 'putKey', param, key });
      this.keyIds.push(key.id);
    }
  }

  /** A face control's lane, or the strength lane of a binding in this shot. */
  private requireLane(param: string): void {
    const bindingId = strengthLaneBinding(param);
    if (bindingId === undefined) requireControl(param);
    else if (!bindingById(this.db, this.shot.id, bindingId)) {
      throw new DvpError('NOT_FOUND', `'${param}' keys the strength of source binding ${bindingId}, which is not in clip ${this.target.id}'s shot.`);
    }
  }

  private resolveKey(param: string, spec: KeySpec): { param: string; key: Keyframe; existing: LaneKey | undefined } {
    this.requireLane(param);
    let existing: LaneKey | undefined;
    if (spec.id !== undefined) {
      existing = keyById(this.db, this.shot.id, spec.id);
      if (!existing) throw new DvpError('NOT_FOUND', `there is no keyframe ${spec.id} on clip ${this.target.id}'s shot.`);
      if (existing.param !== param) throw new DvpError('INVALID_ARGUMENT', `keyframe ${spec.id} belongs to '${existing.param}', not '${param}'.`);
    } else {
      if (spec.position === undefined) throw new DvpError('INVALID_ARGUMENT', `a new keyframe on '${param}' needs a frame.`);
      existing = keyAt(this.db, this.shot.id, param, spec.position);
    }
    const base = existing?.key;
    if (!base && spec.value === undefined) throw new DvpError('INVALID_ARGUMENT', `a new keyframe on '${param}' needs a value.`);
    const key: Keyframe = {
      id: base?.id ?? newKeyframeId(),
      position: spec.position ?? (base as Keyframe).position,
      value: spec.value ?? (base as Keyframe).value,
      type: spec.type ?? base?.type ?? 'linear',
      handles: spec.handles ? [...spec.handles] : base ? [...base.handles] : [...DEFAULT_HANDLES],
      connectedRight: spec.connectedRight ?? base?.connectedRight ?? true,
    };
    validateKeyframe(key, param);
    if (strengthLaneBinding(param) !== undefined && !(key.value >= 0 && key.value <= 100)) {
      throw new DvpError('INVALID_ARGUMENT', `a strength keyframe is a percentage in [0, 100], not ${key.value}.`);
    }
    this.checkFrame(key.position, `a keyframe on '${param}'`);
    return { param, key, existing };
  }

  apply(change: Exclude<EditChange, { kind: 'setKey' }>): void {
    switch (change.kind) {
      case 'deleteKey': {
        this.requireLane(change.param);
        if (change.id === undefined && change.position === undefined) throw new DvpError('INVALID_ARGUMENT', 'deleting a keyframe needs its id or its frame.');
        const found =
          change.id !== undefined
            ? keyById(this.db, this.shot.id, change.id)
            : change.position !== undefined
              ? keyAt(this.db, this.shot.id, change.param, change.position)
              : undefined;
        if (!found || found.param !== change.param) {
          const where = change.id !== undefined ? `with id ${change.id}` : `at frame ${change.position}`;
          throw new DvpError('NOT_FOUND', `there is no keyframe on '${change.param}' ${where} in clip ${this.target.id}'s shot.`);
        }
        this.run({ op: 'removeKey', id: found.key.id });
        return;
      }
      case 'setLaneMode':
        requireControl(change.param);
        if (change.mode !== 'offset' && change.mode !== 'absolute') {
          throw new DvpError('INVALID_ARGUMENT', `'${String(change.mode)}' is not a lane mode; use offset or absolute.`);
        }
        this.run({ op: 'putLane', param: change.param, settings: { mode: change.mode, muted: laneRow(this.db, this.shot.id, change.param)?.muted ?? false } });
        return;
      case 'setLaneMuted':
        this.requireLane(change.param);
        if (typeof change.muted !== 'boolean') throw new DvpError('INVALID_ARGUMENT', `a lane is muted or not (true or false), not ${String(change.muted)}.`);
        this.run({ op: 'putLane', param: change.param, settings: { mode: laneRow(this.db, this.shot.id, change.param)?.mode ?? 'offset', muted: change.muted } });
        return;
      case 'setBinding': {
        const { binding, order } = this.resolveBinding(change.binding);
        this.run({ op: 'putBinding', binding, order });
        this.bindingIds.push(binding.id);
        return;
      }
      case 'deleteBinding':
        if (!bindingById(this.db, this.shot.id, change.id)) throw new DvpError('NOT_FOUND', `there is no source binding ${change.id} in clip ${this.target.id}'s shot.`);
        // Its strength keys go with it, in the same undo step.
        for (const { key } of keysOnLane(this.db, this.shot.id, strengthLaneParam(change.id))) this.run({ op: 'removeKey', id: key.id });
        if (laneRow(this.db, this.shot.id, strengthLaneParam(change.id))) this.run({ op: 'putLane', param: strengthLaneParam(change.id), settings: null });
        this.run({ op: 'removeBinding', id: change.id });
        return;
    }
  }

  private resolveBinding(spec: BindingSpec): { binding: SourceBinding; order: number } {
    const existing = spec.id !== undefined ? bindingById(this.db, this.shot.id, spec.id) : undefined;
    if (spec.id !== undefined && !existing) throw new DvpError('NOT_FOUND', `there is no source binding ${spec.id} in clip ${this.target.id}'s shot.`);
    const base = existing?.binding;
    const sourceClipId = spec.sourceClipId ?? base?.sourceClipId;
    const mode = spec.mode ?? base?.mode;
    if (sourceClipId === undefined || mode === undefined) throw new DvpError('INVALID_ARGUMENT', 'a new source binding needs a source clip and a mode.');
    const binding: SourceBinding = {
      id: base?.id ?? newBindingId(),
      sourceClipId,
      mode,
      offset: spec.offset ?? base?.offset ?? 0,
      strength: spec.strength ?? base?.strength ?? 1,
      sourceNeutralFrame: spec.sourceNeutralFrame !== undefined ? spec.sourceNeutralFrame : (base?.sourceNeutralFrame ?? null),
      targetNeutralFrame: spec.targetNeutralFrame !== undefined ? spec.targetNeutralFrame : (base?.targetNeutralFrame ?? null),
      rangeStart: spec.rangeStart !== undefined ? spec.rangeStart : (base?.rangeStart ?? null),
      rangeEnd: spec.rangeEnd !== undefined ? spec.rangeEnd : (base?.rangeEnd ?? null),
    };
    validateBinding(binding);
    const source = getClip(this.project, binding.sourceClipId);
    if (source.role === 'audio') throw new DvpError('INVALID_ARGUMENT', `clip ${source.id} (${source.name}) is an audio clip; a source binding needs a video of a face.`);
    if (binding.sourceNeutralFrame !== null && binding.sourceNeutralFrame >= source.frameCount) {
      throw new DvpError('INVALID_ARGUMENT', `the source neutral frame ${binding.sourceNeutralFrame} is past the end of clip ${source.id} (${source.frameCount} frames).`);
    }
    if (binding.targetNeutralFrame !== null) this.checkFrame(binding.targetNeutralFrame, 'the target neutral frame');
    if (binding.rangeStart !== null) this.checkFrame(binding.rangeStart, "the binding's range start");
    if (binding.rangeEnd !== null) this.checkFrame(binding.rangeEnd, "the binding's range end");
    const order = spec.order ?? existing?.order ?? nextBindingOrder(this.db, this.shot.id);
    if (!Number.isInteger(order)) throw new DvpError('INVALID_ARGUMENT', `a binding's order must be a whole number, not ${order}.`);
    return { binding, order };
  }

  private checkFrame(frame: number, what: string): void {
    if (frame >= this.target.frameCount) {
      throw new DvpError(
        'INVALID_ARGUMENT',
        `${what} is at frame ${frame}, past the end of clip ${this.target.id} (${this.target.name}, frames 0–${this.target.frameCount - 1}).`,
      );
    }
  }
}
