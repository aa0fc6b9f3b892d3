/**
 * Generator T (U-Net with cascaded refinement, paper Fig. 4 / §6) and discriminator D
 * (PatchGAN on the conditioning volume and the image), built from tfjs-core ops.
 *
 * Layout NHWC, images in [−1, 1].
 * - Encoder module i: conv 4×4 stride 2 → BN (not on the first nor the innermost
 *   module, whose 1×1 output has nothing to normalise over at batch 1, as in pix2pix)
 *   → LeakyReLU 0.2.
 * - Decoder module j (innermost first): [concat skip] → transposed conv 4×4 stride 2 →
 *   BN → dropout → ReLU, then the two refinement steps of §6, conv 3×3 stride 1 → ReLU.
 *   The last module has no BN and no ReLU after its transposed conv, and its second
 *   refinement conv feeds the tanh instead of a ReLU.
 * - Plate network (`NetworkConfig.plate`, beyond the paper): the last module is as wide as the
 *   first encoder module, ReLU'd and joined by the current frame's conditioning and the warped
 *   plate at full resolution before its refinement; a 3×3 head makes three channels, added
 *   to atanh(plate) before the tanh, so the network corrects the plate rather than draws.
 * - Normalisation uses the batch's statistics in training and each frame's own
 *   statistics at inference (pix2pix test mode without dropout): deterministic output
 *   that does not depend on which frames share a batch.
 */
import * as tf from '@tensorflow/tfjs-core';
import { CHANNELS_PER_FRAME, decoderChannels, encoderChannels, inputChannels, PLATE_CHANNELS, type NetworkConfig } from './config.js';
import { batchNorm as normalise } from './batch-norm.js';
import { ParamSet } from './params.js';

export interface ForwardOptions {
  training: boolean;
  /** Seed for this step's dropout masks (deterministic training and resume). */
  dropoutSeed?: number;
}

const LEAKY_SLOPE = 0.2;

/**
 * Seeded N(0, std) draws, one seed per tensor in creation order: the same seed gives the same
 * initial weights on every backend (tfjs draws them in JS), so a training run is reproducible.
 */
class InitialWeights {
  private drawn = 0;

  constructor(private readonly seed: number, private readonly std: number) {}

  normal(shape: number[]): tf.Tensor {
    return tf.randomNormal(shape, 0, this.std, 'float32', this.seed * 1009 + this.drawn++);
  }
}

function addConv(params: ParamSet, name: string, shape: number[], init: InitialWeights, bias: boolean): void {
  params.add(`${name}/w`, init.normal(shape));
  if (bias) params.add(`${name}/b`, tf.zeros([shape[3]!]));
}

function addNorm(params: ParamSet, name: string, channels: number, init: InitialWeights): void {
  params.add(`${name}/gamma`, tf.tidy(() => tf.add(init.normal([channels]), 1)));
  params.add(`${name}/beta`, tf.zeros([channels]));
}

function batchNorm(params: ParamSet, name: string, x: tf.Tensor4D, training: boolean): tf.Tensor4D {
  return normalise(x, params.get(`${name}/gamma`), params.get(`${name}/beta`), !training);
}

function withBias(params: ParamSet, name: string, x: tf.Tensor4D): tf.Tensor4D {
  return params.has(`${name}/b`) ? (tf.add(x, params.get(`${name}/b`)) as tf.Tensor4D) : x;
}

type Activation = 'linear' | 'relu' | 'leakyrelu';

/**
 * conv → bias (when the layer has one) → activation. At inference this is one fused kernel
 * (XNNPACK applies bias and ReLU in the convolution's output loop); training keeps the
 * separate ops, whose gradients gradients.ts registers.
 */
function convBlock(params: ParamSet, name: string, x: tf.Tensor4D, stride: number, pad: 'same' | [[number, number], [number, number], [number, number], [number, number]], activation: Activation, training: boolean): tf.Tensor4D {
  const filter = params.get(`${name}/w`) as tf.Tensor4D;
  if (!training) {
    const bias = params.has(`${name}/b`) ? params.get(`${name}/b`) : undefined;
    return tf.fused.conv2d({ x, filter, strides: stride, pad, activation, leakyreluAlpha: LEAKY_SLOPE, ...(bias ? { bias } : {}) });
  }
  const h = withBias(params, name, tf.conv2d(x, filter, stride, pad));
  return activation === 'relu' ? tf.relu(h) : activation === 'leakyrelu' ? tf.leakyRelu(h, LEAKY_SLOPE) : h;
}

