import type { FaceModel, FrameParams } from '../face/model.js';
import { poseMesh, type EyeGeometry, type PosedMesh } from '../face/pose-mesh.js';
import { FACE_CONDITION_TOPOLOGY } from './face-topology.js';
import { CHANNELS_PER_FRAME, ConditionRenderer, type ConditionFace, type PupilDisc } from './frame-renderer.js';
import { plateToCrop, type ShotCrop } from './shot-crop.js';
import { DEFAULT_WINDOW_SIZE, SlidingVolume, windowFrames } from './volume.js';

/**
 * Renders one clip's face model into the conditioning images of its shot: the posed mesh
 * (`face/pose-mesh.ts`: plate pixels + depth, albedo × SH colour, eye geometry) is mapped
 * into the shot crop at network size and drawn by the one `ConditionRenderer`. Training
 * (tracked parameters) and inference (edited parameters) both come through here.
 */
export class FaceConditioner {
  readonly renderer: ConditionRenderer;
  private readonly screen: Float32Array;

  constructor(readonly model: FaceModel, readonly crop: ShotCrop, readonly size: number) {
    this.renderer = new ConditionRenderer(FACE_CONDITION_TOPOLOGY, size, size);
    this.screen = new Float32Array(3 * FACE_CONDITION_TOPOLOGY.vertexCount);
  }

  /** The posed mesh of one frame, in plate pixels. */
  pose(params: FrameParams): PosedMesh {
    return poseMesh(this.model, params);
  }

  /** The renderer's input for a posed mesh: positions and pupils mapped into the crop. */
  faceInCrop(posed: PosedMesh): ConditionFace {
    plateToCrop(posed.vertices, this.crop, this.size, this.screen);
    return {
      screen: this.screen,
      colour: posed.colour,
      pupils: { left: this.pupil(posed.eyes.left), right: this.pupil(posed.eyes.right) },
    };
  }

  /** Draws one frame's nine channels (see `ConditionRenderer.render` for the layout). */
  render(params: FrameParams, out: Float32Array, stride = CHANNELS_PER_FRAME, offset = 0): PosedMesh {
    const posed = this.pose(params);
    this.renderer.render(this.faceInCrop(posed), out, stride, offset);
    return posed;
  }

  private pupil(eye: EyeGeometry): PupilDisc {
    const scale = this.size / this.crop.size;
    return { x: (eye.irisCentre[0] - this.crop.x) * scale, y: (eye.irisCentre[1] - this.crop.y) * scale, radius: eye.irisRadiusPx * scale };
  }
}

/**
 * Space-time volumes (H×W×9·Nw, current frame last) over a sequence of per-frame
 * parameters. Consecutive frames slide (each frame is rendered once); any other request
 * renders its whole window. Before the first frame the first frame repeats (`windowFrames`).
 * The returned array is the same buffer on every call, overwritten by the next.
 */
export class ConditioningSequence {
  private readonly volume: SlidingVolume;
  private last: number | undefined;

  constructor(
    private readonly conditioner: FaceConditioner,
    private readonly paramsAt: (frame: number) => FrameParams,
    readonly firstFrame = 0,
    readonly windowSize = DEFAULT_WINDOW_SIZE,
  ) {
    this.volume = new SlidingVolume(conditioner.size, conditioner.size, windowSize);
  }

  volumeAt(frame: number): Float32Array {
    const draw = (f: number, out: Float32Array, stride: number, offset: number): void => {
      this.conditioner.render(this.paramsAt(f), out, stride, offset);
    };
    if (this.last !== undefined && frame === this.last + 1) {
      this.volume.push((out, stride, offset) => {
        draw(frame, out, stride, offset);
        return this.conditioner.renderer.visibility.rowSpans;
      });
    }
    else this.volume.start(windowFrames(frame, this.windowSize, this.firstFrame), draw);
    this.last = frame;
    return this.volume.data;
  }
}
