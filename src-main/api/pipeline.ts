import { z } from 'zod';
import { BackendStatusSchema, PrecisionSchema } from './backend.js';
import { FrameRangeSchema } from './frame-range.js';

/**
 * Value types of the pipeline panels and the viewer's overlays and compare modes: tracking
 * state and per-frame overlay geometry, conditioning and synthesized images, training
 * models with their checkpoints, loss history and previews. Free of Node and DOM.
 */

const id = z.number().int().positive();
const frameIndex = z.number().int().nonnegative();

/** A PNG, base64-encoded (shown through a data: URL, which the CSP allows for images). */
export const PngImageSchema = z.object({
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  png: z.string().min(1),
});
export type PngImage = z.infer<typeof PngImageSchema>;

/**
 * Per-frame tracking state, one code per clip frame:
 * 0 not tracked, 1 tracked, 2 interpolated (short gap), 3 tracked with low confidence or in
 * profile, 4 no face (held), 5 unreadable, 6 detected but not fitted yet (an interrupted run).
 */
export const TRACK_CODE = { none: 0, tracked: 1, interpolated: 2, uncertain: 3, noFace: 4, corrupt: 5, detected: 6 } as const;

export const TrackingStatusSchema = z.object({
  clipId: id,
  frameCount: z.number().int().nonnegative(),
  codes: z.array(z.number().int().min(0).max(6)),
  /** Null until the clip has a fitted face model. */
  model: z
    .object({
      neutralFrame: frameIndex,
      medianErrorPct: z.number().nullable(),
      p95ErrorPct: z.number().nullable(),
      framesWithFace: z.number().int().nonnegative(),
      gaps: z.array(FrameRangeSchema),
    })
    .nullable(),
});
export type TrackingStatus = z.infer<typeof TrackingStatusSchema>;

/** What never changes between frames: the mesh edges and the landmark points worth drawing. */
export const OverlayTopologySchema = z.object({
  vertexCount: z.number().int().positive(),
  /** Mesh edges as vertex index pairs (a, b, a, b, …). */
  edges: z.array(z.number().int().nonnegative()),
  /** Detected-landmark indices drawn as dots (lids, lips, brows, irises). */
  landmarkDots: z.array(z.number().int().nonnegative()),
});
export type OverlayTopology = z.infer<typeof OverlayTopologySchema>;

const point = z.tuple([z.number(), z.number()]);

export const OverlayEyeSchema = z.object({
  /** Lid opening as a closed polygon, x, y pairs in plate pixels. */
  ring: z.array(z.number()),
  iris: point,
  irisRadius: z.number().nonnegative(),
  /** Where the gaze ray ends (45 mm from the eyeball centre), or null when it points behind the camera. */
  gazeEnd: point.nullable(),
});

export type OverlayEye = z.infer<typeof OverlayEyeSchema>;

export const OverlayFrameSchema = z.object({
  clipId: id,
  frame: frameIndex,
  code: z.number().int().min(0).max(6),
  /** Null where the frame has no fitted face. */
  mesh: z
    .object({
      /** Posed vertices, x, y in plate pixels. */
      vertices: z.array(z.number()),
      /** Per vertex: 1 where the surface faces the camera. */
      facing: z.array(z.number().int().min(0).max(1)),
      eyes: z.tuple([OverlayEyeSchema, OverlayEyeSchema]),
    })
    .nullable(),
  /** The detected landmarks the fit used (x, y pairs in plate pixels), or null. */
  landmarks: z.array(z.number()).nullable(),
});
export type OverlayFrame = z.infer<typeof OverlayFrameSchema>;

export const ShotCropSchema = z.object({ x: z.number().int(), y: z.number().int(), size: z.number().int().positive() });

export const ConditionImagesSchema = z.object({
  clipId: id,
  frame: frameIndex,
  /** Where the images sit in the plate (they are rendered at `size`² inside this square). */
  crop: ShotCropSchema,
  size: z.number().int().positive(),
  /** True when the edited parameters (not the tracked ones) were rendered. */
  edited: z.boolean(),
  colour: PngImageSchema,
  correspondence: PngImageSchema,
  eyes: PngImageSchema,
});
export type ConditionImagesValue = z.infer<typeof ConditionImagesSchema>;

export const SynthFrameSchema = z.object({
  clipId: id,
  frame: frameIndex,
  modelId: id,
  checkpointStep: z.number().int().nonnegative(),
  /** False where the frame has no tracked face and the plate passes through. */
  synthesized: z.boolean(),
  /** The full plate with the network's face composited in, as a render writes it. */
  image: PngImageSchema,
  crop: ShotCropSchema,
});
export type SynthFrame = z.infer<typeof SynthFrameSchema>;