function dropout(x: tf.Tensor4D, rate: number, seed: number): tf.Tensor4D {
  const keep = tf.step(tf.sub(tf.randomUniform(x.shape, 0, 1, 'float32', seed), rate));
  return tf.mul(x, tf.div(keep, 1 - rate)) as tf.Tensor4D;
}

export class Generator {
  readonly params = new ParamSet('generator');
  private readonly enc: number[];
  private readonly dec: number[];

  constructor(readonly config: NetworkConfig, initSeed = 0) {
    this.enc = encoderChannels(config);
    this.dec = decoderChannels(config);
    const init = new InitialWeights(initSeed, config.initStd);
    const levels = config.levels;
    let cin = inputChannels(config);
    for (let i = 0; i < levels; i++) {
      const norm = this.encoderNorm(i);
      addConv(this.params, `enc${i}`, [4, 4, cin, this.enc[i]!], init, !norm);
      if (norm) addNorm(this.params, `enc${i}/bn`, this.enc[i]!, init);
      cin = this.enc[i]!;
    }
    for (let j = 0; j < levels; j++) {
      const inC = cin + (j === 0 ? 0 : this.enc[levels - 1 - j]!);
      const out = this.dec[j]!;
      const last = j === levels - 1;
      // conv2dTranspose filters are [h, w, out, in].
      addConv(this.params, `dec${j}`, [4, 4, out, inC], init, false);
      if (last) this.params.add(`dec${j}/b`, tf.zeros([out]));
      else addNorm(this.params, `dec${j}/bn`, out, init);
      const withFullResolution = last && config.plate ? out + FULL_RESOLUTION_CHANNELS : out;
      if (config.refine) {
        addConv(this.params, `dec${j}/refine1`, [3, 3, withFullResolution, out], init, true);
        addConv(this.params, `dec${j}/refine2`, [3, 3, out, out], init, true);
      }
      if (last && config.plate) {
        // Zero: the untrained network returns the plate, and the head's gradient wakes the layers below it.
        this.params.add('head/w', tf.zeros([3, 3, config.refine ? out : withFullResolution, 3]));
        this.params.add('head/b', tf.zeros([3]));
      }
      cin = out;
    }
  }

  private encoderNorm(i: number): boolean {
    return i > 0 && i < this.config.levels - 1;
  }

  /** x: [B, H, W, 9·Nw] in [−1, 1] → [B, H, W, 3] in [−1, 1]. */
  apply(x: tf.Tensor4D, options: ForwardOptions): tf.Tensor4D {
    const { levels } = this.config;
    const p = this.params;
    const skips: tf.Tensor4D[] = [];
    let h = x;
    for (let i = 0; i < levels; i++) {
      if (this.encoderNorm(i)) h = tf.leakyRelu(batchNorm(p, `enc${i}/bn`, tf.conv2d(h, p.get(`enc${i}/w`) as tf.Tensor4D, 2, 'same'), options.training), LEAKY_SLOPE);
      else h = convBlock(p, `enc${i}`, h, 2, 'same', 'leakyrelu', options.training);
      skips.push(h);
    }
    for (let j = 0; j < levels; j++) {
      if (j > 0) h = tf.concat([h, skips[levels - 1 - j]!], 3);
      const last = j === levels - 1;
      const [b, height, width] = h.shape;
      h = tf.conv2dTranspose(h, p.get(`dec${j}/w`) as tf.Tensor4D, [b, height * 2, width * 2, this.dec[j]!], 2, 'same');
      if (last) {
        h = withBias(p, `dec${j}`, h);
        if (this.config.plate) h = tf.concat([tf.leakyRelu(h, LEAKY_SLOPE), fullResolutionInput(x)], 3);
      } else {
        h = batchNorm(p, `dec${j}/bn`, h, options.training);
        const rate = this.config.dropout[j] ?? 0;
        if (options.training && rate > 0) h = dropout(h, rate, (options.dropoutSeed ?? 0) * 31 + j);
        h = tf.relu(h);
      }
      if (this.config.refine) {
        // A plate network's last module stays leaky: it starts where doing nothing is best, and plain ReLUs there die.
        const plateModule = last && this.config.plate;
        h = convBlock(p, `dec${j}/refine1`, h, 1, 'same', plateModule ? 'leakyrelu' : 'relu', options.training);
        h = convBlock(p, `dec${j}/refine2`, h, 1, 'same', plateModule ? 'leakyrelu' : last ? 'linear' : 'relu', options.training);
      }
    }
    if (this.config.plate) h = tf.add(convBlock(p, 'head', h, 1, 'same', 'linear', options.training), plateLogits(x)) as tf.Tensor4D;
    return tf.tanh(h);
  }
}

