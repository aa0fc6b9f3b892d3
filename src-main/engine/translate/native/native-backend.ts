/**
 * The `native` TensorFlow.js backend: tfjs's cpu backend (tensors in ordinary JavaScript typed
 * arrays, outside any wasm heap) with its heavy kernels replaced by the oneDNN addon's.
 */
import { getKernel, type DataId, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import type { NativeAddon } from './addon.js';

export type Precision = 'f32' | 'bf16';

export class NativeBackend extends MathBackendCPU {
  /** Arithmetic of the convolutions (activations stay f32 between kernels). */
  precision: Precision = 'f32';
  private readonly weightIds = new WeakMap<DataId, number>();
  private nextWeightId = 1;

  constructor(readonly addon: NativeAddon) {
    super();
  }

  /** A stable identity for a filter tensor, under which the addon keeps its reordered copy. */
  weightsId(dataId: DataId): number {
    let id = this.weightIds.get(dataId);
    if (id === undefined) {
      id = this.nextWeightId++;
      this.weightIds.set(dataId, id);
    }
    return id;
  }

  /** The values of a float32 tensor, or undefined when it holds another type (the kernel falls back). */
  float32(info: TensorInfo): Float32Array | undefined {
    if (info.dtype !== 'float32') return undefined;
    const values = this.data.get(info.dataId)?.values;
    return values instanceof Float32Array ? values : undefined;
  }

  output(shape: number[], values: Float32Array): TensorInfo {
    return this.makeTensorInfo(shape, 'float32', values);
  }

  override disposeData(dataId: DataId, force = false): boolean {
    const disposed = super.disposeData(dataId, force);
    if (!this.data.has(dataId)) {
      const id = this.weightIds.get(dataId);
      if (id !== undefined) {
        this.weightIds.delete(dataId);
        this.addon.releaseWeights(id);
      }
    }
    return disposed;
  }
}

/** The cpu backend's kernel, for the cases a native kernel does not cover. */
export function cpuKernel(name: string): KernelFunc {
  const config = getKernel(name, 'cpu');
  if (!config) throw new Error(`the cpu backend has no ${name} kernel`);
  return config.kernelFunc;
}
