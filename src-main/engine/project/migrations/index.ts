import { migration0001 } from './0001-clips.js';
import { migration0002 } from './0002-tracking.js';
import { migration0003 } from './0003-models.js';
import { migration0005 } from './0005-edits.js';
import { migration0006 } from './0006-shot-crops.js';
import { migration0007 } from './0007-checkpoint-parts.js';
import { migration0008 } from './0008-held-out-scores.js';
import { migration0009 } from './0009-lane-mute.js';
import { migration0010 } from './0010-frame-ranges.js';
import type { Migration } from './types.js';

/**
 * Every schema step, in order. Append only: a shipped migration never changes, and a new
 * one takes a number above the latest (4 was never used).
 */
export const migrations: readonly Migration[] = [migration0001, migration0002, migration0003, migration0005, migration0006, migration0007, migration0008, migration0009, migration0010];

export const LATEST_SCHEMA_VERSION = migrations.at(-1)?.version ?? 0;
