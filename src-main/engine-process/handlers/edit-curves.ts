import type { z } from 'zod';
import type { Curves, CurvesParamsSchema } from '../../api/edit-schemas.js';
import { shotCurves } from '../../engine/edit/shot-curves.js';
import { getClip } from '../../engine/project/clips.js';
import { renderMeasure } from '../../engine/render/render-model.js';
import type { EngineContext } from '../engine-context.js';

/** `edit.curves`: the engine's shot curves, measured as a default render measures them, in the API's shape. */
export function curvesHandler(params: z.infer<typeof CurvesParamsSchema>, engine: EngineContext): Curves {
  const project = engine.requireProject();
  const clip = getClip(project, params.clipId);
  const curves = shotCurves(project, engine.trackedClips, params, renderMeasure(project, clip.id));
  return {
    ...curves,
    controls: curves.controls.map((c) => ({ param: c.name, label: c.label, group: c.group, unit: c.unit, scale: c.scale, channels: [...c.channels] })),
    outOfRange: curves.outOfRange.map((s) => ({ first: s.first, last: s.last, params: s.params })),
  };
}
