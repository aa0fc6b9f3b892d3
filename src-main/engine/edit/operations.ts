import type { Database } from 'better-sqlite3';
import { DvpError } from '../../shared/errors.js';
import type { SourceBinding } from './bindings.js';
import type { LaneMode } from './compose.js';
import {
  bindingById,
  deleteBinding,
  deleteKey,
  deleteLaneMode,
  keyById,
  laneModeRow,
  laneRow,
  writeBinding,
  writeKey,
  writeLaneMode,
  writeLaneRow,
  type LaneSettings,
} from './edit-store.js';
import type { Keyframe } from './keyframes.js';

/**
 * The primitive, JSON-serialisable changes an edit is made of. Each carries full state
 * (never a delta), so applying the recorded inverse restores exactly what was there.
 */
export type Operation =
  | { op: 'putKey'; param: string; key: Keyframe }
  | { op: 'removeKey'; id: string }
  /** null removes the lane's row (a lane without one is an unmuted offset lane). */
  | { op: 'putLane'; param: string; settings: LaneSettings | null }
  /** Only in histories written before lanes could be muted: the mode alone. */
  | { op: 'putLaneMode'; param: string; mode: LaneMode | null }
  | { op: 'putBinding'; binding: SourceBinding; order: number }
  | { op: 'removeBinding'; id: string };

/** Applies `operation` to shot `shotId` and returns the operation that undoes it. */
export function applyOperation(db: Database, shotId: number, operation: Operation): Operation {
  switch (operation.op) {
    case 'putKey': {
      const before = keyById(db, shotId, operation.key.id);
      writeKey(db, shotId, operation.param, operation.key);
      return before ? { op: 'putKey', param: before.param, key: before.key } : { op: 'removeKey', id: operation.key.id };
    }
    case 'removeKey': {
      const before = keyById(db, shotId, operation.id);
      if (!before) throw new DvpError('INTERNAL', `the edit history removes keyframe ${operation.id}, which does not exist.`);
      deleteKey(db, shotId, operation.id);
      return { op: 'putKey', param: before.param, key: before.key };
    }
    case 'putLane': {
      const before = laneRow(db, shotId, operation.param) ?? null;
      if (operation.settings === null) deleteLaneMode(db, shotId, operation.param);
      else writeLaneRow(db, shotId, operation.param, operation.settings);
      return { op: 'putLane', param: operation.param, settings: before };
    }
    case 'putLaneMode': {
      const before = laneModeRow(db, shotId, operation.param) ?? null;
      if (operation.mode === null) deleteLaneMode(db, shotId, operation.param);
      else writeLaneMode(db, shotId, operation.param, operation.mode);
      return { op: 'putLaneMode', param: operation.param, mode: before };
    }
    case 'putBinding': {
      const before = bindingById(db, shotId, operation.binding.id);
      writeBinding(db, shotId, { binding: operation.binding, order: operation.order });
      return before ? { op: 'putBinding', binding: before.binding, order: before.order } : { op: 'removeBinding', id: operation.binding.id };
    }
    case 'removeBinding': {
      const before = bindingById(db, shotId, operation.id);
      if (!before) throw new DvpError('INTERNAL', `the edit history removes source binding ${operation.id}, which does not exist.`);
      deleteBinding(db, shotId, operation.id);
      return { op: 'putBinding', binding: before.binding, order: before.order };
    }
  }
}

/** Applies `operations` in order; returns the inverses in the order that undoes them. */
export function applyOperations(db: Database, shotId: number, operations: readonly Operation[]): Operation[] {
  const inverses: Operation[] = [];
  for (const operation of operations) inverses.push(applyOperation(db, shotId, operation));
  return inverses.reverse();
}
