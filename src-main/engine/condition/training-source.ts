import { DvpError } from '../../shared/errors.js';
import type { Project } from '../project/project.js';
import { bytesToSigned, type TrainingExample, type TrainingSource } from '../translate/dataset.js';
import { ClipConditioning } from './clip-conditioning.js';
import { CHANNELS_PER_FRAME } from './frame-renderer.js';
import type { ShotCrop } from './shot-crop.js';

export interface ConditionedSourceOptions {
  resolution: number;
  windowSize: number;
  /** First clip frame and number of frames to consider (default: every tracked frame). */
  start?: number;
  count?: number;
  /** The crop to cut (default: the clip's shot crop); a trained model should keep the crop it was trained with. */
  crop?: ShotCrop;
  signal?: AbortSignal;
}

/** Scale of the translation (mm) in the nearest-neighbour parameter vector, so 10 cm weighs like 1 rad. */
const TRANSLATION_SCALE = 1 / 100;

/**
 * The production training source (the translation side's `TrainingSource`): one example
 * per tracked frame that was fitted to its own detection — the conditioning volume of its
 * window rendered from the tracked face model, and the real frame cut by the same shot
 * crop. Target frames are decoded once, up front; volumes are rendered on request
 * (consecutive requests slide, others render their 11 frames).
 */
export class ConditionedClipSource implements TrainingSource {
  readonly inputChannels: number;

  private constructor(
    readonly conditioning: ClipConditioning,
    private readonly examples: readonly number[],
    private readonly targets: ReadonlyMap<number, Uint8Array>,
  ) {
    this.inputChannels = CHANNELS_PER_FRAME * conditioning.windowSize;
  }

  static async open(project: Project, clipId: number, options: ConditionedSourceOptions): Promise<ConditionedClipSource> {
    const conditioning = ClipConditioning.open(project, clipId, {
      size: options.resolution,
      windowSize: options.windowSize,
      ...(options.crop ? { crop: options.crop } : {}),
    });
    const start = options.start ?? conditioning.firstFrame;
    const end = options.count === undefined ? conditioning.lastFrame : Math.min(conditioning.lastFrame, start + options.count - 1);
    const examples = conditioning.trainableFrames().filter((f) => f >= start && f <= end);
    if (examples.length === 0) {
      throw new DvpError('NOT_FOUND', `${project.file}: clip ${clipId} has no tracked frames with a face in ${start}-${end} to train on.`, { file: project.file });
    }
    const first = examples[0]!;
    const last = examples.at(-1)!;
    const wanted = new Set(examples);
    const targets = new Map<number, Uint8Array>();
    for await (const frame of conditioning.readTargets(first, last - first + 1, options.signal)) {
      if (wanted.has(frame.index)) targets.set(frame.index, frame.data);
    }
    return new ConditionedClipSource(conditioning, examples, targets);
  }

  get size(): number {
    return this.examples.length;
  }

  get resolution(): number {
    return this.conditioning.size;
  }

  frame(index: number): number {
    const frame = this.examples[index];
    if (frame === undefined) throw new DvpError('INTERNAL', `Training example ${index} does not exist (${this.examples.length} examples).`);
    return frame;
  }

  async sample(index: number): Promise<TrainingExample> {
    const input = this.conditioning.volumeAt(this.frame(index)).slice();
    return { input, target: this.target(index) };
  }

  target(index: number): Float32Array {
    return bytesToSigned(this.targets.get(this.frame(index))!);
  }

  /** Head pose (rotation, translation in dm), expression, gaze and eyelids of the example's frame. */
  parameters(index: number): Float32Array {
    const p = this.conditioning.params(this.frame(index));
    const out = new Float32Array(3 + 3 + p.expression.length + p.gaze.length + p.eyelids.length);
    out.set(p.rotation, 0);
    for (let k = 0; k < 3; k++) out[3 + k] = p.translation[k]! * TRANSLATION_SCALE;
    out.set(p.expression, 6);
    out.set(p.gaze, 6 + p.expression.length);
    out.set(p.eyelids, 6 + p.expression.length + p.gaze.length);
    return out;
  }
}
