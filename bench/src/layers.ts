// Layers as plain functions over core ops, with PyTorch's default initialisation, so the
// training benchmarks run before @backprop/nn exists. `sequential` gives them nn.Module's
// `forward`/`parameters` shape.
import { conv2d, maxPool2d, rand, type Tensor } from '@backprop/core';
import type { Trainable } from './training.js';

/** A layer: its forward function and the parameters it owns. */
export interface Layer {
  readonly forward: (x: Tensor) => Tensor;
  readonly params: readonly Tensor[];
}

// U(-1/sqrt(fanIn), 1/sqrt(fanIn)): what PyTorch's Linear and Conv2d use for weight and bias.
function uniformParam(shape: number[], fanIn: number): Tensor {
  const bound = 1 / Math.sqrt(fanIn);
  return rand(shape)
    .mul(2 * bound)
    .sub(bound)
    .requiresGrad_();
}

/**
 * `y = x Wᵀ + b` with weight `[outF, inF]`, as nn.Linear.
 *
 * @example
 * ```ts
 * linear(784, 10).forward(randn([64, 784])).shape; // [64, 10]
 * ```
 */
export function linear(inF: number, outF: number): Layer {
  const w = uniformParam([outF, inF], inF);
  const b = uniformParam([outF], inF);
  return { forward: (x) => x.matmul(w.t()).add(b), params: [w, b] };
}

/**
 * Square-kernel convolution with bias and zero padding, as nn.Conv2d.
 *
 * @example
 * ```ts
 * conv(1, 8, 3, 1).forward(randn([32, 1, 28, 28])).shape; // [32, 8, 28, 28]
 * ```
 */
export function conv(inC: number, outC: number, kernel: number, padding: number): Layer {
  const fanIn = inC * kernel * kernel;
  const w = uniformParam([outC, inC, kernel, kernel], fanIn);
  const b = uniformParam([outC], fanIn);
  return { forward: (x) => conv2d(x, w, b, { padding }), params: [w, b] };
}

/**
 * ReLU, as nn.ReLU.
 *
 * @example
 * ```ts
 * sequential(linear(2, 4), relu, linear(4, 1));
 * ```
 */
export const relu: Layer = { forward: (x) => x.relu(), params: [] };

/**
 * Flattens all dims after the batch dim, as nn.Flatten.
 *
 * @example
 * ```ts
 * flatten.forward(randn([32, 16, 7, 7])).shape; // [32, 784]
 * ```
 */
export const flatten: Layer = { forward: (x) => x.flatten(1), params: [] };

/**
 * Max pooling with stride equal to the kernel, as nn.MaxPool2d(kernel).
 *
 * @example
 * ```ts
 * maxPool(2).forward(randn([32, 8, 28, 28])).shape; // [32, 8, 14, 14]
 * ```
 */
export function maxPool(kernel: number): Layer {
  return { forward: (x) => maxPool2d(x, kernel), params: [] };
}

/**
 * Chains layers into a model with nn.Module's `forward`/`parameters`, as nn.Sequential.
 *
 * @example
 * ```ts
 * const model = sequential(linear(784, 10), relu);
 * model.parameters().length; // 2
 * ```
 */
export function sequential(...layers: Layer[]): Trainable {
  const params = layers.flatMap((l) => l.params);
  return {
    forward: (x) => layers.reduce((h, l) => l.forward(h), x),
    parameters: () => [...params],
  };
}
