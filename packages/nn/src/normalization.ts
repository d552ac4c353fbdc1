import { type DType, ones, ShapeError, type Tensor, ValueError, zeros } from '@backprop/core';
import {
  checkTrailing,
  groupNorm,
  layerNorm,
  type NormalizedShape,
  rmsNorm,
  toNormalizedShape,
} from './functional/normalization.js';
import { checkSize } from './linear.js';
import { Module } from './module.js';
import { Parameter } from './parameter.js';
import { fmtShape } from './shape-check.js';

/** Options of `LayerNorm` (PyTorch's keyword arguments and defaults). */
export interface LayerNormOptions {
  /** Added to the variance (default 1e-5). */
  eps?: number;
  /** Learn a per-element `weight` (ones) and `bias` (zeros) (default true). */
  elementwiseAffine?: boolean;
  /** With `elementwiseAffine`, learn the bias too (default true). */
  bias?: boolean;
  /** dtype of the parameters (default float32). */
  dtype?: DType;
}

/** Options of `GroupNorm`. */
export interface GroupNormOptions {
  /** Added to the variance (default 1e-5). */
  eps?: number;
  /** Learn a per-channel `weight` (ones) and `bias` (zeros) (default true). */
  affine?: boolean;
  /** dtype of the parameters (default float32). */
  dtype?: DType;
}

/** Options of `RMSNorm`. */
export interface RMSNormOptions {
  /** Added to the mean square (default: the machine epsilon of the input's dtype, as PyTorch). */
  eps?: number | null;
  /** Learn a per-element `weight` (ones) (default true). */
  elementwiseAffine?: boolean;
  /** dtype of the parameters (default float32). */
  dtype?: DType;
}

/**
 * Layer normalization over the trailing `normalizedShape` dims (PyTorch's `nn.LayerNorm`): each
 * sample is normalized to zero mean and unit (biased) variance, then scaled by `weight` and shifted
 * by `bias`, both of shape `normalizedShape`.
 *
 * @example
 * ```ts
 * const norm = new LayerNorm(16);
 * norm.forward(randn([4, 10, 16])).shape; // [4, 10, 16]
 * new LayerNorm([4, 4], { bias: false }).stateDict(); // { weight }
 * ```
 */
export class LayerNorm extends Module {
  /** The normalized trailing dims. */
  readonly normalizedShape: number[];
  /** Scale, shape `normalizedShape` (ones), or null without `elementwiseAffine`. */
  readonly weight: Parameter | null;
  /** Shift, shape `normalizedShape` (zeros), or null. */
  readonly bias: Parameter | null;
  /** Added to the variance. */
  readonly eps: number;

  /**
   * @param normalizedShape The trailing dims to normalize over, one size or a list.
   * @param options `eps`, `elementwiseAffine`, `bias`, `dtype`.
   */
  constructor(normalizedShape: NormalizedShape, options: LayerNormOptions = {}) {
    super();
    this.normalizedShape = toNormalizedShape('LayerNorm', normalizedShape);
    this.eps = options.eps ?? 1e-5;
    const dtype = options.dtype ?? 'float32';
    const affine = options.elementwiseAffine ?? true;
    this.weight = affine ? new Parameter(ones(this.normalizedShape, { dtype })) : null;
    this.bias =
      affine && options.bias !== false ? new Parameter(zeros(this.normalizedShape, { dtype })) : null;
  }

  forward(x: Tensor): Tensor {
    checkTrailing(this.describe(), x, this.normalizedShape);
    return layerNorm(x, this.normalizedShape, this.weight, this.bias, this.eps);
  }

  override describe(): string {
    const extra = this.weight ? (this.bias ? '' : ', bias=false') : ', elementwiseAffine=false';
    return `LayerNorm(${fmtShape(this.normalizedShape)}, eps=${this.eps}${extra})`;
  }
}

