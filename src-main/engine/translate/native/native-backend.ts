/**
 * The `native` TensorFlow.js backend: tfjs's cpu backend (tensors in ordinary JavaScript typed
 * arrays, outside any wasm heap) with its heavy kernels replaced by the oneDNN addon's.
 *
 * Output buffers come from a pool of freed ones: a fresh multi-megabyte Float32Array costs a
 * page fault per 4 KiB when first written, more than the kernel that fills it. A buffer is pooled
 * only while no one else can see it: one that was read out (dataSync hands out the buffer itself)
 * or that another tensor views is never reused.
 */
import os from 'node:os';
import { getKernel, type DataId, type DataType, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import type { NativeAddon } from './addon.js';

export type Precision = 'f32' | 'bf16';

type BackendValues = Parameters<MathBackendCPU['write']>[0];

export class NativeBackend extends MathBackendCPU {
  /** Arithmetic of the convolutions (activations stay f32 between kernels). */
  precision: Precision = 'f32';
  private readonly weightIds = new WeakMap<DataId, number>();
  private nextWeightId = 1;
  private readonly pool = new Map<number, Float32Array[]>();
  private pooledBytes = 0;
  /** Freed buffers recur with the same sizes every step; the pool settles near the peak working set. */
  private readonly poolLimit = os.totalmem() / 2;
  /** Buffers made by `alloc`; of those, the ones a tensor holds now, and the ones never to reuse. */
  private readonly owned = new WeakSet<ArrayBufferLike>();
  private readonly held = new WeakSet<ArrayBufferLike>();
  private readonly shared = new WeakSet<ArrayBufferLike>();

  constructor(readonly addon: NativeAddon) {
    super();
    // The cpu backend's first write advises installing tfjs-node; this backend is the native one.
    (this as unknown as { firstUse: boolean }).firstUse = false;
  }

  /** An output buffer of `size` floats, not zeroed (native kernels write every element). */
  alloc(size: number): Float32Array {
    const reused = this.pool.get(size)?.pop();
    if (reused) {
      this.pooledBytes -= reused.byteLength;
      return reused;
    }
    const fresh = new Float32Array(size);
    this.owned.add(fresh.buffer);
    return fresh;
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

  override write(values: BackendValues, shape: number[], dtype: DataType): DataId {
    if (ArrayBuffer.isView(values) && this.owned.has(values.buffer)) {
      const whole = values instanceof Float32Array && values.length * 4 === values.buffer.byteLength;
      if (!whole || this.held.has(values.buffer)) this.shared.add(values.buffer);
      this.held.add(values.buffer);
    }
    return super.write(values, shape, dtype);
  }

  override readSync(dataId: DataId): BackendValues {
    const values = super.readSync(dataId) as BackendValues;
    if (ArrayBuffer.isView(values)) this.shared.add(values.buffer);
    return values;
  }

  override disposeData(dataId: DataId, force = false): boolean {
    const values = this.data.get(dataId)?.values;
    const disposed = super.disposeData(dataId, force);
    if (!this.data.has(dataId)) {
      const id = this.weightIds.get(dataId);
      if (id !== undefined) {
        this.weightIds.delete(dataId);
        this.addon.releaseWeights(id);
      }
      if (values instanceof Float32Array && this.owned.has(values.buffer)) this.recycle(values);
    }
    return disposed;
  }

  private recycle(values: Float32Array): void {
    this.held.delete(values.buffer);
    if (this.shared.has(values.buffer) || this.pooledBytes + values.byteLength > this.poolLimit) return;
    let list = this.pool.get(values.length);
    if (!list) {
      list = [];
      this.pool.set(values.length, list);
    }
    list.push(values);
    this.pooledBytes += values.byteLength;
  }

  override dispose(): void {
    this.pool.clear();
    this.pooledBytes = 0;
    super.dispose();
  }
}

/** The cpu backend's kernel, for the cases a native kernel does not cover. */
export function cpuKernel(name: string): KernelFunc {
  const config = getKernel(name, 'cpu');
  if (!config) throw new Error(`the cpu backend has no ${name} kernel`);
  return config.kernelFunc;
}
