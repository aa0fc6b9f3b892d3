import { DvpError } from '../../shared/errors.js';
import { readControl, type FaceControl } from '../face/controls.js';
import { emptyParams, type FaceModel } from '../face/model.js';
import type { ExpressionRig } from './expression-rig.js';
import { mouthProjection } from './mouth-subspace.js';
import { EXPRESSION_DIMS, type EditFrame } from './parameters.js';

/**
 * The expression rig of a tracked target clip: the face model's own named controls
 * (face/controls.ts: measurements of the shape, set along their prior-weighted direction)
 * and the mouth subspace of its expression basis.
 */
export function faceModelRig(model: FaceModel, controls: readonly FaceControl[]): ExpressionRig {
  const byName = new Map(controls.filter((c) => c.kind === 'expression' && c.direction).map((c) => [c.name as string, c]));
  const projection = mouthProjection(model.basis, model.identity.neutralShape);
  const scratch = emptyParams();

  const lookup = (name: string): FaceControl => {
    const control = byName.get(name);
    if (!control?.direction) throw new DvpError('NOT_FOUND', `the face model of clip ${model.identity.clipId} has no expression control named '${name}'; track the clip again.`);
    return control;
  };
  const toParams = (frame: EditFrame): typeof scratch => {
    scratch.expression.set(frame.expression);
    scratch.eyelids.set(frame.eyelids);
    return scratch;
  };

  return {
    controls: [...byName.keys()],
    read(name, frame) {
      return readControl(model, lookup(name), toParams(frame));
    },
    add(name, frame, delta) {
      const direction = lookup(name).direction as Float32Array;
      for (let k = 0; k < EXPRESSION_DIMS; k++) frame.expression[k] = (frame.expression[k] as number) + delta * (direction[k] as number);
    },
    mouthPart(delta, out) {
      for (let row = 0; row < EXPRESSION_DIMS; row++) {
        let sum = 0;
        for (let col = 0; col < EXPRESSION_DIMS; col++) sum += (projection[row * EXPRESSION_DIMS + col] as number) * (delta[col] as number);
        out[row] = sum;
      }
    },
  };
}