/**
 * Group normalization (PyTorch's `nn.GroupNorm`): the `numChannels` channels of `[N, C, *]` input
 * are split into `numGroups` groups, each normalized over its channels and positions; then a
 * per-channel `weight` and `bias`.
 *
 * @example
 * ```ts
 * const gn = new GroupNorm(2, 6);
 * gn.forward(randn([3, 6, 8, 8])).shape; // [3, 6, 8, 8]
 * ```
 */
export class GroupNorm extends Module {
  /** Per-channel scale `[numChannels]` (ones), or null without `affine`. */
  readonly weight: Parameter | null;
  /** Per-channel shift `[numChannels]` (zeros), or null. */
  readonly bias: Parameter | null;
  /** Added to the variance. */
  readonly eps: number;

  /**
   * @param numGroups Groups to split the channels into; must divide `numChannels`.
   * @param numChannels Channels C of the `[N, C, *]` input.
   * @param options `eps`, `affine`, `dtype`.
   */
  constructor(
    readonly numGroups: number,
    readonly numChannels: number,
    options: GroupNormOptions = {},
  ) {
    super();
    checkSize('GroupNorm', 'numGroups', numGroups);
    checkSize('GroupNorm', 'numChannels', numChannels);
    if (numChannels % numGroups !== 0) {
      throw new ValueError(
        `GroupNorm: numChannels (${numChannels}) must be divisible by numGroups (${numGroups})`,
      );
    }
    this.eps = options.eps ?? 1e-5;
    const dtype = options.dtype ?? 'float32';
    const affine = options.affine ?? true;
    this.weight = affine ? new Parameter(ones([numChannels], { dtype })) : null;
    this.bias = affine ? new Parameter(zeros([numChannels], { dtype })) : null;
  }

  forward(x: Tensor): Tensor {
    if (x.ndim < 2 || x.shape[1] !== this.numChannels) {
      throw new ShapeError(
        `${this.describe()}: expected input [N, ${this.numChannels}, *], got shape ${fmtShape(x.shape)}`,
      );
    }
    return groupNorm(x, this.numGroups, this.weight, this.bias, this.eps);
  }

  override describe(): string {
    return `GroupNorm(${this.numGroups}, ${this.numChannels}, eps=${this.eps}${this.weight ? '' : ', affine=false'})`;
  }
}

/**
 * Root-mean-square normalization over the trailing `normalizedShape` dims (PyTorch 2.4's
 * `nn.RMSNorm`): `x / √(mean(x²) + eps) · weight`, with no centering and no bias. Without `eps`,
 * the machine epsilon of the input's dtype is used.
 *
 * @example
 * ```ts
 * const norm = new RMSNorm([16]);
 * norm.forward(randn([2, 5, 16])).shape; // [2, 5, 16]
 * ```
 */
export class RMSNorm extends Module {
  /** The normalized trailing dims. */
  readonly normalizedShape: number[];
  /** Scale, shape `normalizedShape` (ones), or null without `elementwiseAffine`. */
  readonly weight: Parameter | null;
  /** Added to the mean square, or null for the machine epsilon of the input's dtype. */
  readonly eps: number | null;

  /**
   * @param normalizedShape The trailing dims to normalize over, one size or a list.
   * @param options `eps`, `elementwiseAffine`, `dtype`.
   */
  constructor(normalizedShape: NormalizedShape, options: RMSNormOptions = {}) {
    super();
    this.normalizedShape = toNormalizedShape('RMSNorm', normalizedShape);
    this.eps = options.eps ?? null;
    const affine = options.elementwiseAffine ?? true;
    this.weight = affine
      ? new Parameter(ones(this.normalizedShape, { dtype: options.dtype ?? 'float32' }))
      : null;
  }

  forward(x: Tensor): Tensor {
    checkTrailing(this.describe(), x, this.normalizedShape);
    return rmsNorm(x, this.normalizedShape, this.weight, this.eps);
  }

  override describe(): string {
    const extra = this.weight ? '' : ', elementwiseAffine=false';
    return `RMSNorm(${fmtShape(this.normalizedShape)}, eps=${this.eps ?? 'machine epsilon'}${extra})`;
  }
}
