/**
 * A generator/discriminator pair with its two Adam optimizers, and its serialisation to
 * the flat Float32 buffers a checkpoint stores.
 */
import * as tf from '@tensorflow/tfjs-core';
import { DvpError } from '../../shared/errors.js';
import { Adam } from './adam.js';
import type { ModelConfig } from './config.js';
import { Discriminator, Generator } from './network.js';
import type { ParamSet } from './params.js';

export interface TensorEntry {
  name: string;
  shape: number[];
  /** Offset in floats inside its buffer. */
  offset: number;
}

export interface CheckpointManifest {
  weights: TensorEntry[];
  optimizer: TensorEntry[];
  adamSteps: { generator: number; discriminator: number };
}

export interface Snapshot {
  manifest: CheckpointManifest;
  weights: Float32Array;
  optimizer: Float32Array;
}

export class TranslationModel {
  readonly generator: Generator;
  readonly discriminator: Discriminator;
  readonly optG: Adam;
  readonly optD: Adam;

  /** initSeed fixes the initial weights; a restored checkpoint replaces them anyway. */
  constructor(readonly config: ModelConfig, initSeed = 0) {
    this.generator = new Generator(config.network, initSeed);
    this.discriminator = new Discriminator(config.network, initSeed);
    const { learningRate, beta1, beta2 } = config.training;
    this.optG = new Adam(this.generator.params.list(), { learningRate, beta1, beta2 });
    this.optD = new Adam(this.discriminator.params.list(), { learningRate, beta1, beta2 });
  }

  private weightEntries(): [string, tf.Variable][] {
    return [...this.generator.params.entries(), ...this.discriminator.params.entries()];
  }

  private optimizerEntries(): [string, tf.Variable][] {
    const out: [string, tf.Variable][] = [];
    const add = (params: ParamSet, adam: Adam): void => {
      const state = adam.stateVariables();
      params.entries().forEach(([name], i) => {
        out.push([`${name}/adam_m`, state[2 * i]!], [`${name}/adam_v`, state[2 * i + 1]!]);
      });
    };
    add(this.generator.params, this.optG);
    add(this.discriminator.params, this.optD);
    return out;
  }

  snapshot(): Snapshot {
    const pack = (entries: [string, tf.Variable][]): { list: TensorEntry[]; data: Float32Array } => {
      const total = entries.reduce((n, [, v]) => n + v.size, 0);
      const data = new Float32Array(total);
      const list: TensorEntry[] = [];
      let offset = 0;
      for (const [name, variable] of entries) {
        data.set(variable.dataSync() as Float32Array, offset);
        list.push({ name, shape: variable.shape, offset });
        offset += variable.size;
      }
      return { list, data };
    };
    const weights = pack(this.weightEntries());
    const optimizer = pack(this.optimizerEntries());
    return {
      manifest: { weights: weights.list, optimizer: optimizer.list, adamSteps: { generator: this.optG.step, discriminator: this.optD.step } },
      weights: weights.data,
      optimizer: optimizer.data,
    };
  }

  /** Loads a snapshot; the optimizer part is optional (inference needs only weights). */
  restore(snapshot: { manifest: CheckpointManifest; weights: Float32Array; optimizer?: Float32Array }): void {
    const load = (entries: [string, tf.Variable][], list: TensorEntry[], data: Float32Array): void => {
      const byName = new Map(list.map((e) => [e.name, e]));
      for (const [name, variable] of entries) {
        const entry = byName.get(name);
        if (!entry || entry.shape.join('x') !== variable.shape.join('x')) {
          throw new DvpError('PROJECT_INVALID', `The checkpoint does not match the network: tensor ${name} is ${entry ? entry.shape.join('×') : 'missing'}, expected ${variable.shape.join('×')}.`);
        }
        const values = data.subarray(entry.offset, entry.offset + variable.size);
        tf.tidy(() => variable.assign(tf.tensor(values, variable.shape)));
      }
    };
    load(this.weightEntries(), snapshot.manifest.weights, snapshot.weights);
    if (snapshot.optimizer) {
      load(this.optimizerEntries(), snapshot.manifest.optimizer, snapshot.optimizer);
      this.optG.step = snapshot.manifest.adamSteps.generator;
      this.optD.step = snapshot.manifest.adamSteps.discriminator;
    }
  }

  parameterCount(): { generator: number; discriminator: number } {
    return { generator: this.generator.params.count(), discriminator: this.discriminator.params.count() };
  }

  dispose(): void {
    this.optG.dispose();
    this.optD.dispose();
    this.generator.params.dispose();
    this.discriminator.params.dispose();
  }
}
