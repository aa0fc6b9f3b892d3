import { throwIfCancelled } from '../../shared/cancel.js';
import type { ShotCrop } from '../condition/shot-crop.js';
import type { RgbFrame } from '../media/frame-reader.js';
import { synthesize } from '../translate/inference.js';
import type { Generator } from '../translate/network.js';
import { compositeIntoPlate } from './composite.js';

export interface PlateSynthesisOptions {
  generator: Generator;
  /** Where the network's square goes in the plate. */
  crop: ShotCrop;
  /** Blend weights over the crop (`featherMask`). */
  mask: Float32Array;
  /**
   * The conditioning volume of a frame (H×W×9·Nw at the network's resolution), or
   * undefined where the plate passes through unchanged. Called in frame order.
   */
  volumeFor(frame: number): Float32Array | undefined;
  /** Emit RGBA with the blend weights as alpha (ProRes 4444) instead of RGB. */
  alpha?: boolean;
  signal?: AbortSignal;
}

export interface RenderedFrame {
  index: number;
  synthesized: boolean;
  width: number;
  height: number;
  /** RGB24, or RGBA when `alpha` was asked for. */
  data: Uint8Array;
}

/**
 * The render loop shared by `dvp synth` and `dvp render`: for each plate, the network's
 * frame for its conditioning volume (sliding window: the caller's `volumeFor` slides),
 * feathered into the plate inside the crop; every pixel outside the crop stays the plate's.
 */
export async function* synthesizeIntoPlates(plates: AsyncIterable<RgbFrame>, options: PlateSynthesisOptions): AsyncGenerator<RenderedFrame> {
  const { generator, crop, mask } = options;
  const resolution = generator.config.resolution;
  for await (const plate of plates) {
    throwIfCancelled(options.signal, 'Rendering');
    const volume = options.volumeFor(plate.index);
    const matte = options.alpha ? new Uint8Array(plate.width * plate.height) : undefined;
    if (volume) {
      const [image] = synthesize(generator, [volume]);
      compositeIntoPlate(plate.data, plate.width, { size: resolution, data: image! }, crop, mask, matte);
    }
    yield {
      index: plate.index,
      synthesized: volume !== undefined,
      width: plate.width,
      height: plate.height,
      data: matte ? withAlpha(plate.data, matte) : plate.data,
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
