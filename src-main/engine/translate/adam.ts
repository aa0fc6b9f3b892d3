import * as tf from '@tensorflow/tfjs-core';
import { DVP_ADAM, type DvpAdamAttrs } from './native/kernels/DvpAdam.js';

export interface AdamSettings {
  learningRate: number;
  beta1: number;
  beta2: number;
  epsilon?: number;
}

/**
 * Adam (Kingma & Ba) with its moment estimates as our own variables, so a checkpoint can
 * save and restore the exact optimizer state (first/second moments and step count).
 */
export class Adam {
  /** Number of updates applied so far. */
  step = 0;
  private readonly moments = new Map<tf.Variable, { m: tf.Variable; v: tf.Variable }>();
  private readonly epsilon: number;

  constructor(readonly variables: tf.Variable[], readonly settings: AdamSettings) {
    this.epsilon = settings.epsilon ?? 1e-8;
    for (const variable of variables) {
      this.moments.set(variable, { m: tf.variable(tf.zerosLike(variable), false), v: tf.variable(tf.zerosLike(variable), false) });
    }
  }

  /** Applies one update from `grads` (keyed by variable name) at `learningRate` (default: the base rate); does not dispose them. */
  apply(grads: Record<string, tf.Tensor>, learningRate = this.settings.learningRate): void {
    this.step += 1;
    const { beta1, beta2 } = this.settings;
    const correctedRate = (learningRate * Math.sqrt(1 - beta2 ** this.step)) / (1 - beta1 ** this.step);
    // Where the backend has a one-pass update (native), it replaces the op chain below.
    const fused = tf.getKernel(DVP_ADAM, tf.getBackend()) !== undefined;
    for (const variable of this.variables) {
      const grad = grads[variable.name];
      if (grad === undefined) continue;
      const state = this.moments.get(variable)!;
      if (fused) {
        const attrs: DvpAdamAttrs = { rate: correctedRate, beta1, beta2, epsilon: this.epsilon };
        const [w, m, v] = tf.engine().runKernel(DVP_ADAM, { w: variable, m: state.m, v: state.v, g: grad }, attrs as unknown as tf.NamedAttrMap) as tf.Tensor[];
        state.m.assign(m!);
        state.v.assign(v!);
        variable.assign(w!);
        tf.dispose([w!, m!, v!]);
        continue;
      }
      tf.tidy(() => {
        const m = tf.add(tf.mul(state.m, beta1), tf.mul(grad, 1 - beta1));
        const v = tf.add(tf.mul(state.v, beta2), tf.mul(tf.square(grad), 1 - beta2));
        state.m.assign(m);
        state.v.assign(v);
        variable.assign(tf.sub(variable, tf.mul(tf.div(m, tf.add(tf.sqrt(v), this.epsilon)), correctedRate)));
      });
    }
  }

  /** Moment variables in the order of `variables`: m₀, v₀, m₁, v₁, … */
  stateVariables(): tf.Variable[] {
    const out: tf.Variable[] = [];
    for (const variable of this.variables) {
      const state = this.moments.get(variable)!;
      out.push(state.m, state.v);
    }
    return out;
  }

  dispose(): void {
    for (const state of this.moments.values()) {
      state.m.dispose();
      state.v.dispose();
    }
    this.moments.clear();
  }
}