/** Current frame's conditioning and the warped plate: what a plate network's last module sees at full resolution. */
const FULL_RESOLUTION_CHANNELS = CHANNELS_PER_FRAME + PLATE_CHANNELS;

function fullResolutionInput(x: tf.Tensor4D): tf.Tensor4D {
  const channels = x.shape[3];
  return tf.slice(x, [0, 0, 0, channels - FULL_RESOLUTION_CHANNELS], [-1, -1, -1, FULL_RESOLUTION_CHANNELS]);
}

/**
 * The warped plate (the input's last channels) before the tanh: a plate-conditioned generator
 * outputs tanh(h + atanh(plate)), so it starts out returning the plate and learns corrections.
 */
function plateLogits(x: tf.Tensor4D): tf.Tensor4D {
  const channels = x.shape[3];
  const plate = tf.clipByValue(tf.slice(x, [0, 0, 0, channels - PLATE_CHANNELS], [-1, -1, -1, PLATE_CHANNELS]), -0.995, 0.995);
  return tf.mul(0.5, tf.log(tf.div(tf.add(1, plate), tf.sub(1, plate)))) as tf.Tensor4D;
}

/**
 * PatchGAN (pix2pix): conv 4×4 stride 2 (64, 128, 256…, no BN on the first) → a stride-1
 * conv (×2 channels) → a stride-1 conv to one logit per patch. Input: concat(X, image).
 */
export class Discriminator {
  readonly params = new ParamSet('discriminator');
  private readonly layers: { stride: number; norm: boolean; out: number }[] = [];

  constructor(readonly config: NetworkConfig, initSeed = 0) {
    const init = new InitialWeights(initSeed + 0x5eed, config.initStd);
    const width = (c: number): number => Math.max(4, Math.round(c * config.widthMultiplier));
    for (let i = 0; i < config.discriminatorLayers; i++) this.layers.push({ stride: 2, norm: i > 0, out: width(64 * 2 ** Math.min(i, 3)) });
    this.layers.push({ stride: 1, norm: true, out: width(64 * 2 ** Math.min(config.discriminatorLayers, 3)) });
    this.layers.push({ stride: 1, norm: false, out: 1 });
    let cin = inputChannels(config) + 3;
    this.layers.forEach((layer, i) => {
      addConv(this.params, `d${i}`, [4, 4, cin, layer.out], init, !layer.norm);
      if (layer.norm) addNorm(this.params, `d${i}/bn`, layer.out, init);
      cin = layer.out;
    });
  }

  /** Patch logits [B, h, w, 1] for conditioning x and image y. */
  apply(x: tf.Tensor4D, y: tf.Tensor4D, options: ForwardOptions): tf.Tensor4D {
    let h = tf.concat([x, y], 3);
    const p = this.params;
    this.layers.forEach((layer, i) => {
      h = tf.conv2d(h, p.get(`d${i}/w`) as tf.Tensor4D, layer.stride, [[0, 0], [1, 1], [1, 1], [0, 0]]);
      h = layer.norm ? batchNorm(p, `d${i}/bn`, h, options.training) : withBias(p, `d${i}`, h);
      if (i < this.layers.length - 1) h = tf.leakyRelu(h, LEAKY_SLOPE);
    });
    return h;
  }
}
