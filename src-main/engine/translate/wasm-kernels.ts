/**
 * Convolution gradient kernels for the tfjs `wasm` backend.
 *
 * tfjs-backend-wasm 4.22 has no `Conv2DBackpropFilter` (every conv and transposed-conv
 * gradient needs it) and its `Conv2DBackpropInput` is a scalar loop. Both are expressed
 * here as work for the backend's fast XNNPACK kernels (Conv2D, BatchMatMul) plus cheap
 * data movement, by calling the registered wasm kernel functions directly (the way
 * tfjs backends compose kernels), so no op is recorded on a gradient tape.
 *
 * - Filter gradient: dW[kh,kw] = Σ_{b,oy,ox} x[b, oy·s+kh−pT, ox·s+kw−pL, :]ᵀ · dy[b,oy,ox,:],
 *   one strided slice of the padded input and one matrix product per filter tap.
 * - Input gradient (= transposed convolution): sub-pixel decomposition. For stride s
 *   the output splits into s×s phases; phase (rh,rw) is an ordinary stride-1
 *   convolution of dy with the taps k ≡ r (mod s), flipped. All phases run as one
 *   Conv2D with s²·Cin output channels, then one transpose interleaves them. No
 *   multiplication by inserted zeros, so it costs what the forward conv costs.
 */
import {
  backend_util,
  getKernel,
  registerKernel,
  unregisterKernel,
  type KernelBackend,
  type NamedAttrMap,
  type TensorInfo,
} from '@tensorflow/tfjs-core';

type Attrs = Record<string, unknown>;
type Inputs = Record<string, TensorInfo> | TensorInfo[];

interface WasmBackendLike extends KernelBackend {
  disposeData(dataId: object, force?: boolean): boolean;
}

/** Runs wasm kernels directly and frees every intermediate it made except the kept result. */
class KernelCalls {
  private readonly made: TensorInfo[] = [];

  constructor(private readonly backend: WasmBackendLike) {}

  call(name: string, inputs: Inputs, attrs: Attrs = {}): TensorInfo {
    const kernel = getKernel(name, 'wasm');
    if (!kernel) throw new Error(`the wasm backend has no ${name} kernel`);
    const out = kernel.kernelFunc({ inputs: inputs as never, backend: this.backend, attrs: attrs as NamedAttrMap }) as TensorInfo;
    this.made.push(out);
    return out;
  }

  reshape(x: TensorInfo, shape: number[]): TensorInfo {
    return this.call('Reshape', { x }, { shape });
  }

  /** Disposes everything made except `result`, which is handed to the engine. */
  finish(result: TensorInfo): TensorInfo {
    for (const info of this.made) if (info !== result) this.backend.disposeData(info.dataId);
    return result;
  }
}

function dataFormatOf(attrs: { dataFormat: 'NHWC' | 'NCHW' }): 'channelsLast' {
  const format = backend_util.convertConv2DDataFormat(attrs.dataFormat);
  if (format !== 'channelsLast') throw new Error(`wasm conv gradients support only NHWC, got ${attrs.dataFormat}`);
  return format;
}

export interface FilterGradArgs {
  x: TensorInfo;
  dy: TensorInfo;
  strides: [number, number] | number;
  pad: 'valid' | 'same' | number | backend_util.ExplicitPadding;
  dataFormat: 'NHWC' | 'NCHW';
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  filterShape: [number, number, number, number];
}

function conv2dBackpropFilter(backend: WasmBackendLike, args: FilterGradArgs): TensorInfo {
  const { x, dy, filterShape } = args;
  const info = backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number], filterShape, args.strides, 1, args.pad, args.dimRoundingMode, false, dataFormatOf(args));
  const { inHeight, inWidth, outHeight, outWidth, filterHeight, filterWidth, strideHeight, strideWidth } = info;
  const calls = new KernelCalls(backend);
  // Batch and channels swap roles: x' = [Cin, H, W, B] is the input, dy' = [oh, ow, B, Cout] the
  // filter, dilated by the stride; the output [Cin, Fh, Fw, Cout] is the filter gradient.
  const top = info.padInfo.top;
  const left = info.padInfo.left;
  const bottom = (outHeight - 1) * strideHeight + filterHeight - top - inHeight;
  const right = (outWidth - 1) * strideWidth + filterWidth - left - inWidth;
  let source = x;
  if (bottom < 0 || right < 0) {
    source = calls.call('Slice', { x }, { begin: [0, 0, 0, 0], size: [x.shape[0], inHeight + Math.min(0, bottom), inWidth + Math.min(0, right), x.shape[3]] });
  }
  const xt = calls.call('Transpose', { x: source }, { perm: [3, 1, 2, 0] });
  const dyt = calls.call('Transpose', { x: dy }, { perm: [1, 2, 0, 3] });
  const grad = calls.call('Conv2D', { x: xt, filter: dyt }, {
    strides: [1, 1],
    pad: [[0, 0], [top, Math.max(0, bottom)], [left, Math.max(0, right)], [0, 0]],
    dataFormat: 'NHWC',
    dilations: [strideHeight, strideWidth],
    dimRoundingMode: undefined,
  });
  return calls.finish(calls.call('Transpose', { x: grad }, { perm: [1, 2, 0, 3] }));
}

