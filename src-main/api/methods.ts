import { z } from 'zod';
import {
  AppInfoSchema,
  ClipRoleSchema,
  ClipSchema,
  DirListingSchema,
  EngineStatusSchema,
  JobSchema,
  ProjectInfoSchema,
} from './schemas.js';
import {
  CompositeModeSchema,
  ConditionImagesSchema,
  LossPointSchema,
  OverlayFrameSchema,
  OverlayTopologySchema,
  PngImageSchema,
  RenderMaskSchema,
  SynthFrameSchema,
  TrackingStatusSchema,
  TrainingOverviewSchema,
} from './pipeline.js';
import { FarmInfoSchema, FarmStatusSchema, FarmSubmitParamsSchema, FarmSubmitResultSchema } from './farm-schemas.js';
import { ApplyEditResultSchema, CurvesParamsSchema, CurvesSchema, EditSchema, HistorySchema, ShotEditSchema, UndoRedoResultSchema } from './edit-schemas.js';

/**
 * Where a method is answered:
 * - `engine`: in the engine process (project file, media, anything heavy);
 * - `host`: in the process that owns the engine (job queue, recent projects, file listing);
 * - `shell`: by the shell itself (Electron's native dialogs); a shell without it answers NOT_SUPPORTED.
 */
export type MethodSide = 'engine' | 'host' | 'shell';

export interface MethodSpec<P extends z.ZodType = z.ZodType, R extends z.ZodType = z.ZodType, S extends MethodSide = MethodSide> {
  side: S;
  params: P;
  result: R;
}

function method<S extends MethodSide, P extends z.ZodType, R extends z.ZodType>(side: S, params: P, result: R): MethodSpec<P, R, S> {
  return { side, params, result };
}

const none = z.object({}).strict();
const filePath = z.string().min(1).max(4096);

/**
 * The one API every UI talks to, in Electron (preload → IPC) and in a browser (WebSocket).
 * A feature is added by declaring its method here and its handler on the named side;
 * the compiler refuses a method without a handler.
 */
export const methods = {
  'app.info': method('host', none, AppInfoSchema),
  'engine.status': method('host', none, EngineStatusSchema),

  'project.new': method('engine', z.object({ file: filePath }).strict(), ProjectInfoSchema),
  'project.open': method('engine', z.object({ file: filePath, readonly: z.boolean().optional() }).strict(), ProjectInfoSchema),
  'project.close': method('engine', none, z.null()),
  'project.info': method('engine', none, ProjectInfoSchema.nullable()),
  'project.recent': method('host', none, z.array(z.object({ file: filePath, openedAt: z.string(), exists: z.boolean() }))),

  'clip.import': method(
    'engine',
    z.object({ file: filePath, role: ClipRoleSchema, name: z.string().min(1).max(200).optional() }).strict(),
    ClipSchema,
  ),
  'clip.list': method('engine', none, z.array(ClipSchema)),

  'edit.shot': method('engine', z.object({ clipId: z.number().int().positive() }).strict(), ShotEditSchema),
  'edit.apply': method('engine', z.object({ edit: EditSchema }).strict(), ApplyEditResultSchema),
  'edit.undo': method('engine', none, UndoRedoResultSchema),
  'edit.redo': method('engine', none, UndoRedoResultSchema),
  'edit.history': method('engine', none, HistorySchema),
  'edit.curves': method('engine', CurvesParamsSchema, CurvesSchema),

  'tracking.topology': method('engine', none, OverlayTopologySchema),
  'tracking.status': method('engine', z.object({ clipId: z.number().int().positive() }).strict(), TrackingStatusSchema),
  'tracking.overlay': method('engine', z.object({ clipId: z.number().int().positive(), frame: z.number().int().nonnegative() }).strict(), OverlayFrameSchema),
  'condition.images': method(
    'engine',
    z.object({ clipId: z.number().int().positive(), frame: z.number().int().nonnegative(), size: z.number().int().min(16).max(1024).optional() }).strict(),
    ConditionImagesSchema,
  ),
  'synth.frame': method(
    'engine',
    z.object({ clipId: z.number().int().positive(), frame: z.number().int().nonnegative(), modelId: z.number().int().positive().optional() }).strict(),
    SynthFrameSchema,
  ),
  'render.mask': method(
    'engine',
    z.object({ clipId: z.number().int().positive(), frame: z.number().int().nonnegative(), composite: CompositeModeSchema.optional() }).strict(),
    RenderMaskSchema,
  ),
  'training.overview': method('engine', z.object({ clipId: z.number().int().positive() }).strict(), TrainingOverviewSchema),
  'training.losses': method(
    'engine',
    z.object({ modelId: z.number().int().positive(), maxPoints: z.number().int().min(2).max(5000).optional() }).strict(),
    z.object({ modelId: z.number().int().positive(), total: z.number().int().nonnegative(), points: z.array(LossPointSchema) }),
  ),
  'training.preview': method('engine', z.object({ modelId: z.number().int().positive(), step: z.number().int().nonnegative() }).strict(), PngImageSchema),

  /** The render farm (Slurm): whether one answers here, a chunked render of the open project submitted to it, and how it goes. */
  'farm.info': method('engine', none, FarmInfoSchema),
  'farm.submit': method('engine', FarmSubmitParamsSchema, FarmSubmitResultSchema),
  'farm.status': method('engine', z.object({ jobDir: filePath }).strict(), FarmStatusSchema),

  'job.start': method('host', z.object({ kind: z.string().min(1).max(64), params: z.unknown() }).strict(), JobSchema),
  'job.cancel': method('host', z.object({ id: z.number().int().positive() }).strict(), JobSchema),
  'job.list': method('host', none, z.array(JobSchema)),

  'fs.list': method(
    'host',
    z.object({ dir: filePath.optional(), extensions: z.array(z.string().regex(/^\.[a-z0-9]+$/i)).max(32).optional() }).strict(),
    DirListingSchema,
  ),
  'dialog.pick': method(
    'shell',
    z.object({ purpose: z.enum(['open-project', 'new-project', 'import-clip', 'save-render']) }).strict(),
    z.object({ file: z.string().nullable() }),
  ),
  /** Shows a file in the system's file manager (Electron); a browser offers it for download instead. */
  'file.reveal': method('shell', z.object({ file: filePath }).strict(), z.null()),
} as const;

export type Methods = typeof methods;
export type MethodName = keyof Methods;
export type ParamsOf<M extends MethodName> = z.input<Methods[M]['params']>;
export type ResultOf<M extends MethodName> = z.infer<Methods[M]['result']>;
export type MethodsOn<S extends MethodSide> = { [M in MethodName]: Methods[M]['side'] extends S ? M : never }[MethodName];

export function isMethodName(name: string): name is MethodName {
  return Object.hasOwn(methods, name);
}
