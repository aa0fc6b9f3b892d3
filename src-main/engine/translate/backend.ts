/**
 * Chooses the TensorFlow.js backend for training and inference, once per process; the one place
 * that knows the backends and their order.
 *
 * `auto` tries, in order: `tensorflow` on @tensorflow/tfjs-node-gpu (CUDA), `native` (our oneDNN
 * addon, native/dnnl), `tensorflow` on @tensorflow/tfjs-node (libtensorflow on the CPU), `wasm`
 * (XNNPACK, one thread). Each one skipped is named with its one-line reason.
 * `cpu` is the plain-JS reference backend, for debugging only.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { DvpError } from '../../shared/errors.js';
import { registerGradients } from './gradients.js';
import { loadNativeAddon } from './native/addon.js';
import { activeNativeBackend, registerNativeBackend } from './native/register.js';
import type { Precision } from './native/native-backend.js';
import { registerWasmConvGradients } from './wasm-kernels.js';

export type BackendName = 'tensorflow' | 'native' | 'wasm' | 'cpu';
export type BackendRequest = BackendName | 'auto';
export const BACKEND_REQUESTS = ['auto', 'tensorflow', 'native', 'wasm', 'cpu'] as const satisfies readonly BackendRequest[];
export type { Precision };
export const PRECISIONS = ['f32', 'bf16'] as const satisfies readonly Precision[];

export interface BackendChoice {
  name: BackendName;
  /** Which package or library provided it (e.g. `@tensorflow/tfjs-node-gpu`, `oneDNN 2.6.3`). */
  provider: string;
  /** One sentence: why this backend was chosen, including what was tried before it. */
  reason: string;
  precision: Precision;
}

/** One candidate of `auto`, as `dvp doctor` reports it. */
export interface BackendStatus {
  name: string;
  available: boolean;
  reason: string;
}

type Candidate = 'tfjs-node-gpu' | 'native' | 'tfjs-node' | 'wasm';
const AUTO_ORDER: readonly Candidate[] = ['tfjs-node-gpu', 'native', 'tfjs-node', 'wasm'];
const TFJS_PACKAGES = { 'tfjs-node-gpu': '@tensorflow/tfjs-node-gpu', 'tfjs-node': '@tensorflow/tfjs-node' } as const;

let current: BackendChoice | undefined;

/** The backend chosen by the last `selectBackend`, if any. */
export function currentBackend(): BackendChoice | undefined {
  return current;
}

async function loadTensorflow(which: 'tfjs-node-gpu' | 'tfjs-node'): Promise<{ ok: true } | { ok: false; reason: string }> {
  const name = TFJS_PACKAGES[which];
  try {
    // A variable specifier keeps bundlers and the type checker from requiring the optional package.
    const specifier: string = name;
    await import(specifier);
    if (tf.findBackend('tensorflow') === undefined) throw new Error('it loaded but registered no "tensorflow" backend');
    return { ok: true };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND' ? 'not installed' : (error as Error).message.split('\n')[0]!;
    return { ok: false, reason };
  }
}

function nativeStatus(): { ok: true; provider: string } | { ok: false; reason: string } {
  const registered = registerNativeBackend();
  if (!registered.ok) return registered;
  const loaded = loadNativeAddon();
  if ('reason' in loaded) return { ok: false, reason: loaded.reason };
  const info = loaded.addon.info();
  return { ok: true, provider: `oneDNN ${info.onednn} (${info.isa}, ${info.threads} threads)` };
}

/** Whether each backend `auto` considers can run here, and why not, without activating any. */
export async function backendStatuses(): Promise<BackendStatus[]> {
  const out: BackendStatus[] = [];
  for (const candidate of AUTO_ORDER) {
    if (candidate === 'native') {
      const status = nativeStatus();
      out.push({ name: 'native', available: status.ok, reason: status.ok ? status.provider : status.reason });
    } else if (candidate === 'wasm') {
      out.push({ name: 'wasm', available: true, reason: '@tensorflow/tfjs-backend-wasm (XNNPACK, one thread)' });
    } else {
      const status = await loadTensorflow(candidate);
      out.push({ name: candidate, available: status.ok, reason: status.ok ? `${TFJS_PACKAGES[candidate]} is installed` : `${TFJS_PACKAGES[candidate]}: ${status.reason}` });
    }
  }
  return out;
}

async function initWasm(): Promise<void> {
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  const require = createRequire(import.meta.url);
  const entry = require.resolve('@tensorflow/tfjs-backend-wasm');
  // The .wasm binaries sit beside the package's main file (dist/).
  wasm.setWasmPaths(`${path.dirname(entry)}${path.sep}`);
  registerWasmConvGradients();
}

async function activate(name: BackendName): Promise<void> {
  if (name === 'wasm') await initWasm();
  if (name === 'cpu') await import('@tensorflow/tfjs-backend-cpu');
  const ok = await tf.setBackend(name);
  if (!ok) throw new Error(`tf.setBackend('${name}') failed`);
  await tf.ready();
}

function wasmReason(): string {
  return `wasm (XNNPACK, SIMD ${tf.env().getBool('WASM_HAS_SIMD_SUPPORT') ? 'on' : 'off'}, one thread)`;
}

