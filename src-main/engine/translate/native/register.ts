/**
 * Registers the `native` backend: every cpu-backend kernel under the name `native`, then ours
 * over them. Returns why it cannot when the addon is unavailable.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { loadNativeAddon } from './addon.js';
import { NATIVE_KERNELS } from './kernels/index.js';
import { NativeBackend } from './native-backend.js';

export const NATIVE_BACKEND = 'native';

export function registerNativeBackend(): { ok: true } | { ok: false; reason: string } {
  const loaded = loadNativeAddon();
  if ('reason' in loaded) return { ok: false, reason: loaded.reason };
  if (tf.findBackendFactory(NATIVE_BACKEND) === null) {
    for (const config of tf.getKernelsForBackend('cpu')) tf.registerKernel({ ...config, backendName: NATIVE_BACKEND });
    for (const config of NATIVE_KERNELS) {
      if (tf.getKernel(config.kernelName, NATIVE_BACKEND)) tf.unregisterKernel(config.kernelName, NATIVE_BACKEND);
      tf.registerKernel(config);
    }
    tf.registerBackend(NATIVE_BACKEND, () => new NativeBackend(loaded.addon), 0);
  }
  return { ok: true };
}

/** The active native backend instance (for its precision setting), when `native` is active. */
export function activeNativeBackend(): NativeBackend | undefined {
  return tf.getBackend() === NATIVE_BACKEND ? (tf.backend() as NativeBackend) : undefined;
}
