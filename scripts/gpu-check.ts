/**
 * GPU check (scripts/gpu-check.sh): a few paper-256 training steps at batch 1 and 16 and 256²
 * generator inference on the tensorflow backend of @tensorflow/tfjs-node-gpu, in ms per step and
 * per frame. Exits 1 with one clear line when no GPU backend loads.
 */
import * as tf from '@tensorflow/tfjs-core';
import { backendStatuses, selectBackend } from '../src-main/engine/translate/backend.js';
import { inputChannels, presetConfig } from '../src-main/engine/translate/config.js';
import { TranslationModel } from '../src-main/engine/translate/model.js';
import { Generator } from '../src-main/engine/translate/network.js';
import { trainStep } from '../src-main/engine/translate/train-step.js';

const WARMUP = 2;
const STEPS = 5;
const FRAMES = 10;

function fail(message: string): never {
  process.stderr.write(`gpu-check: ${message}\n`);
  process.exit(1);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function timed(count: number, work: () => void): number {
  const samples: number[] = [];
  for (let i = 0; i < count; i++) {
    const start = performance.now();
    work();
    samples.push(performance.now() - start);
  }
  return median(samples);
}

/** Median ms per training step of paper-256 at this batch size, or the reason it did not run. */
function trainingMs(batch: number): number | string {
  const config = presetConfig('paper-256');
  config.training.batchSize = batch;
  const model = new TranslationModel(config);
  const r = config.network.resolution;
  const x = tf.randomUniform([batch, r, r, inputChannels(config.network)], -1, 1) as tf.Tensor4D;
  const y = tf.randomUniform([batch, r, r, 3], -1, 1) as tf.Tensor4D;
  let step = 0;
  try {
    timed(WARMUP, () => trainStep(model, x, y, step++));
    return timed(STEPS, () => trainStep(model, x, y, step++));
  } catch (error) {
    return (error as Error).message.split('\n')[0]!;
  } finally {
    tf.dispose([x, y]);
    model.dispose();
  }
}

function inferenceMs(): number {
  const network = presetConfig('paper-256').network;
  const generator = new Generator(network);
  const r = network.resolution;
  const x = tf.randomUniform([1, r, r, inputChannels(network)], -1, 1) as tf.Tensor4D;
  const frame = (): void => {
    const y = tf.tidy(() => generator.apply(x, { training: false }));
    y.dataSync();
    y.dispose();
  };
  timed(WARMUP, frame);
  const ms = timed(FRAMES, frame);
  x.dispose();
  generator.params.dispose();
  return ms;
}

async function main(): Promise<void> {
  const gpu = (await backendStatuses()).find((s) => s.name === 'tfjs-node-gpu');
  if (!gpu?.available) {
    fail(`no GPU backend: ${gpu?.reason ?? '@tensorflow/tfjs-node-gpu was not considered'}. Install it with \`npm install --no-save @tensorflow/tfjs-node-gpu@4.22.0\` on a machine with an NVIDIA driver, CUDA 11.x and cuDNN 8 (README: GPU).`);
  }
  const choice = await selectBackend('tensorflow', (line) => process.stdout.write(`${line}\n`));
  if (choice.provider !== '@tensorflow/tfjs-node-gpu') fail(`the tensorflow backend came from ${choice.provider}, not @tensorflow/tfjs-node-gpu.`);
  const usingGpu = (tf.backend() as { isUsingGpuDevice?: boolean }).isUsingGpuDevice;
  if (usingGpu === false) {
    fail('@tensorflow/tfjs-node-gpu loaded but TensorFlow found no GPU device (see its log above: CUDA or cuDNN libraries not found on LD_LIBRARY_PATH, or no NVIDIA driver).');
  }
  process.stdout.write(`gpu-check: ${choice.provider} on the GPU; paper-256 (256², 99 input channels), median of ${STEPS} steps / ${FRAMES} frames after ${WARMUP} warm-up\n`);
  process.stdout.write(`inference 256²   ${inferenceMs().toFixed(1)} ms/frame\n`);
  for (const batch of [1, 16]) {
    const result = trainingMs(batch);
    process.stdout.write(typeof result === 'number' ? `train batch ${String(batch).padEnd(2)}   ${result.toFixed(1)} ms/step (${(result / batch).toFixed(1)} ms/frame)\n` : `train batch ${batch}: did not run: ${result}\n`);
  }
}

await main();
