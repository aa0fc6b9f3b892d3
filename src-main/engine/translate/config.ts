/**
 * Configuration of the rendering-to-video translation network (paper §6, Fig. 4) and its
 * training, with the presets the CLI and the UI offer.
 */
import { DvpError } from '../../shared/errors.js';

/** Conditioning channels per frame of the window: diffuse colour, correspondence, eye gaze (3 × RGB). */
export const CHANNELS_PER_FRAME = 9;

/** Encoder output channels of the paper's 8 modules; a smaller network takes the first `levels`. */
export const PAPER_ENCODER_CHANNELS = [64, 128, 256, 512, 512, 512, 512, 512] as const;

export interface NetworkConfig {
  /** Square output (and conditioning) resolution in pixels; must be divisible by 2^levels. */
  resolution: number;
  /** Encoder (and decoder) modules: 8 in the paper. */
  levels: number;
  /** Scales every channel count of the paper (1 = paper). */
  widthMultiplier: number;
  /** Temporal window Nw (paper: 11); the input has 9·Nw channels. */
  windowSize: number;
  /** Dropout probability per decoder module, innermost first (paper: 0.5, 0.5, 0.5, 0, …). */
  dropout: number[];
  /** Two 3×3 refinement convolutions after every up-sampling step (paper: yes). */
  refine: boolean;
  /** Standard deviation of the normal weight initialisation (pix2pix: 0.02; the paper prints 0.2). */
  initStd: number;
  /** Strided layers of the PatchGAN discriminator (pix2pix 70×70: 3). */
  discriminatorLayers: number;
  /**
   * Beyond the paper: the input also holds a real frame of the shot warped to the wanted face
   * (`condition/plate-warp.ts`, PLATE_CHANNELS more channels, last), and the generator
   * corrects that image instead of drawing one.
   */
  plate?: boolean;
}

export interface TrainingConfig {
  batchSize: number;
  learningRate: number;
  beta1: number;
  beta2: number;
  /** Weight of the L1 reproduction loss against the adversarial loss (paper: 100). */
  lambdaL1: number;
  /**
   * Beyond the paper: extra L1 weight on the face (1 + w) and on its eye and mouth openings
   * (1 + 2w), against 1 elsewhere (`losses.ts` faceWeights); unset or 0: the paper's plain L1.
   */
  faceWeight?: number;
  /** Steps of a full run (paper: 31,000 at batch 16). */
  steps: number;
  /**
   * When set, the learning rate stays constant for this fraction of `steps`, then falls
   * linearly to 1 % of its base at `steps` and stays there (pix2pix decays to zero over its
   * second half); unset: constant, as the paper states.
   */
  decayFrom?: number;
  /**
   * Defaults for a run that should stop by itself (`dvp train`, the train job; their own options
   * win): score the held-out frames every this many steps …
   */
  evaluateEvery?: number;
  /** … and stop once the held-out PSNR has not improved for this many evaluations in a row. */
  earlyStopPatience?: number;
}

export interface ModelConfig {
  preset: string;
  network: NetworkConfig;
  training: TrainingConfig;
}

const PAPER_TRAINING: TrainingConfig = { batchSize: 16, learningRate: 2e-4, beta1: 0.5, beta2: 0.999, lambdaL1: 100, steps: 31_000 };