export interface InputGradArgs {
  dy: TensorInfo;
  filter: TensorInfo;
  strides: [number, number] | number;
  pad: 'valid' | 'same' | number | backend_util.ExplicitPadding;
  dataFormat: 'NHWC' | 'NCHW';
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  inputShape: [number, number, number, number];
}

/** One spatial axis of the sub-pixel decomposition. */
interface PhaseAxis {
  stride: number;
  /** Taps per phase: ceil(F / s). */
  taps: number;
  /** Pads of dy for the phase convolution (negative: crop). */
  before: number;
  after: number;
  /** Phase rows computed, and where dx starts inside them. */
  count: number;
  offset: number;
}

function phaseAxis(inSize: number, outSize: number, filter: number, stride: number, padBefore: number): PhaseAxis {
  const taps = Math.ceil(filter / stride);
  // dx[i] = Σ_j dy[q − j] · W[r + j·s] with i + pad = q·s + r; q runs over [q0, q1].
  const q0 = Math.floor(padBefore / stride);
  const q1 = Math.floor((inSize - 1 + padBefore) / stride);
  const count = q1 - q0 + 1;
  const before = taps - 1 - q0;
  const after = count - 1 + taps - outSize - before;
  return { stride, taps, before, after, count, offset: padBefore - q0 * stride };
}

/**
 * Phase filters of transposed convolutions, cached per source filter buffer: with fixed
 * weights (inference) the rearrangement runs once and XNNPACK's operator cache, keyed by
 * filter buffer, is hit on every later frame. Entries whose source buffer was freed
 * (a training update replaced the weights) are dropped on the next call.
 */
const phaseCache = new Map<object, { key: string; filter: TensorInfo }>();

function phaseFilter(backend: WasmBackendLike, filter: TensorInfo, ay: PhaseAxis, ax: PhaseAxis, filterHeight: number, filterWidth: number, inChannels: number, outChannels: number): TensorInfo {
  const alive = (backend as unknown as { dataIdMap: { has(id: object): boolean } }).dataIdMap;
  for (const [dataId, entry] of phaseCache) {
    if (!alive.has(dataId)) {
      backend.disposeData(entry.filter.dataId);
      phaseCache.delete(dataId);
    }
  }
  const key = `${ay.taps},${ay.stride},${ax.taps},${ax.stride}`;
  const cached = phaseCache.get(filter.dataId);
  if (cached && cached.key === key) return cached.filter;
  const calls = new KernelCalls(backend);
  // Phase filter [Jh, Jw, Cout, sh·sw·Cin]: tap t of phase r is W[r + (J−1−t)·s]. With
  // W viewed as [Jh, sh, Jw, sw·Cin·Cout] (k = j·s + r), that is a reversal of the j axes
  // and two 4-D/3-D transposes (wasm's slices and 6-D transposes are slow).
  const paddedH = ay.taps * ay.stride;
  const paddedW = ax.taps * ax.stride;
  let w = filter;
  if (paddedH !== filterHeight || paddedW !== filterWidth) {
    w = calls.call('PadV2', { x: w }, { paddings: [[0, paddedH - filterHeight], [0, paddedW - filterWidth], [0, 0], [0, 0]], constantValue: 0 });
  }
  w = calls.reshape(w, [ay.taps, ay.stride, ax.taps, ax.stride * inChannels * outChannels]);
  w = calls.call('Reverse', { x: w }, { dims: [0, 2] });
  w = calls.call('Transpose', { x: w }, { perm: [0, 2, 1, 3] });
  w = calls.reshape(w, [ay.taps * ax.taps, ay.stride * ax.stride * inChannels, outChannels]);
  w = calls.call('Transpose', { x: w }, { perm: [0, 2, 1] });
  w = calls.reshape(w, [ay.taps, ax.taps, outChannels, ay.stride * ax.stride * inChannels]);
  const result = calls.finish(w);
  if (cached) backend.disposeData(cached.filter.dataId);
  phaseCache.set(filter.dataId, { key, filter: result });
  return result;
}


