/**
 * The training source of a plate-conditioned model (`NetworkConfig.plate`): each example's
 * conditioning volume followed by a real frame of the shot warped to the example's face
 * (`PlateWarp`). Training pairs the example with a nearby training frame's plate — the
 * network learns to turn a real frame with another pose, mouth and gaze into the wanted one —
 * and now and then with its own, so an unedited frame comes back unchanged. Plates only ever
 * come from the training frames given, so no held-out frame leaks into training.
 */
import { DvpError } from '../../shared/errors.js';
import { PLATE_CHANNELS } from '../translate/config.js';
import type { TrainingExample, TrainingSource } from '../translate/dataset.js';
import type { ClipConditioning } from './clip-conditioning.js';
import { plateConditionedInput, PlateWarp, type PlateFace } from './plate-warp.js';

export interface PlatePairing {
  /** Example indices whose frames may lend their plate in training. */
  plateIndices: readonly number[];
  /** Farthest a training plate lies from its example, in frames (default: 3 s at 25 fps). */
  maxShift?: number;
  /** Share of training draws that use the example's own plate (default 0.2). */
  ownPlateShare?: number;
}

export const DEFAULT_MAX_SHIFT = 75;
const DEFAULT_OWN_PLATE_SHARE = 0.2;

export class PlateConditionedSource implements TrainingSource {
  readonly inputChannels: number;
  private readonly warp: PlateWarp;
  private readonly plateFrames: { index: number; frame: number }[];
  private readonly maxShift: number;
  private readonly ownPlateShare: number;
  private readonly faces = new Map<number, PlateFace>();

  constructor(private readonly base: TrainingSource, private readonly conditioning: ClipConditioning, pairing: PlatePairing) {
    if (conditioning.size !== base.resolution) throw new DvpError('INTERNAL', `The plate warp (${conditioning.size}²) does not match the training source (${base.resolution}²).`);
    this.inputChannels = base.inputChannels + PLATE_CHANNELS;
    this.warp = new PlateWarp(conditioning.conditioner);
    this.plateFrames = pairing.plateIndices.map((index) => ({ index, frame: base.frame(index) })).sort((a, b) => a.frame - b.frame);
    if (this.plateFrames.length === 0) throw new DvpError('INVALID_ARGUMENT', 'A plate-conditioned model needs training frames to take plates from.');
    this.maxShift = pairing.maxShift ?? DEFAULT_MAX_SHIFT;
    this.ownPlateShare = pairing.ownPlateShare ?? DEFAULT_OWN_PLATE_SHARE;
  }

  get size(): number {
    return this.base.size;
  }

  get resolution(): number {
    return this.base.resolution;
  }

  frame(index: number): number {
    return this.base.frame(index);
  }

  parameters(index: number): Float32Array {
    return this.base.parameters(index);
  }

  target(index: number): Float32Array {
    return this.base.target(index);
  }

  /** Without a draw, the example with its own plate (an unedited frame); in training, a plate the draw picks. */
  sample(index: number, draw?: number): Promise<TrainingExample> {
    return this.sampleWithPlate(index, draw === undefined ? index : this.pickPlate(index, draw));
  }

  async sampleWithPlate(index: number, plateIndex: number): Promise<TrainingExample> {
    const example = await this.base.sample(index);
    const input = plateConditionedInput(example.input, this.base.inputChannels, this.warp, this.base.target(plateIndex), this.faceOf(plateIndex), this.faceOf(index));
    return { input, target: example.target };
  }

  /** The tracked face of an example in the crop, posed once per frame. */
  private faceOf(index: number): PlateFace {
    const frame = this.frame(index);
    let face = this.faces.get(frame);
    if (!face) {
      face = this.warp.faceInCrop(this.conditioning.params(frame));
      this.faces.set(frame, face);
    }
    return face;
  }

  /** Deterministic in (index, draw): the example's own plate, or a training plate within maxShift frames. */
  private pickPlate(index: number, draw: number): number {
    const random = hashUnit(index, draw);
    if (random < this.ownPlateShare) return index;
    const frame = this.frame(index);
    const lo = lowerBound(this.plateFrames, frame - this.maxShift);
    const hi = lowerBound(this.plateFrames, frame + this.maxShift + 1);
    if (hi <= lo) return index;
    const pick = lo + Math.floor(hashUnit(draw, index + 0x9e37) * (hi - lo));
    return this.plateFrames[Math.min(hi - 1, pick)]!.index;
  }

  close(): void {
    this.base.close?.();
  }
}

function lowerBound(frames: readonly { frame: number }[], frame: number): number {
  let lo = 0;
  let hi = frames.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (frames[mid]!.frame < frame) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** A well-mixed number in [0, 1) from two integers (murmur3's finaliser). */
function hashUnit(a: number, b: number): number {
  let h = Math.imul(a ^ 0x85ebca6b, 0xcc9e2d51) ^ Math.imul(b + 0x27d4eb2f, 0x1b873593);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return (h >>> 0) / 2 ** 32;
}
