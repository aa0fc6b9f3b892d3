import { z } from 'zod';
import { FrameRangeShape } from './frame-range.js';

/**
 * The shot-edit part of the API (docs/editing.md): keyframe lanes, source bindings, the undo
 * history and the curves the timeline draws. Values are in each control's editor units
 * (degrees for angles, mm, % inter-ocular distance, eyelid closure).
 */

const frame = z.number().int().nonnegative();
const param = z.string().min(1).max(64);
const clipId = z.number().int().positive();

export const KeyframeTypeSchema = z.enum(['hold', 'linear', 'bezier']);
export type KeyframeType = z.infer<typeof KeyframeTypeSchema>;
export const LaneModeSchema = z.enum(['offset', 'absolute']);
export type LaneMode = z.infer<typeof LaneModeSchema>;
export const BindingModeSchema = z.enum(['full', 'expression', 'mouth', 'gaze']);
export type BindingMode = z.infer<typeof BindingModeSchema>;
export const HandlesSchema = z.tuple([z.number(), z.number(), z.number(), z.number()]);

export const KeyframeSchema = z.object({
  id: z.string().min(1).max(64),
  position: frame,
  value: z.number(),
  type: KeyframeTypeSchema,
  handles: HandlesSchema,
  connectedRight: z.boolean(),
});
export type Keyframe = z.infer<typeof KeyframeSchema>;

/**
 * Keys on the lane `strength:<binding id>` key that binding's strength over time, in percent
 * (a dub fading in and out); where the lane has no keys the binding's own `strength` holds.
 */
export function strengthLaneParam(bindingId: string): string {
  return `${STRENGTH_LANE_PREFIX}${bindingId}`;
}

/** The binding id a strength lane keys, or undefined for any other lane. */
export function strengthLaneBinding(param: string): string | undefined {
  return param.startsWith(STRENGTH_LANE_PREFIX) ? param.slice(STRENGTH_LANE_PREFIX.length) : undefined;
}

const STRENGTH_LANE_PREFIX = 'strength:';

/** `param` is a face control, or a binding's strength lane (strengthLaneParam). */
export const LaneSchema = z.object({ param, mode: LaneModeSchema, muted: z.boolean(), keys: z.array(KeyframeSchema) });
export type Lane = z.infer<typeof LaneSchema>;

export const BindingSchema = z.object({
  id: z.string().min(1).max(64),
  sourceClipId: clipId,
  offset: z.number().int(),
  mode: BindingModeSchema,
  strength: z.number().min(0).max(1),
  sourceNeutralFrame: frame.nullable(),
  targetNeutralFrame: frame.nullable(),
  rangeStart: frame.nullable(),
  rangeEnd: frame.nullable(),
});
export type Binding = z.infer<typeof BindingSchema>;

export const HistoryEntrySchema = z.object({
  seq: z.number().int().positive(),
  label: z.string(),
  targetClipId: clipId,
  createdAt: z.string(),
});
export type HistoryEntry = z.infer<typeof HistoryEntrySchema>;

export const HistorySchema = z.object({
  /** Oldest first: the last one is what undo undoes. */
  undo: z.array(HistoryEntrySchema),
  /** Next first: the first one is what redo redoes. */
  redo: z.array(HistoryEntrySchema),
});
export type History = z.infer<typeof HistorySchema>;

export const ShotEditSchema = z.object({
  clipId,
  frameCount: z.number().int().nonnegative(),
  lanes: z.array(LaneSchema),
  bindings: z.array(BindingSchema),
});
export type ShotEdit = z.infer<typeof ShotEditSchema>;

const KeySpecSchema = z
  .object({
    id: z.string().min(1).max(64).optional(),
    position: frame.optional(),
    value: z.number().finite().optional(),
    type: KeyframeTypeSchema.optional(),
    handles: HandlesSchema.optional(),
    connectedRight: z.boolean().optional(),
  })
  .strict();

const BindingSpecSchema = z
  .object({
    id: z.string().min(1).max(64).optional(),
    sourceClipId: clipId.optional(),
    offset: z.number().int().optional(),
    mode: BindingModeSchema.optional(),
    strength: z.number().min(0).max(1).optional(),
    sourceNeutralFrame: frame.nullable().optional(),
    targetNeutralFrame: frame.nullable().optional(),
    rangeStart: frame.nullable().optional(),
    rangeEnd: frame.nullable().optional(),
    order: z.number().int().optional(),
  })
  .strict();

