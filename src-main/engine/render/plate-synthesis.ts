import { throwIfCancelled } from '../../shared/cancel.js';
import type { ShotCrop } from '../condition/shot-crop.js';
import type { RgbFrame } from '../media/frame-reader.js';
import { synthesize } from '../translate/inference.js';
import type { Generator } from '../translate/network.js';
import { compositeMasked, type SeamSample, type SynthesizedCrop } from './composite.js';
import type { CropMask } from './crop-mask.js';

export interface PlateSynthesisOptions {
  generator: Generator;
  /** Where the network's square goes in the plate. */
  crop: ShotCrop;
  /** Blend weights over the crop (`featherMask`), the same for every frame; `maskFor` replaces it. */
  mask: Float32Array;
  /**
   * Per-frame blend weights (the region-aware composite, `region-mask.ts`). Undefined or an
   * empty mask passes the plate through without running the network.
   */
  maskFor?(frame: number): CropMask | undefined;
  /**
   * The network input of a frame (its conditioning volume, H×W×9·Nw at the network's
   * resolution, and a plate-conditioned model's warped plate after it), or undefined where
   * the plate passes through unchanged. Called in frame order.
   */
  inputFor(frame: number): Float32Array | undefined;
  /**
   * The picture composited for a frame, from the network's output (default: the output as it
   * is). A plate-conditioned model puts its correction onto the plate warped at the crop's own
   * resolution (`PlateInput.atCropResolution`).
   */
  pictureFor?(plate: RgbFrame, input: Float32Array, output: Float32Array): SynthesizedCrop;
  /** Frames read past without a picture (not synthesized, not yielded): the viewer skipping ahead in playback. */
  skip?(frame: number): boolean;
  /** Emit RGBA with the blend weights as alpha (ProRes 4444) instead of RGB. */
  alpha?: boolean;
  /** Match the network's colours to the plate's around each frame's mask (`compositeMasked`; masks with a ring only). */
  colourMatch?: boolean;
  signal?: AbortSignal;
}

export interface RenderedFrame {
  index: number;
  /** True where the network's picture went into the plate; false where the plate passed through. */
  synthesized: boolean;
  width: number;
  height: number;
  /** RGB24, or RGBA when `alpha` was asked for. */
  data: Uint8Array;
  /** The frame's blend weights over the crop, with `maskFor` (region composite). */
  mask?: CropMask;
  /** The seam measured while compositing (synthesized frames only). */
  seam?: SeamSample;
}

/**
 * The render loop shared by `dvp synth` and `dvp render`: for each plate, the network's
 * frame for its conditioning volume (sliding window: the caller's `inputFor` slides),
 * blended into the plate by the crop's weights (the whole-crop feather, or the frame's region
 * mask); every pixel of weight 0, and every pixel outside the crop, stays the plate's.
 */
export async function* synthesizeIntoPlates(plates: AsyncIterable<RgbFrame>, options: PlateSynthesisOptions): AsyncGenerator<RenderedFrame> {
  const { generator, crop } = options;
  const resolution = generator.config.resolution;
  const scratch = {};
  for await (const plate of plates) {
    throwIfCancelled(options.signal, 'Rendering');
    if (options.skip?.(plate.index)) continue;
    const mask = options.maskFor?.(plate.index);
    const weights = options.maskFor ? mask?.weights : options.mask;
    const box = options.maskFor ? mask?.box : undefined;
    const volume = weights && box !== null ? options.inputFor(plate.index) : undefined;
    const matte = options.alpha ? new Uint8Array(plate.width * plate.height) : undefined;
    let seam: SeamSample | undefined;
    if (volume && weights) {
      const [image] = synthesize(generator, [volume]);
      const picture = options.pictureFor ? options.pictureFor(plate, volume, image!) : { size: resolution, data: image! };
      seam = compositeMasked(plate.data, plate.width, picture, crop, weights, {
        ...(box ? { box } : {}),
        ...(mask?.ring ? { ring: mask.ring } : {}),
        ...(options.colourMatch ? { colourMatch: true } : {}),
        ...(matte ? { alpha: matte } : {}),
        scratch,
      });
    }
    yield {
      index: plate.index,
      synthesized: volume !== undefined,
      width: plate.width,
      height: plate.height,
      data: matte ? withAlpha(plate.data, matte) : plate.data,
      ...(mask ? { mask } : {}),
      ...(seam ? { seam } : {}),
    };
  }
}

function withAlpha(rgb: Uint8Array, alpha: Uint8Array): Uint8Array {
  const out = new Uint8Array(alpha.length * 4);
  for (let p = 0, q = 0; p < alpha.length; p++, q += 3) {
    out[p * 4] = rgb[q]!;
    out[p * 4 + 1] = rgb[q + 1]!;
    out[p * 4 + 2] = rgb[q + 2]!;
    out[p * 4 + 3] = alpha[p]!;
  }
  return out;
}
