/** Sum and Mean over a contiguous run of axes (per-channel statistics of NHWC tensors), float32. */
import { backend_util, util, type KernelConfig, type NamedAttrMap, type TensorInfo } from '@tensorflow/tfjs-core';
import { cpuKernel, type NativeBackend } from '../native-backend.js';

function reduceConfig(kernelName: 'Sum' | 'Mean'): KernelConfig {
  return {
    kernelName,
    backendName: 'native',
    kernelFunc: (args) => {
      const backend = args.backend as NativeBackend;
      const { x } = args.inputs as { x: TensorInfo };
      const attrs = args.attrs as { axis: number | number[]; keepDims: boolean };
      const xv = backend.float32(x);
      const axes = util.parseAxisParam(attrs.axis, x.shape).sort((p, q) => p - q);
      const contiguous = axes.every((axis, i) => i === 0 || axis === axes[i - 1]! + 1);
      if (!xv || axes.length === 0 || !contiguous || xv.length === 0) {
        return cpuKernel(kernelName)({ inputs: args.inputs, backend, attrs: args.attrs as NamedAttrMap });
      }
      const first = axes[0]!;
      const last = axes[axes.length - 1]!;
      const outer = util.sizeFromShape(x.shape.slice(0, first));
      const reduced = util.sizeFromShape(x.shape.slice(first, last + 1));
      const inner = util.sizeFromShape(x.shape.slice(last + 1));
      const out = backend.alloc(outer * inner);
      backend.addon.reduce(kernelName === 'Mean', xv, outer, reduced, inner, out);
      const [outShape] = backend_util.computeOutAndReduceShapes(x.shape, axes);
      return backend.output(attrs.keepDims ? backend_util.expandShapeToKeepDim(outShape, axes) : outShape, out);
    },
  };
}

export const reduceConfigs: KernelConfig[] = [reduceConfig('Sum'), reduceConfig('Mean')];
