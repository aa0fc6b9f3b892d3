import * as tf from '@tensorflow/tfjs-core';

/** A named, ordered set of trainable variables (we use tfjs-core only, no layers API). */
export class ParamSet {
  private readonly vars = new Map<string, tf.Variable>();

  constructor(readonly prefix: string) {}

  add(name: string, initial: tf.Tensor): tf.Variable {
    const full = `${this.prefix}/${name}`;
    if (this.vars.has(full)) throw new Error(`duplicate parameter ${full}`);
    const variable = tf.variable(initial, true, `${full}#${tf.util.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`);
    initial.dispose();
    this.vars.set(full, variable);
    return variable;
  }

  get(name: string): tf.Variable {
    const variable = this.vars.get(`${this.prefix}/${name}`);
    if (!variable) throw new Error(`no parameter ${this.prefix}/${name}`);
    return variable;
  }

  has(name: string): boolean {
    return this.vars.has(`${this.prefix}/${name}`);
  }

  /** Entries in creation order: [full name, variable]. */
  entries(): [string, tf.Variable][] {
    return [...this.vars.entries()];
  }

  list(): tf.Variable[] {
    return [...this.vars.values()];
  }

  count(): number {
    let n = 0;
    for (const v of this.vars.values()) n += v.size;
    return n;
  }

  dispose(): void {
    for (const v of this.vars.values()) v.dispose();
    this.vars.clear();
  }
}
