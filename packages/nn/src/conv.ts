import {
  avgPool2d,
  conv2d,
  maxPool2d,
  type Pair,
  ShapeError,
  type Tensor,
  ValueError,
  zeros,
} from '@backprop/core';
import { checkSize, type LayerOptions, resetLinearParameters } from './linear.js';
import { Module } from './module.js';
import { Parameter } from './parameter.js';
import { checkInput, fmtShape } from './shape-check.js';

/** Options of `Conv2d` (PyTorch's keyword arguments and defaults). */
export interface Conv2dLayerOptions extends LayerOptions {
  /** Step of the window, one number or `[sh, sw]` (default 1). */
  stride?: Pair;
  /** Zeros added on each side, one number or `[ph, pw]` (default 0). */
  padding?: Pair;
  /** Spacing between kernel taps, one number or `[dh, dw]` (default 1). */
  dilation?: Pair;
  /** Split channels into this many independent groups (default 1). */
  groups?: number;
  /** Learn a per-channel bias (default true). */
  bias?: boolean;
}

/** Options of `MaxPool2d` and `AvgPool2d`. */
export interface PoolLayerOptions {
  /** Defaults to the kernel size. */
  stride?: Pair;
  /** Padding on each side, one number or `[ph, pw]` (default 0, at most half the kernel). */
  padding?: Pair;
}

const pair = (v: Pair): [number, number] => (typeof v === 'number' ? [v, v] : [v[0], v[1]]);

/**
 * 2-D convolution over NCHW input (or unbatched CHW): weight `[outC, inC / groups, kh, kw]` and
 * bias `[outC]`, with PyTorch's default initialization and output-size rules.
 *
 * @example
 * ```ts
 * const conv = new Conv2d(1, 8, 3, { padding: 1 });
 * conv.forward(randn([2, 1, 28, 28])).shape; // [2, 8, 28, 28]
 * ```
 */
export class Conv2d extends Module {
  /** Kernels, `[outChannels, inChannels / groups, kh, kw]` as PyTorch. */
  readonly weight: Parameter;
  /** One bias per output channel, or null with `bias: false`. */
  readonly bias: Parameter | null;
  /** Kernel height and width. */
  readonly kernelSize: [number, number];
  /** Window step along height and width. */
  readonly stride: [number, number];
  /** Zeros added on each side along height and width. */
  readonly padding: [number, number];
  /** Spacing between kernel taps along height and width. */
  readonly dilation: [number, number];
  /** Number of independent channel groups. */
  readonly groups: number;

  /**
   * @param inChannels Channels C of the `[N, C, H, W]` input.
   * @param outChannels Channels of the output, one kernel each.
   * @param kernelSize Kernel size, one number or `[kh, kw]`.
   * @param options PyTorch's keyword arguments and defaults.
   */
  constructor(
    readonly inChannels: number,
    readonly outChannels: number,
    kernelSize: Pair,
    options: Conv2dLayerOptions = {},
  ) {
    super();
    checkSize('Conv2d', 'inChannels', inChannels);
    checkSize('Conv2d', 'outChannels', outChannels);
    this.kernelSize = pair(kernelSize);
    this.stride = pair(options.stride ?? 1);
    this.padding = pair(options.padding ?? 0);
    this.dilation = pair(options.dilation ?? 1);
    this.groups = options.groups ?? 1;
    checkSize('Conv2d', 'groups', this.groups);
    if (inChannels % this.groups !== 0 || outChannels % this.groups !== 0) {
      throw new ValueError(
        `Conv2d: inChannels (${inChannels}) and outChannels (${outChannels}) must be divisible by groups (${this.groups})`,
      );
    }
    for (const k of this.kernelSize) checkSize('Conv2d', 'kernelSize', k);
    const dtype = options.dtype ?? 'float32';
    const [kh, kw] = this.kernelSize;
    this.weight = new Parameter(zeros([outChannels, inChannels / this.groups, kh, kw], { dtype }));
    this.bias = options.bias === false ? null : new Parameter(zeros([outChannels], { dtype }));
    resetLinearParameters(this.weight, this.bias, (inChannels / this.groups) * kh * kw, options.generator);
  }

  forward(x: Tensor): Tensor {
    const c = this.inChannels;
    const dim = x.ndim === 3 ? 0 : 1;
    checkInput(this.describe(), x, [3, 4], dim, c, `input [N, ${c}, H, W] or [${c}, H, W]`);
    const { stride, padding, dilation, groups } = this;
    return conv2d(x, this.weight, this.bias, { stride, padding, dilation, groups });
  }

  override describe(): string {
    const extra = [`kernelSize=${fmtShape(this.kernelSize)}`];
    if (this.stride.some((s) => s !== 1)) extra.push(`stride=${fmtShape(this.stride)}`);
    if (this.padding.some((p) => p !== 0)) extra.push(`padding=${fmtShape(this.padding)}`);
    if (this.dilation.some((d) => d !== 1)) extra.push(`dilation=${fmtShape(this.dilation)}`);
    if (this.groups !== 1) extra.push(`groups=${this.groups}`);
    if (!this.bias) extra.push('bias=false');
    return `Conv2d(${this.inChannels}, ${this.outChannels}, ${extra.join(', ')})`;
  }
}

// The two pooling layers differ only in the op they call.
abstract class Pool2d extends Module {
  /**
   * @param kernelSize Window size, one number or `[kh, kw]`.
   * @param options Stride (default the kernel size) and padding.
   */
  constructor(
    readonly kernelSize: Pair,
    readonly options: PoolLayerOptions = {},
  ) {
    super();
  }

  /** The layer's name in messages (not the constructor's, which minifiers rename). */
  protected abstract readonly kind: string;

  /** The pooling op this layer applies. */
  protected abstract pool(x: Tensor, kernelSize: Pair, options: PoolLayerOptions): Tensor;

  forward(x: Tensor): Tensor {
    if (x.ndim !== 3 && x.ndim !== 4) {
      throw new ShapeError(
        `${this.describe()}: expected input [N, C, H, W] or [C, H, W], got shape ${fmtShape(x.shape)}`,
      );
    }
    return this.pool(x, this.kernelSize, this.options);
  }

  override describe(): string {
    return `${this.kind}(${JSON.stringify(this.kernelSize)})`;
  }
}

/**
 * 2-D max pooling over NCHW input; `stride` defaults to the kernel size.
 *
 * @example
 * ```ts
 * new MaxPool2d(2).forward(randn([1, 3, 8, 8])).shape; // [1, 3, 4, 4]
 * ```
 */
export class MaxPool2d extends Pool2d {
  protected readonly kind = 'MaxPool2d';

  protected pool(x: Tensor, kernelSize: Pair, options: PoolLayerOptions): Tensor {
    return maxPool2d(x, kernelSize, options);
  }
}

/**
 * 2-D average pooling over NCHW input; `stride` defaults to the kernel size and zero padding counts
 * in the average (PyTorch's default).
 *
 * @example
 * ```ts
 * new AvgPool2d(2).forward(ones([1, 1, 4, 4])).shape; // [1, 1, 2, 2]
 * ```
 */
export class AvgPool2d extends Pool2d {
  protected readonly kind = 'AvgPool2d';

  protected pool(x: Tensor, kernelSize: Pair, options: PoolLayerOptions): Tensor {
    return avgPool2d(x, kernelSize, options);
  }
}