function conv2dBackpropInput(backend: WasmBackendLike, args: InputGradArgs): TensorInfo {
  const { dy, filter, inputShape } = args;
  const info = backend_util.computeConv2DInfo(
    inputShape, filter.shape as [number, number, number, number], args.strides, 1, args.pad, args.dimRoundingMode, false, dataFormatOf(args));
  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, outChannels, filterHeight, filterWidth } = info;
  const ay = phaseAxis(inHeight, outHeight, filterHeight, info.strideHeight, info.padInfo.top);
  const ax = phaseAxis(inWidth, outWidth, filterWidth, info.strideWidth, info.padInfo.left);
  const calls = new KernelCalls(backend);

  const w = phaseFilter(backend, filter, ay, ax, filterHeight, filterWidth, inChannels, outChannels);

  // Crop where a pad is negative, zero-pad where it is positive.
  let source = dy;
  const cropTop = Math.max(0, -ay.before);
  const cropLeft = Math.max(0, -ax.before);
  const cropBottom = Math.max(0, -ay.after);
  const cropRight = Math.max(0, -ax.after);
  if (cropTop + cropLeft + cropBottom + cropRight > 0) {
    source = calls.call('Slice', { x: source }, {
      begin: [0, cropTop, cropLeft, 0],
      size: [batchSize, outHeight - cropTop - cropBottom, outWidth - cropLeft - cropRight, outChannels],
    });
  }
  const pad: backend_util.ExplicitPadding = [[0, 0], [Math.max(0, ay.before), Math.max(0, ay.after)], [Math.max(0, ax.before), Math.max(0, ax.after)], [0, 0]];
  const phases = calls.call('Conv2D', { x: source, filter: w }, {
    strides: [1, 1], pad, dataFormat: 'NHWC', dilations: [1, 1], dimRoundingMode: undefined,
  });

  // Interleave the phases: [B·nQh, nQw, sh, sw·Cin] → [B·nQh, sh, nQw, sw·Cin] is dx's row-major
  // layout (a 4-D transpose; wasm's DepthToSpace and 6-D transposes are much slower).
  let full = phases;
  if (ay.stride > 1 || ax.stride > 1) {
    const split = calls.reshape(phases, [batchSize * ay.count, ax.count, ay.stride, ax.stride * inChannels]);
    const interleaved = ay.stride > 1 ? calls.call('Transpose', { x: split }, { perm: [0, 2, 1, 3] }) : split;
    full = calls.reshape(interleaved, [batchSize, ay.count * ay.stride, ax.count * ax.stride, inChannels]);
  }
  const fullHeight = ay.count * ay.stride;
  const fullWidth = ax.count * ax.stride;
  if (ay.offset === 0 && ax.offset === 0 && fullHeight === inHeight && fullWidth === inWidth) return calls.finish(full);
  return calls.finish(calls.call('Slice', { x: full }, { begin: [0, ay.offset, ax.offset, 0], size: [batchSize, inHeight, inWidth, inChannels] }));
}

let registered = false;

/** Registers (once) our filter- and input-gradient kernels for the wasm backend. */
export function registerWasmConvGradients(): void {
  if (registered) return;
  if (getKernel('Conv2DBackpropInput', 'wasm')) unregisterKernel('Conv2DBackpropInput', 'wasm');
  if (getKernel('Conv2DBackpropFilter', 'wasm')) unregisterKernel('Conv2DBackpropFilter', 'wasm');
  registerKernel({
    kernelName: 'Conv2DBackpropFilter',
    backendName: 'wasm',
    kernelFunc: ({ inputs, backend, attrs }) =>
      conv2dBackpropFilter(backend as WasmBackendLike, { ...(attrs as unknown as Omit<FilterGradArgs, 'x' | 'dy'>), x: inputs.x!, dy: inputs.dy! }),
  });
  registerKernel({
    kernelName: 'Conv2DBackpropInput',
    backendName: 'wasm',
    kernelFunc: ({ inputs, backend, attrs }) =>
      conv2dBackpropInput(backend as WasmBackendLike, { ...(attrs as unknown as Omit<InputGradArgs, 'dy' | 'filter'>), dy: inputs.dy!, filter: inputs.filter! }),
  });
  registered = true;
}
