import { type DType, type Generator, linear, type Tensor, ValueError, zeros } from '@backprop/core';
import { init } from './init.js';
import { Module } from './module.js';
import { Parameter } from './parameter.js';
import { checkInput } from './shape-check.js';

/** Options shared by layers that own weights. */
export interface LayerOptions {
  /** dtype of the parameters (default float32); inputs must match it. */
  dtype?: DType;
  /** Generator for the initial weights (default: the global one `manualSeed` seeds). */
  generator?: Generator;
}

/** Options of `Linear`. */
export interface LinearOptions extends LayerOptions {
  /** Learn an additive bias (default true). */
  bias?: boolean;
}

/** Checks a layer size argument: a positive integer. */
export function checkSize(layer: string, name: string, value: number): void {
  if (!Number.isInteger(value) || value < 1) {
    throw new ValueError(`${layer}: ${name} must be a positive integer, got ${value}`);
  }
}

/**
 * PyTorch's default init for Linear and Conv2d: weight from kaimingUniform_(a = √5), i.e.
 * U(−1/√fanIn, 1/√fanIn), and the bias from the same range.
 */
export function resetLinearParameters(
  weight: Tensor,
  bias: Tensor | null,
  fanIn: number,
  generator?: Generator,
): void {
  const opts = generator ? { generator } : {};
  init.kaimingUniform_(weight, { a: Math.sqrt(5), ...opts });
  if (bias && fanIn > 0) init.uniform_(bias, -1 / Math.sqrt(fanIn), 1 / Math.sqrt(fanIn), opts);
}

/**
 * Affine map `y = x Wᵀ + b` over the last dim: input `[*, inFeatures]`, output `[*, outFeatures]`,
 * weight `[outFeatures, inFeatures]` as PyTorch, with PyTorch's default initialization.
 *
 * @example
 * ```ts
 * const fc = new Linear(3, 2);
 * fc.forward(randn([5, 3])).shape; // [5, 2]
 * ```
 */
export class Linear extends Module {
  /** `[outFeatures, inFeatures]`, as PyTorch. */
  readonly weight: Parameter;
  /** `[outFeatures]`, or null with `bias: false`. */
  readonly bias: Parameter | null;

  /**
   * @param inFeatures Size of the input's last dim.
   * @param outFeatures Size of the output's last dim.
   * @param options `bias` (default true), `dtype`, `generator`.
   */
  constructor(
    readonly inFeatures: number,
    readonly outFeatures: number,
    options: LinearOptions = {},
  ) {
    super();
    checkSize('Linear', 'inFeatures', inFeatures);
    checkSize('Linear', 'outFeatures', outFeatures);
    const dtype = options.dtype ?? 'float32';
    this.weight = new Parameter(zeros([outFeatures, inFeatures], { dtype }));
    this.bias = options.bias === false ? null : new Parameter(zeros([outFeatures], { dtype }));
    resetLinearParameters(this.weight, this.bias, inFeatures, options.generator);
  }

  forward(x: Tensor): Tensor {
    const n = this.inFeatures;
    checkInput(this.describe(), x, null, -1, n, `input with last dim ${n}`);
    // One fused op: its weight gradient comes out in the weight's [out, in] layout.
    return linear(x, this.weight, this.bias);
  }

  override describe(): string {
    return `Linear(${this.inFeatures}, ${this.outFeatures}${this.bias ? '' : ', bias=false'})`;
  }
}
