import { type Tensor, zeros } from '@backprop/core';
import { checkSize, type LinearOptions, resetLinearParameters } from './linear.js';
import { Module } from './module.js';
import { Parameter } from './parameter.js';
import { checkInput } from './shape-check.js';

/**
 * The lecture's maxout unit: each of `outFeatures` outputs is the max over `pieces` affine maps of
 * the input, `max(w₁ᵀx + b₁, w₂ᵀx + b₂, …)`. Weight `[outFeatures · pieces, inFeatures]`: row
 * `o · pieces + k` is piece k of output o. Initialized as a Linear of the same size.
 *
 * @example
 * ```ts
 * const unit = new Maxout(2, 1, 2); // max(w1·x + b1, w2·x + b2)
 * unit.forward(randn([5, 2])).shape; // [5, 1]
 * ```
 */
export class Maxout extends Module {
  /** `[outFeatures * pieces, inFeatures]`: the pieces' weights, stacked. */
  readonly weight: Parameter;
  /** `[outFeatures * pieces]`, or null with `bias: false`. */
  readonly bias: Parameter | null;

  /**
   * @param inFeatures Size of the input's last dim.
   * @param outFeatures Size of the output's last dim.
   * @param pieces Affine maps each output is the max of.
   * @param options `bias` (default true), `dtype`, `generator`.
   */
  constructor(
    readonly inFeatures: number,
    readonly outFeatures: number,
    readonly pieces: number,
    options: LinearOptions = {},
  ) {
    super();
    checkSize('Maxout', 'inFeatures', inFeatures);
    checkSize('Maxout', 'outFeatures', outFeatures);
    checkSize('Maxout', 'pieces', pieces);
    const dtype = options.dtype ?? 'float32';
    this.weight = new Parameter(zeros([outFeatures * pieces, inFeatures], { dtype }));
    this.bias = options.bias === false ? null : new Parameter(zeros([outFeatures * pieces], { dtype }));
    resetLinearParameters(this.weight, this.bias, inFeatures, options.generator);
  }

  forward(x: Tensor): Tensor {
    const n = this.inFeatures;
    checkInput(this.describe(), x, null, -1, n, `input with last dim ${n}`);
    let z = x.matmul(this.weight.t());
    if (this.bias) z = z.add(this.bias);
    return z.reshape([...x.shape.slice(0, -1), this.outFeatures, this.pieces]).max(-1);
  }

  override describe(): string {
    return `Maxout(${this.inFeatures}, ${this.outFeatures}, pieces=${this.pieces})`;
  }
}
