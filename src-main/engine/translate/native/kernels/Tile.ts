import { Tile, util, type KernelConfig, type NamedAttrMap, type TensorInfo, type TileAttrs } from '@tensorflow/tfjs-core';
import { cpuKernel, type NativeBackend } from '../native-backend.js';

/** Repeats a tensor along each axis (tf.broadcastTo, used by the reduction gradients). */
export function tile(args: { inputs: { x: TensorInfo }; backend: NativeBackend; attrs: TileAttrs }): TensorInfo {
  const { inputs, backend, attrs } = args;
  const { x } = inputs;
  const xs = backend.float32(x);
  if (!xs || x.shape.length === 0 || xs.length === 0) return cpuKernel(Tile)({ inputs, backend, attrs: attrs as unknown as NamedAttrMap }) as TensorInfo;
  const outShape = x.shape.map((size, d) => size * attrs.reps[d]!);
  const out = backend.alloc(util.sizeFromShape(outShape));
  backend.addon.tile(xs, Int32Array.from(x.shape), Int32Array.from(outShape), out);
  return backend.output(outShape, out);
}

export const tileConfig: KernelConfig = {
  kernelName: Tile,
  backendName: 'native',
  kernelFunc: tile as unknown as KernelConfig['kernelFunc'],
};