export const PRESETS: Record<string, ModelConfig> = {
  'paper-256': {
    preset: 'paper-256',
    network: { resolution: 256, levels: 8, widthMultiplier: 1, windowSize: 11, dropout: [0.5, 0.5, 0.5], refine: true, initStd: 0.02, discriminatorLayers: 3 },
    training: PAPER_TRAINING,
  },
  'paper-512': {
    preset: 'paper-512',
    network: { resolution: 512, levels: 8, widthMultiplier: 1, windowSize: 11, dropout: [0.5, 0.5, 0.5], refine: true, initStd: 0.02, discriminatorLayers: 3 },
    training: PAPER_TRAINING,
  },
  // CPU presets: the paper's architecture, narrower and shallower, trained with batch 1
  // (per-frame normalisation, as pix2pix) and a higher learning rate so a preview model
  // learns in minutes on one core. cpu-tiny is the tuned quality preset for CPU training
  // (bench/benchmarks/translate-quality.ts): at 64², 4 levels (4×4 bottleneck) at 1e-3 learned
  // faster per minute than 5 levels at 5e-4 (held-out PSNR 23.3 dB after 750 steps against
  // 22.1 dB after 400 steps in the same 15 minutes), 2e-3 and a 3-frame window were no better
  // per step; the rate decays over the second half (as pix2pix), which removes the step-to-step
  // noise of batch-1 Adam at this rate.
  'cpu-small': {
    preset: 'cpu-small',
    network: { resolution: 128, levels: 7, widthMultiplier: 0.25, windowSize: 11, dropout: [0.5], refine: true, initStd: 0.02, discriminatorLayers: 3 },
    training: { batchSize: 1, learningRate: 5e-4, beta1: 0.5, beta2: 0.999, lambdaL1: 100, steps: 4000 },
  },
  'cpu-tiny': {
    preset: 'cpu-tiny',
    network: { resolution: 64, levels: 4, widthMultiplier: 0.25, windowSize: 11, dropout: [], refine: true, initStd: 0.02, discriminatorLayers: 2 },
    training: { batchSize: 1, learningRate: 1e-3, beta1: 0.5, beta2: 0.999, lambdaL1: 100, steps: 2000, decayFrom: 0.5 },
  },
  // Plate-conditioned presets (edit, don't redraw; bench/benchmarks/plate-quality.ts): the cpu-tiny
  // and cpu-small networks with the warped plate as input and the face-weighted L1 (w = 10; at
  // w = 0 the network settles on returning the warped plate and corrects nothing). Tuned on the
  // validation half of tedlieu 0–999's held-out frames, time-shifted by 1 s, inside the face, on
  // the native backend (2 cores): plate-preview's network adds 1.1 dB to the warped plate after
  // 1500 steps (40 s); plate-quality's 12,000 steps take 24.5 min and add 0.24 dB at 128²
  // (26.57 dB / SSIM 0.855 against the stronger nearest neighbour's 23.28 / 0.698).
  // plate-overnight: plate-quality's network and schedule, up to 8× its steps (about 3.5 h at its
  // measured 0.12 s/step on 2 cores, longer under load), ended by its own held-out scores: every
  // 2000 steps, stopping after 5 evaluations without a 0.05 dB gain. Not run to the end here.
  'plate-preview': {
    preset: 'plate-preview',
    network: { resolution: 64, levels: 4, widthMultiplier: 0.25, windowSize: 11, dropout: [], refine: true, initStd: 0.02, discriminatorLayers: 2, plate: true },
    training: { batchSize: 1, learningRate: 1e-3, beta1: 0.5, beta2: 0.999, lambdaL1: 100, faceWeight: 10, steps: 3000, decayFrom: 0.5 },
  },
  'plate-quality': {
    preset: 'plate-quality',
    network: { resolution: 128, levels: 7, widthMultiplier: 0.25, windowSize: 11, dropout: [0.5], refine: true, initStd: 0.02, discriminatorLayers: 3, plate: true },
    training: { batchSize: 1, learningRate: 1e-3, beta1: 0.5, beta2: 0.999, lambdaL1: 100, faceWeight: 10, steps: 12000, decayFrom: 0.5 },
  },
  'plate-overnight': {
    preset: 'plate-overnight',
    network: { resolution: 128, levels: 7, widthMultiplier: 0.25, windowSize: 11, dropout: [0.5], refine: true, initStd: 0.02, discriminatorLayers: 3, plate: true },
    training: { batchSize: 1, learningRate: 1e-3, beta1: 0.5, beta2: 0.999, lambdaL1: 100, faceWeight: 10, steps: 96000, decayFrom: 0.5, evaluateEvery: 2000, earlyStopPatience: 5 },
  },
};

/**
 * A run's held-out evaluation and early stop: what the caller asked for (`evaluateEvery`
 * undefined: not asked), else the preset's own (plate-overnight stops itself).
 */
export function evaluationSchedule(training: TrainingConfig, asked: { evaluateEvery?: number; patience?: number }): { evaluateEvery: number; patience: number } {
  const evaluateEvery = asked.evaluateEvery ?? training.evaluateEvery ?? 0;
  if (evaluateEvery <= 0) return { evaluateEvery: 0, patience: 0 };
  const presetPatience = asked.evaluateEvery === undefined ? training.earlyStopPatience : undefined;
  return { evaluateEvery, patience: asked.patience ?? presetPatience ?? 0 };
}

export function presetNames(): string[] {
  return Object.keys(PRESETS);
}

export function presetConfig(name: string): ModelConfig {
  const preset = PRESETS[name];
  if (!preset) throw new DvpError('INVALID_ARGUMENT', `Unknown preset '${name}'; choose one of ${presetNames().join(', ')}.`);
  return structuredClone(preset);
}

/** Channels of the warped plate a plate-conditioned network takes after its conditioning volume. */
export const PLATE_CHANNELS = 3;

/**
 * Where the current frame's nine channels start in a network input of `channels` per pixel:
 * its newest window slot (a plate network's PLATE_CHANNELS, fewer than a slot, come after it).
 */
