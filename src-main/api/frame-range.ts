import { z } from 'zod';

/**
 * An inclusive run of frames, `first` to `last`: the one frame-range shape of the API, the
 * engine, the CLI's JSON and the UI (render ranges, tracked gaps, out-of-range and pass-through spans).
 */
export const FrameRangeShape = z.object({ first: z.number().int().nonnegative(), last: z.number().int().nonnegative() });
export type FrameRange = z.infer<typeof FrameRangeShape>;

/** A frame range given as input: `first` must not come after `last`. */
export const FrameRangeSchema = FrameRangeShape.refine((r) => r.first <= r.last, 'first must not come after last');