/** The engine's composite modes (`engine/render/render-shot.ts` COMPOSITE_MODES; a test keeps them equal). */
export const CompositeModeSchema = z.enum(['region', 'crop']);

/** One frame's composite mask, as a render would blend it (`render.mask`). */
export const RenderMaskSchema = z.object({
  clipId: id,
  frame: frameIndex,
  composite: CompositeModeSchema,
  /** The shot crop the mask covers (plate pixels; the mask is crop.size² at the plate's resolution). */
  crop: ShotCropSchema,
  /** What the edit changes in this frame (region composite); empty where the plate passes through. */
  regions: z.array(z.enum(['mouth', 'eyes', 'face', 'head'])),
  /** Crop pixels with a non-zero weight (0: the plate passes through unchanged). */
  area: z.number().int().nonnegative(),
  /** Region composite: margin and feather in plate pixels. */
  marginPx: z.number().nonnegative(),
  featherPx: z.number().nonnegative(),
  /** The weights as the alpha of a white crop.size² RGBA image (the ProRes 4444 matte inside the crop). */
  mask: PngImageSchema,
});
export type RenderMask = z.infer<typeof RenderMaskSchema>;

export const LossesSchema = z.object({ generator: z.number(), discriminator: z.number(), l1: z.number() });

export const CheckpointInfoSchema = z.object({
  id: id,
  step: z.number().int().nonnegative(),
  createdAt: z.string(),
  metrics: z.record(z.string(), z.number()),
});

export const TrainingRunSchema = z.object({
  id: id,
  status: z.string(),
  backend: z.string(),
  startStep: z.number().int().nonnegative(),
  endStep: z.number().int().nonnegative().nullable(),
  targetStep: z.number().int().nonnegative(),
});

/** PSNR (dB), SSIM and L1 on the held-out frames; null where the value is not finite (PSNR of identical images, a diverged model). */
export const ImageScoresSchema = z.object({ psnr: z.number().nullable(), ssim: z.number().nullable(), l1: z.number().nullable() });

/** One evaluation while training: the model and the nearest-neighbour baseline on the same held-out frames. */
export const HeldOutPointSchema = z.object({
  step: z.number().int().nonnegative(),
  frames: z.number().int().positive(),
  model: ImageScoresSchema,
  nearestNeighbour: ImageScoresSchema,
});
export type HeldOutPoint = z.infer<typeof HeldOutPointSchema>;

export const TrainingModelSchema = z.object({
  id: id,
  clipId: id,
  name: z.string(),
  preset: z.string(),
  resolution: z.number().int().positive(),
  /** The preset's full schedule; a run may stop earlier. */
  configSteps: z.number().int().positive(),
  createdAt: z.string(),
  /** Clip frames: [first, heldOutFrom) train, [heldOutFrom, last] held out; null for models not on the face model. */
  frames: z.object({ first: frameIndex, last: frameIndex, heldOutFrom: frameIndex }).nullable(),
  checkpoints: z.array(CheckpointInfoSchema),
  runs: z.array(TrainingRunSchema),
  /** Steps with a preview image (the held-out frame: input | output | truth). */
  previews: z.array(z.number().int().nonnegative()),
  /** The held-out scores recorded while training (`evaluateEvery`), by step. */
  heldOut: z.array(HeldOutPointSchema),
});
export type TrainingModel = z.infer<typeof TrainingModelSchema>;

export const TrainingOverviewSchema = z.object({
  presets: z.array(
    z.object({
      name: z.string(),
      resolution: z.number().int().positive(),
      steps: z.number().int().positive(),
      /** The preset's own held-out schedule (a run that stops itself), if any. */
      evaluateEvery: z.number().int().positive().optional(),
      earlyStopPatience: z.number().int().positive().optional(),
    }),
  ),
  /** The TensorFlow.js backend the engine runs on, once one was chosen, why, and its convolution precision. */
  backend: z.object({ name: z.string(), reason: z.string(), precision: PrecisionSchema }).nullable(),
  /** Every backend `auto` considers (tfjs-node-gpu, native, tfjs-node, wasm) and whether it can run here. */
  backends: z.array(BackendStatusSchema),
  models: z.array(TrainingModelSchema),
});
export type TrainingOverview = z.infer<typeof TrainingOverviewSchema>;

export const LossPointSchema = z.object({ step: z.number().int().positive(), generator: z.number(), discriminator: z.number(), l1: z.number() });
export type LossPoint = z.infer<typeof LossPointSchema>;

export type { OutputFormatId as RenderFormat } from './output-formats.js';

export const RenderAudioSchema = z.union([z.enum(['target', 'source', 'none']), z.object({ file: z.string().min(1).max(4096) }).strict()]);
export type RenderAudio = z.infer<typeof RenderAudioSchema>;