export function currentFrameOffset(channels: number): number {
  return CHANNELS_PER_FRAME * (Math.floor(channels / CHANNELS_PER_FRAME) - 1);
}

export function inputChannels(network: NetworkConfig): number {
  return CHANNELS_PER_FRAME * network.windowSize + (network.plate ? PLATE_CHANNELS : 0);
}

/** Encoder output channels per module, outermost first. */
export function encoderChannels(network: NetworkConfig): number[] {
  const base: number[] = [];
  for (let i = 0; i < network.levels; i++) base.push(PAPER_ENCODER_CHANNELS[Math.min(i, PAPER_ENCODER_CHANNELS.length - 1)]!);
  return base.map((c) => Math.max(4, Math.round(c * network.widthMultiplier)));
}

/**
 * Decoder output channels per module, innermost first; the last is the RGB image, or for a
 * plate network as wide as the first encoder module (its head convolution makes the image).
 */
export function decoderChannels(network: NetworkConfig): number[] {
  const enc = encoderChannels(network);
  const out: number[] = [];
  for (let i = 0; i < network.levels - 1; i++) out.push(enc[network.levels - 2 - i]!);
  out.push(network.plate ? enc[0]! : 3);
  return out;
}

/** Throws INVALID_ARGUMENT when the configuration cannot build a network. */
export function validateConfig(config: ModelConfig): void {
  const n = config.network;
  const fail = (what: string): never => {
    throw new DvpError('INVALID_ARGUMENT', `Invalid network configuration (${config.preset}): ${what}.`);
  };
  if (!Number.isInteger(n.levels) || n.levels < 2 || n.levels > 9) fail(`levels must be an integer from 2 to 9, got ${n.levels}`);
  if (!Number.isInteger(n.resolution) || n.resolution % 2 ** n.levels !== 0) fail(`resolution ${n.resolution} must be divisible by 2^levels = ${2 ** n.levels}`);
  if (!(n.widthMultiplier > 0)) fail('widthMultiplier must be positive');
  if (!Number.isInteger(n.windowSize) || n.windowSize < 1) fail('windowSize must be a positive integer');
  if (n.dropout.some((p) => !(p >= 0 && p < 1))) fail('dropout probabilities must lie in [0, 1)');
  if (!(n.initStd > 0)) fail('initStd must be positive');
  if (!Number.isInteger(n.discriminatorLayers) || n.discriminatorLayers < 1 || 2 ** (n.discriminatorLayers + 1) > n.resolution) fail('discriminatorLayers out of range');
  const t = config.training;
  if (!Number.isInteger(t.batchSize) || t.batchSize < 1) fail('batchSize must be a positive integer');
  if (!(t.learningRate > 0)) fail('learningRate must be positive');
  if (!Number.isInteger(t.steps) || t.steps < 1) fail('steps must be a positive integer');
  if (t.faceWeight !== undefined && !(t.faceWeight >= 0)) fail('faceWeight must not be negative');
  if (t.decayFrom !== undefined && !(t.decayFrom >= 0 && t.decayFrom < 1)) fail('decayFrom must lie in [0, 1)');
}

/** The learning rate of the update made at `step` (see `TrainingConfig.decayFrom`). */
export function learningRateAt(training: TrainingConfig, step: number): number {
  if (training.decayFrom === undefined) return training.learningRate;
  const start = training.decayFrom * training.steps;
  if (step < start) return training.learningRate;
  const progress = Math.min(1, (step - start) / Math.max(1, training.steps - start));
  return training.learningRate * (1 - 0.99 * progress);
}

/** Multiply–adds ×2 of one generator forward pass for one frame. */
export function generatorFlops(network: NetworkConfig): number {
  const enc = encoderChannels(network);
  const dec = decoderChannels(network);
  let flops = 0;
  let size = network.resolution;
  let cin = inputChannels(network);
  for (const cout of enc) {
    size /= 2;
    flops += 2 * size * size * cin * cout * 16;
    cin = cout;
  }
  for (let i = 0; i < dec.length; i++) {
    const skip = i === 0 ? 0 : enc[network.levels - 1 - i]!;
    const inC = cin + skip;
    flops += 2 * size * size * inC * dec[i]! * 16; // transposed conv: every input pixel meets a 4×4 tap
    size *= 2;
    cin = dec[i]!;
    const fullResolution = network.plate && i === dec.length - 1 ? CHANNELS_PER_FRAME + PLATE_CHANNELS : 0;
    if (network.refine) flops += 2 * size * size * (cin + fullResolution + cin) * cin * 9;
    if (network.plate && i === dec.length - 1) flops += 2 * size * size * (network.refine ? cin : cin + fullResolution) * 3 * 9;
  }
  return flops;
}
