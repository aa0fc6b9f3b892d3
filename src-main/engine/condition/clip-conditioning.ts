import { DvpError } from '../../shared/errors.js';
import type { FrameParams } from '../face/model.js';
import { FrameFlag, loadFaceModel, loadTrackedFrames, type StoredFaceModel, type TrackedFrame } from '../face/store.js';
import { readFrame, readFrames, type CropRect, type RgbFrame } from '../media/frame-reader.js';
import { clipVideoInfo, getClip, resolveClipMedia, type Clip } from '../project/clips.js';
import type { Project } from '../project/project.js';
import { trackRemedy } from '../project/remedies.js';
import { cropFromTracking, faceModelVersion, loadShotCrop, saveShotCrop, shotCropOutdated, validateCrop, type StoredShotCrop } from './crop-store.js';
import type { ShotCrop } from './shot-crop.js';
import { ConditioningSequence, FaceConditioner } from './face-conditioner.js';
import { CHANNELS_PER_FRAME } from './frame-renderer.js';
import { DEFAULT_WINDOW_SIZE } from './volume.js';

export const DEFAULT_CONDITION_SIZE = 256;

export interface ClipConditioningOptions {
  /** Network resolution (square), default 256. */
  size?: number;
  windowSize?: number;
  /** Tracked parameters to use: 'smoothed' (default) or 'raw'. */
  which?: 'raw' | 'smoothed';
  /** Use this crop instead of the clip's (e.g. the one a trained model was trained with). */
  crop?: ShotCrop;
}

/**
 * The clip's stored crop; an automatic one is chosen again when the tracking changed since
 * (and stored, when the project is open for writing).
 */
function shotCrop(project: Project, clipId: number, model: StoredFaceModel, frames: readonly TrackedFrame[]): StoredShotCrop {
  const stored = loadShotCrop(project, clipId);
  if (stored && !shotCropOutdated(project, clipId)) return stored;
  const crop = cropFromTracking(model, frames, faceModelVersion(project, clipId));
  if (!project.readonly) saveShotCrop(project, clipId, crop);
  return crop;
}

/**
 * Everything needed to condition one tracked clip: its face model, tracked parameters,
 * shot crop and renderer. The training side takes `volumeAt(f)` with `readTarget(f)`
 * (the real frame cut by the same crop); inference swaps in edited parameters through
 * `sequence(paramsAt)`.
 */
export class ClipConditioning {
  readonly conditioner: FaceConditioner;
  private readonly byFrame: Map<number, TrackedFrame>;
  private tracked: ConditioningSequence | undefined;

  private constructor(
    readonly clip: Clip,
    readonly model: StoredFaceModel,
    readonly frames: readonly TrackedFrame[],
    readonly crop: ShotCrop,
    readonly size: number,
    readonly windowSize: number,
  ) {
    this.conditioner = new FaceConditioner(model, crop, size);
    this.byFrame = new Map(frames.map((f) => [f.frame, f]));
  }

  /**
   * Loads a tracked clip. The shot crop is read from the project, or chosen from the
   * tracking and stored there when the project is open for writing.
   */
  static open(project: Project, clipId: number, options: ClipConditioningOptions = {}): ClipConditioning {
    const clip = resolveClipMedia(project, getClip(project, clipId));
    const model = loadFaceModel(project, clipId);
    const frames = loadTrackedFrames(project, clipId, { which: options.which ?? 'smoothed' });
    if (!model || frames.length === 0) {
      throw new DvpError('NOT_FOUND', `${project.file}: clip ${clipId} ('${clip.name}') has not been tracked yet.`, { file: project.file, remedy: trackRemedy(project.file) });
    }
    const crop = options.crop ?? shotCrop(project, clipId, model, frames);
    if (options.crop) validateCrop(options.crop, clip);
    const size = options.size ?? DEFAULT_CONDITION_SIZE;
    if (!Number.isInteger(size) || size < 16 || size > 4096) {
      throw new DvpError('INVALID_ARGUMENT', `The conditioning size must be a whole number of pixels between 16 and 4096 (got ${size}).`);
    }
    return new ClipConditioning(clip, model, frames, crop, size, options.windowSize ?? DEFAULT_WINDOW_SIZE);
  }

  /** The same clip, tracking and crop conditioned at another size (nothing is read again). */
  atSize(size: number, windowSize = this.windowSize): ClipConditioning {
    return new ClipConditioning(this.clip, this.model, this.frames, this.crop, size, windowSize);
  }

  get firstFrame(): number {
    return this.frames[0]!.frame;
  }

  get lastFrame(): number {
    return this.frames.at(-1)!.frame;
  }

  /** Frames fitted to their own detection (what training should use). */
  trainableFrames(): number[] {
    return this.frames.filter((f) => (f.flags & FrameFlag.Tracked) !== 0 && (f.flags & (FrameFlag.NoFace | FrameFlag.Corrupt)) === 0).map((f) => f.frame);
  }

  params(frame: number): FrameParams {
    const tracked = this.byFrame.get(frame);
    if (!tracked) {
      throw new DvpError('NOT_FOUND', `Clip ${this.clip.id} ('${this.clip.name}') has no tracked parameters for frame ${frame} (tracked: ${this.firstFrame}-${this.lastFrame}).`);
    }
    return tracked.params;
  }

  /** One frame's nine channels under its tracked parameters (or `params`). */
  renderFrame(frame: number, params: FrameParams = this.params(frame), out = new Float32Array(this.size * this.size * CHANNELS_PER_FRAME)): Float32Array {
    this.conditioner.render(params, out);
    return out;
  }

  /** A sliding sequence of volumes under any per-frame parameters (e.g. an edit). */
  sequence(paramsAt: (frame: number) => FrameParams): ConditioningSequence {
    return new ConditioningSequence(this.conditioner, paramsAt, this.firstFrame, this.windowSize);
  }

  /** The volume of `frame` under the tracked parameters; consecutive calls slide. The buffer is reused. */
  volumeAt(frame: number): Float32Array {
    this.tracked ??= this.sequence((f) => this.params(f));
    return this.tracked.volumeAt(frame);
  }

  /** The real frame cut by the shot crop and scaled to the network size (the training target). */
  readTarget(frame: number, signal?: AbortSignal): Promise<RgbFrame> {
    return readFrame(this.clip.path, clipVideoInfo(this.clip), frame, this.targetCut(signal));
  }

  /** `count` real frames from `first`, cut and scaled as `readTarget` does, in one decode. */
  readTargets(first: number, count: number, signal?: AbortSignal): AsyncGenerator<RgbFrame> {
    return readFrames(this.clip.path, clipVideoInfo(this.clip), { start: first, count, ...this.targetCut(signal) });
  }

  private targetCut(signal?: AbortSignal): { crop: CropRect; size: { width: number; height: number }; signal?: AbortSignal } {
    const { x, y, size } = this.crop;
    return { crop: { x, y, width: size, height: size }, size: { width: this.size, height: this.size }, ...(signal ? { signal } : {}) };
  }
}
