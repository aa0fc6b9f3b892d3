/**
 * Chooses the TensorFlow.js backend for training and inference, once per process.
 *
 * - `tensorflow`: tfjs-node-gpu or tfjs-node (libtensorflow), when one of them is installed.
 * - `wasm`: the CPU default (XNNPACK, SIMD), with our convolution gradient kernels.
 * - `cpu`: the plain-JS reference backend, for debugging only (its conv gradients are naive loops).
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { DvpError } from '../../shared/errors.js';
import { registerGradients } from './gradients.js';
import { registerWasmConvGradients } from './wasm-kernels.js';

export type BackendName = 'tensorflow' | 'wasm' | 'cpu';
export type BackendRequest = BackendName | 'auto';
export const BACKEND_REQUESTS: readonly BackendRequest[] = ['auto', 'tensorflow', 'wasm', 'cpu'];

export interface BackendChoice {
  name: BackendName;
  /** Which package provided it (e.g. `@tensorflow/tfjs-node-gpu`). */
  provider: string;
  /** One sentence: why this backend was chosen, including what was tried before it. */
  reason: string;
}

const NATIVE_PACKAGES = ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node'] as const;

let current: BackendChoice | undefined;

/** The backend chosen by the last `selectBackend`, if any. */
export function currentBackend(): BackendChoice | undefined {
  return current;
}

async function tryNative(): Promise<{ provider: string } | { failures: string[] }> {
  const failures: string[] = [];
  for (const name of NATIVE_PACKAGES) {
    try {
      // A variable specifier keeps bundlers and the type checker from requiring the optional package.
      const specifier: string = name;
      await import(specifier);
      if (tf.findBackend('tensorflow') === undefined) throw new Error('it loaded but registered no "tensorflow" backend');
      return { provider: name };
    } catch (error) {
      const message = (error as NodeJS.ErrnoException).code === 'ERR_MODULE_NOT_FOUND' ? 'not installed' : (error as Error).message.split('\n')[0];
      failures.push(`${name}: ${message}`);
    }
  }
  return { failures };
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

/**
 * Selects and initialises a backend. `auto` prefers native TensorFlow, then wasm.
 * Naming a backend that cannot start throws BACKEND_UNAVAILABLE with the reason.
 */
export async function selectBackend(request: BackendRequest = 'auto', log: (line: string) => void = () => {}): Promise<BackendChoice> {
  registerGradients();
  if (current && (request === 'auto' || request === current.name)) return current;
  let choice: BackendChoice;
  if (request === 'tensorflow' || request === 'auto') {
    const native = await tryNative();
    if ('provider' in native) {
      await activate('tensorflow');
      choice = { name: 'tensorflow', provider: native.provider, reason: `${native.provider} is installed (native TensorFlow).` };
    } else if (request === 'tensorflow') {
      throw new DvpError('BACKEND_UNAVAILABLE', `The tensorflow backend is not available (${native.failures.join('; ')}); install @tensorflow/tfjs-node-gpu or @tensorflow/tfjs-node, or use --backend wasm.`);
    } else {
      await activate('wasm');
      choice = { name: 'wasm', provider: '@tensorflow/tfjs-backend-wasm', reason: `wasm (XNNPACK, SIMD ${simd()}) because native TensorFlow is unavailable (${native.failures.join('; ')}).` };
    }
  } else if (request === 'wasm') {
    await activate('wasm');
    choice = { name: 'wasm', provider: '@tensorflow/tfjs-backend-wasm', reason: `wasm (XNNPACK, SIMD ${simd()}) as requested.` };
  } else {
    await activate('cpu');
    choice = { name: 'cpu', provider: '@tensorflow/tfjs-backend-cpu', reason: 'cpu (plain JavaScript reference kernels) as requested; slow, for debugging.' };
  }
  current = choice;
  log(`backend: ${choice.name} — ${choice.reason}`);
  return choice;
}

function simd(): string {
  return tf.env().getBool('WASM_HAS_SIMD_SUPPORT') ? 'on' : 'off';
}

/** Parses a `--backend` value. */
export function parseBackendRequest(value: string | undefined): BackendRequest {
  if (value === undefined) return 'auto';
  if ((BACKEND_REQUESTS as readonly string[]).includes(value)) return value as BackendRequest;
  throw new DvpError('INVALID_ARGUMENT', `Unknown backend '${value}'; choose one of ${BACKEND_REQUESTS.join(', ')}.`);
}
