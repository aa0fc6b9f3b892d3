/**
 * Gradient functions for the kernels our networks use.
 *
 * tfjs-core's gradient registrations live only in its ESM `dist/gradients/*.js` files,
 * whose extensionless imports Node cannot load (the `@tensorflow/tfjs` umbrella package,
 * which bundles them, is not a dependency). So we register the handful we need; the
 * maths follows tfjs-core's own gradient files. Each is checked against finite
 * differences in test/translate/gradients.test.ts.
 */
import * as tf from '@tensorflow/tfjs-core';
import { backend_util, type GradConfig, type NamedAttrMap, type Tensor } from '@tensorflow/tfjs-core';

type Pad = 'valid' | 'same' | number | backend_util.ExplicitPadding;

/** Sums `dy` over the axes that broadcasting added or stretched, back to `shape`. */
function unbroadcast(dy: Tensor, shape: number[]): Tensor {
  const axes = backend_util.getReductionAxes(shape, dy.shape);
  const reduced = axes.length > 0 ? tf.sum(dy, axes) : dy;
  return tf.reshape(reduced, shape);
}

function convAttrs(attrs: NamedAttrMap): { strides: [number, number] | number; pad: Pad; dataFormat: 'NHWC' | 'NCHW'; dimRoundingMode?: 'floor' | 'round' | 'ceil' } {
  const dilations = attrs.dilations as number | [number, number] | undefined;
  if (dilations !== undefined && !backend_util.eitherStridesOrDilationsAreOne(1, dilations)) {
    throw new Error('dilated convolutions have no registered gradient');
  }
  const result: ReturnType<typeof convAttrs> = {
    strides: attrs.strides as [number, number] | number,
    pad: attrs.pad as Pad,
    dataFormat: (attrs.dataFormat as 'NHWC' | 'NCHW' | undefined) ?? 'NHWC',
  };
  if (attrs.dimRoundingMode !== undefined) result.dimRoundingMode = attrs.dimRoundingMode as 'floor' | 'round' | 'ceil';
  return result;
}

function filterGrad(x: Tensor, dy: Tensor, filterShape: number[], attrs: ReturnType<typeof convAttrs>): Tensor {
  return tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, { ...attrs, filterShape } as unknown as NamedAttrMap) as Tensor;
}

function inputGrad(dy: Tensor, filter: Tensor, inputShape: number[], attrs: ReturnType<typeof convAttrs>): Tensor {
  return tf.engine().runKernel('Conv2DBackpropInput', { dy, filter }, { ...attrs, inputShape } as unknown as NamedAttrMap) as Tensor;
}

function binary(kernelName: string, grads: (dy: Tensor, a: Tensor, b: Tensor) => [Tensor, Tensor]): GradConfig {
  return {
    kernelName,
    inputsToSave: ['a', 'b'],
    gradFunc: (dy, saved) => {
      const [a, b] = saved as [Tensor, Tensor];
      return {
        a: () => unbroadcast(grads(dy as Tensor, a, b)[0], a.shape),
        b: () => unbroadcast(grads(dy as Tensor, a, b)[1], b.shape),
      };
    },
  };
}

function unaryOfInput(kernelName: string, grad: (dy: Tensor, x: Tensor, attrs: NamedAttrMap) => Tensor): GradConfig {
  return { kernelName, inputsToSave: ['x'], gradFunc: (dy, saved, attrs) => ({ x: () => grad(dy as Tensor, saved[0]!, attrs) }) };
}

function unaryOfOutput(kernelName: string, grad: (dy: Tensor, y: Tensor) => Tensor): GradConfig {
  return { kernelName, outputsToSave: [true], gradFunc: (dy, saved) => ({ x: () => grad(dy as Tensor, saved[0]!) }) };
}

