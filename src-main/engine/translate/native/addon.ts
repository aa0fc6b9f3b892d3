/**
 * Loads the oneDNN compute addon (`native/dnnl`) once per process. When it is missing or does not
 * load, `loadNativeAddon` says why in one line and the engine falls back to another backend.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export interface NativeAddonInfo {
  /** oneDNN version, e.g. "2.6.3". */
  onednn: string;
  /** The instruction set oneDNN dispatches to, e.g. "avx512_core_bf16". */
  isa: string;
  /** Whether bf16 convolutions run natively (avx512_bf16 or AMX), not emulated. */
  bf16: boolean;
  threads: number;
  primitives: number;
  weightBytes: number;
}

/** The addon's functions (native/dnnl/src/addon.cc). Every buffer length is checked there. */
export interface NativeAddon {
  conv(desc: Int32Array, alpha: number, a: Float32Array, b: Float32Array, bias: Float32Array | null, out: Float32Array, weightsId: number): void;
  releaseWeights(id: number): void;
  binary(op: number, shape: Int32Array, a: Float32Array, aStrides: Int32Array, b: Float32Array, bStrides: Int32Array, out: Float32Array): void;
  unary(op: number, x: Float32Array, out: Float32Array, alpha: number): void;
  reduce(mean: boolean, x: Float32Array, outer: number, reduced: number, inner: number, out: Float32Array): void;
  adam(w: Float32Array, m: Float32Array, v: Float32Array, g: Float32Array, rate: number, beta1: number, beta2: number, epsilon: number, wOut: Float32Array, mOut: Float32Array, vOut: Float32Array): void;
  concat(inputs: Float32Array[], inners: Int32Array, outer: number, out: Float32Array): void;
  slice(x: Float32Array, shape: Int32Array, begin: Int32Array, size: Int32Array, out: Float32Array): void;
  tile(x: Float32Array, shape: Int32Array, outShape: Int32Array, out: Float32Array): void;
  batchNorm(x: Float32Array, gamma: Float32Array, beta: Float32Array, groups: number, rows: number, channels: number, epsilon: number, y: Float32Array, mean: Float32Array, inv: Float32Array): void;
  batchNormGrad(dy: Float32Array, x: Float32Array, gamma: Float32Array, mean: Float32Array, inv: Float32Array, groups: number, rows: number, channels: number, dx: Float32Array, dgamma: Float32Array, dbeta: Float32Array): void;
  setThreads(threads: number): void;
  info(): NativeAddonInfo;
}

const ADDON_RELATIVE = path.join('native', 'dnnl', 'build', 'Release', 'dvp_dnnl.node');

/** Where the addon is looked for: DVP_NATIVE_ADDON, else native/dnnl/build/Release above this module (unpacked from asar in the app). */
export function addonPath(): string {
  const override = process.env.DVP_NATIVE_ADDON;
  if (override) return override;
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = path.join(dir, ADDON_RELATIVE).replace(`app.asar${path.sep}`, `app.asar.unpacked${path.sep}`);
    if (existsSync(candidate)) return candidate;
    const parent = path.dirname(dir);
    if (parent === dir) return path.join(process.cwd(), ADDON_RELATIVE);
    dir = parent;
  }
}

/** Threads for oneDNN and our kernels: DVP_THREADS when set, else every core. */
export function threadCount(): number {
  const raw = process.env.DVP_THREADS;
  if (raw !== undefined && raw !== '') {
    const n = Number(raw);
    if (Number.isInteger(n) && n >= 1) return n;
  }
  return os.availableParallelism();
}

let loaded: { addon: NativeAddon } | { reason: string } | undefined;

/** The addon, or the one-line reason it is unavailable. */
export function loadNativeAddon(): { addon: NativeAddon } | { reason: string } {
  if (loaded) return loaded;
  const file = addonPath();
  if (!existsSync(file)) {
    loaded = { reason: `the oneDNN addon is not built (${file} is missing; run npm run build:native after installing libdnnl-dev)` };
    return loaded;
  }
  try {
    const require = createRequire(import.meta.url);
    const addon = require(file) as NativeAddon;
    addon.setThreads(threadCount());
    loaded = { addon };
  } catch (error) {
    loaded = { reason: `the oneDNN addon did not load (${(error as Error).message.split('\n')[0]})` };
  }
  return loaded;
}