export const EditChangeSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('setKey'), param, key: KeySpecSchema }).strict(),
  z.object({ kind: z.literal('deleteKey'), param, id: z.string().min(1).max(64).optional(), position: frame.optional() }).strict(),
  z.object({ kind: z.literal('setLaneMode'), param, mode: LaneModeSchema }).strict(),
  z.object({ kind: z.literal('setLaneMuted'), param, muted: z.boolean() }).strict(),
  z.object({ kind: z.literal('setBinding'), binding: BindingSpecSchema }).strict(),
  z.object({ kind: z.literal('deleteBinding'), id: z.string().min(1).max(64) }).strict(),
]);
export type EditChange = z.input<typeof EditChangeSchema>;

/**
 * The most changes in one edit and the most keys proposed in one curves request: at their
 * schemas' longest, both requests stay under the API's 16 MiB message limit
 * (MAX_MESSAGE_BYTES in src-main/server/server.ts; test/shell/server-fuzz.test.ts measures).
 */
export const MAX_EDIT_CHANGES = 10_000;
export const MAX_PROPOSED_KEYS = 20_000;

/** One whole user edit (a drag of several keys is one), one undo step. */
export const EditSchema = z
  .object({
    targetClipId: clipId,
    label: z.string().min(1).max(200),
    changes: z.array(EditChangeSchema).min(1).max(MAX_EDIT_CHANGES),
  })
  .strict();
export type Edit = z.input<typeof EditSchema>;

export const ApplyEditResultSchema = z.object({
  seq: z.number().int().positive(),
  keyIds: z.array(z.string()),
  bindingIds: z.array(z.string()),
  shot: ShotEditSchema,
  history: HistorySchema,
});

export const UndoRedoResultSchema = z.object({
  /** The edit undone or redone; null when there was nothing to undo or redo. */
  entry: HistoryEntrySchema.nullable(),
  history: HistorySchema,
});

export const ControlInfoSchema = z.object({
  param,
  label: z.string(),
  group: z.enum(['head', 'expression', 'eyes']),
  unit: z.enum(['deg', 'mm', '% IOD', 'closure']),
  /** Lane value × scale = the parameter's own units (radians for angles). */
  scale: z.number().positive(),
  /** The out-of-range channels (`Curves.outOfRange[].params`) this lane moves: a span belongs on the lane when it names one. */
  channels: z.array(z.string()),
});
export type ControlInfo = z.infer<typeof ControlInfoSchema>;

export const LaneCurveSchema = z.object({
  param,
  /** The target's own tracked value per frame. */
  tracked: z.array(z.number()),
  /** The value after source bindings and every lane: what will be rendered. */
  edited: z.array(z.number()),
  /** The lane's own keyed value per frame (an offset or an absolute value, per its mode); null without keys. */
  lane: z.array(z.number()).nullable(),
  /** The range the target showed in its trusted tracked frames. */
  observed: z.object({ min: z.number(), max: z.number() }),
});
export type LaneCurve = z.infer<typeof LaneCurveSchema>;

export const CurvesSchema = z.object({
  clipId,
  frameCount: z.number().int().nonnegative(),
  /** False until the clip is tracked; then every list below is empty. */
  tracked: z.boolean(),
  controls: z.array(ControlInfoSchema),
  curves: z.array(LaneCurveSchema),
  /** Edited frames that leave what the target showed (the network cannot reproduce them well). */
  outOfRange: z.array(FrameRangeShape.extend({ params: z.array(z.string()) })),
  /** Frames without a trusted tracked fit (no face, not yet tracked, interpolated). */
  untracked: z.array(FrameRangeShape),
});
export type Curves = z.infer<typeof CurvesSchema>;

export const CurvesParamsSchema = z
  .object({
    clipId,
    /** Only these lanes' curves (all when absent); out-of-range spans are left out when given. */
    params: z.array(param).max(64).optional(),
    /** Keys to use instead of the stored ones (a drag in progress): nothing is written. */
    proposed: z
      .array(z.object({ param, mode: LaneModeSchema.optional(), keys: z.array(KeyframeSchema).max(10_000) }).strict())
      .max(64)
      .refine((lanes) => lanes.reduce((sum, lane) => sum + lane.keys.length, 0) <= MAX_PROPOSED_KEYS, {
        message: `at most ${MAX_PROPOSED_KEYS} proposed keys in all`,
      })
      .optional(),
  })
  .strict();