function reduction(kernelName: 'Sum' | 'Mean'): GradConfig {
  return {
    kernelName,
    inputsToSave: ['x'],
    gradFunc: (dy, saved, attrs) => {
      const x = saved[0]!;
      const axes = tf.util.parseAxisParam(attrs.axis as number | number[], x.shape);
      const kept = attrs.keepDims === true ? (dy as Tensor).shape : backend_util.expandShapeToKeepDim((dy as Tensor).shape, axes);
      return {
        x: () => {
          const spread = tf.broadcastTo(tf.reshape(dy as Tensor, kept), x.shape);
          if (kernelName === 'Sum') return spread;
          const count = axes.reduce((n, axis) => n * x.shape[axis]!, 1);
          return tf.div(spread, count);
        },
      };
    },
  };
}

const configs: GradConfig[] = [
  {
    kernelName: 'Conv2D',
    inputsToSave: ['x', 'filter'],
    gradFunc: (dy, saved, attrs) => {
      const [x, filter] = saved as [Tensor, Tensor];
      const conv = convAttrs(attrs);
      return {
        x: () => inputGrad(dy as Tensor, filter, x.shape, conv),
        filter: () => filterGrad(x, dy as Tensor, filter.shape, conv),
      };
    },
  },
  {
    // The forward pass of a transposed convolution.
    kernelName: 'Conv2DBackpropInput',
    inputsToSave: ['dy', 'filter'],
    gradFunc: (ddx, saved, attrs) => {
      const [dy, filter] = saved as [Tensor, Tensor];
      const conv = convAttrs(attrs);
      return {
        dy: () => tf.engine().runKernel('Conv2D', { x: ddx as Tensor, filter }, { ...conv, dilations: 1 } as unknown as NamedAttrMap) as Tensor,
        filter: () => filterGrad(ddx as Tensor, dy, filter.shape, conv),
      };
    },
  },
  binary('Add', (dy) => [dy, dy]),
  binary('Sub', (dy) => [dy, tf.neg(dy)]),
  binary('Multiply', (dy, a, b) => [tf.mul(dy, b), tf.mul(dy, a)]),
  binary('RealDiv', (dy, a, b) => [tf.div(dy, b), tf.neg(tf.div(tf.mul(dy, a), tf.square(b)))]),
  reduction('Sum'),
  reduction('Mean'),
  unaryOfInput('Square', (dy, x) => tf.mul(dy, tf.mul(x, 2))),
  unaryOfOutput('Rsqrt', (dy, y) => tf.mul(dy, tf.mul(tf.pow(y, 3), -0.5))),
  unaryOfInput('Relu', (dy, x) => tf.mul(dy, tf.step(x))),
  // step(x, α) is 1 where x > 0 and α elsewhere: the slope of LeakyRelu in one op.
  unaryOfInput('LeakyRelu', (dy, x, attrs) => tf.mul(dy, tf.step(x, attrs.alpha as number))),
  unaryOfOutput('Tanh', (dy, y) => tf.mul(dy, tf.sub(1, tf.square(y)))),
  unaryOfOutput('Sigmoid', (dy, y) => tf.mul(dy, tf.mul(y, tf.sub(1, y)))),
  unaryOfInput('Softplus', (dy, x) => tf.mul(dy, tf.sigmoid(x))),
  unaryOfInput('Abs', (dy, x) => tf.mul(dy, tf.sign(x))),
  { kernelName: 'Neg', gradFunc: (dy) => ({ x: () => tf.neg(dy as Tensor) }) },
  unaryOfInput('Reshape', (dy, x) => tf.reshape(dy, x.shape)),
  { kernelName: 'Identity', gradFunc: (dy) => ({ x: () => tf.clone(dy as Tensor) }) },
  {
    kernelName: 'Concat',
    saveAllInputs: true,
    gradFunc: (dy, saved, attrs) => {
      const axis = tf.util.parseAxisParam(attrs.axis as number, saved[0]!.shape)[0]!;
      const sizes = saved.map((t) => t.shape[axis]!);
      const parts = tf.split(dy as Tensor, sizes, axis);
      return Object.fromEntries(parts.map((part, i) => [i, () => part]));
    },
  },
];

let registered = false;

/** Registers the gradient functions above (once per process). */
export function registerGradients(): void {
  if (registered) return;
  for (const config of configs) {
    if (tf.getGradient(config.kernelName) === undefined) tf.registerGradient(config);
  }
  registered = true;
}