/** Tries the `auto` order; returns the first backend that starts. */
async function chooseAuto(): Promise<Omit<BackendChoice, 'precision'>> {
  const skipped: string[] = [];
  for (const candidate of AUTO_ORDER) {
    if (candidate === 'native') {
      const status = nativeStatus();
      if (status.ok) {
        await activate('native');
        return { name: 'native', provider: status.provider, reason: `native: ${status.provider}${skippedNote(skipped)}.` };
      }
      skipped.push(`native: ${status.reason}`);
    } else if (candidate === 'wasm') {
      await activate('wasm');
      return { name: 'wasm', provider: '@tensorflow/tfjs-backend-wasm', reason: `${wasmReason()}${skippedNote(skipped)}.` };
    } else {
      const status = await loadTensorflow(candidate);
      if (status.ok) {
        await activate('tensorflow');
        return { name: 'tensorflow', provider: TFJS_PACKAGES[candidate], reason: `tensorflow: ${TFJS_PACKAGES[candidate]}${skippedNote(skipped)}.` };
      }
      skipped.push(`${candidate}: ${status.reason}`);
    }
  }
  throw new Error('unreachable: wasm always starts');
}

function skippedNote(skipped: string[]): string {
  return skipped.length === 0 ? '' : ` (skipped ${skipped.join('; ')})`;
}

async function chooseNamed(request: BackendName): Promise<Omit<BackendChoice, 'precision'>> {
  switch (request) {
    case 'tensorflow': {
      const failures: string[] = [];
      for (const which of ['tfjs-node-gpu', 'tfjs-node'] as const) {
        const status = await loadTensorflow(which);
        if (status.ok) {
          await activate('tensorflow');
          return { name: 'tensorflow', provider: TFJS_PACKAGES[which], reason: `tensorflow: ${TFJS_PACKAGES[which]} as requested.` };
        }
        failures.push(`${TFJS_PACKAGES[which]}: ${status.reason}`);
      }
      throw new DvpError('BACKEND_UNAVAILABLE', `The tensorflow backend is not available (${failures.join('; ')}).`, {
        remedy: { cli: 'install @tensorflow/tfjs-node-gpu or @tensorflow/tfjs-node, or use --backend native or wasm.', gui: 'Choose the native or wasm backend.' },
      });
    }
    case 'native': {
      const status = nativeStatus();
      if (!status.ok) {
        throw new DvpError('BACKEND_UNAVAILABLE', `The native backend is not available: ${status.reason}.`, {
          remedy: { cli: 'use --backend wasm, or see native/README.md.', gui: 'Choose the wasm backend, or build the native one (native/README.md).' },
        });
      }
      await activate('native');
      return { name: 'native', provider: status.provider, reason: `native: ${status.provider} as requested.` };
    }
    case 'wasm':
      await activate('wasm');
      return { name: 'wasm', provider: '@tensorflow/tfjs-backend-wasm', reason: `${wasmReason()} as requested.` };
    case 'cpu':
      await activate('cpu');
      return { name: 'cpu', provider: '@tensorflow/tfjs-backend-cpu', reason: 'cpu (plain JavaScript reference kernels) as requested; slow, for debugging.' };
  }
}

/** Throws a clear error when bf16 cannot run on `backend` here. */
function checkPrecision(backend: BackendName, precision: Precision): void {
  if (precision === 'f32') return;
  if (backend !== 'native') {
    throw new DvpError('BACKEND_UNAVAILABLE', `bf16 precision needs the native backend; the ${backend} backend computes in f32.`, {
      remedy: { cli: 'use --precision f32 or --backend native.', gui: 'Choose f32 precision or the native backend.' },
    });
  }
  const loaded = loadNativeAddon();
  if ('addon' in loaded && !loaded.addon.info().bf16) {
    throw new DvpError('BACKEND_UNAVAILABLE', `This CPU has no native bf16 arithmetic (oneDNN dispatches to ${loaded.addon.info().isa}; bf16 needs avx512_bf16 or AMX).`, {
      remedy: { cli: 'use --precision f32.', gui: 'Choose f32 precision.' },
    });
  }
}

/**
 * Selects and initialises a backend and the precision of its convolutions. Naming a backend (or
 * a precision) that cannot run here throws BACKEND_UNAVAILABLE with the reason.
 */
export async function selectBackend(request: BackendRequest = 'auto', log: (line: string) => void = () => {}, precision: Precision = 'f32'): Promise<BackendChoice> {
  registerGradients();
  if (!current || (request !== 'auto' && request !== current.name)) {
    const chosen = request === 'auto' ? await chooseAuto() : await chooseNamed(request);
    current = { ...chosen, precision: 'f32' };
    log(`backend: ${current.name} — ${current.reason}`);
  }
  checkPrecision(current.name, precision);
  const native = activeNativeBackend();
  if (native) native.precision = precision;
  if (current.precision !== precision) {
    current = { ...current, precision };
    if (precision !== 'f32') log(`precision: ${precision} convolutions (f32 activations between them)`);
  }
  return current;
}

/** Parses a `--backend` value. */
export function parseBackendRequest(value: string | undefined): BackendRequest {
  if (value === undefined) return 'auto';
  if ((BACKEND_REQUESTS as readonly string[]).includes(value)) return value as BackendRequest;
  throw new DvpError('INVALID_ARGUMENT', `Unknown backend '${value}'; choose one of ${BACKEND_REQUESTS.join(', ')}.`);
}

/** Parses a `--precision` value. */
export function parsePrecision(value: string | undefined): Precision {
  if (value === undefined) return 'f32';
  if ((PRECISIONS as readonly string[]).includes(value)) return value as Precision;
  throw new DvpError('INVALID_ARGUMENT', `Unknown precision '${value}'; choose f32 or bf16.`);
}
