import { type Pair, type Tensor, ValueError, zeros } from '@backprop/core';
import { convTranspose2d, toPair } from './functional/conv.js';
import { checkSize, type LayerOptions, resetLinearParameters } from './linear.js';
import { Module } from './module.js';
import { Parameter } from './parameter.js';
import { checkInput, fmtShape } from './shape-check.js';

/** Options of `ConvTranspose2d` (PyTorch's keyword arguments and defaults). */
export interface ConvTranspose2dLayerOptions extends LayerOptions {
  /** Step of the window of the convolution this one transposes, one number or `[sh, sw]` (default 1). */
  stride?: Pair;
  /** Rows and columns cropped from each side of the output, one number or `[ph, pw]` (default 0). */
  padding?: Pair;
  /** Rows and columns added at the bottom and right of the output, less than stride or dilation (default 0). */
  outputPadding?: Pair;
  /** Split channels into this many independent groups (default 1). */
  groups?: number;
  /** Learn a per-channel bias (default true). */
  bias?: boolean;
  /** Spacing between kernel taps, one number or `[dh, dw]` (default 1). */
  dilation?: Pair;
}

/**
 * 2-D transposed convolution over NCHW input (PyTorch's `nn.ConvTranspose2d`), the upsampling
 * adjoint of `Conv2d`: the output is (in − 1)·stride − 2·padding + dilation·(k − 1) + outputPadding + 1
 * per spatial dim. Weight `[inC, outC / groups, kh, kw]` and bias `[outC]` as PyTorch, initialized
 * as PyTorch does (kaimingUniform_ with a = √5 on the fan of weight dim 1).
 *
 * @example
 * ```ts
 * const up = new ConvTranspose2d(16, 8, 4, { stride: 2, padding: 1 });
 * up.forward(randn([1, 16, 7, 7])).shape; // [1, 8, 14, 14]
 * ```
 */
export class ConvTranspose2d extends Module {
  /** Kernels, `[inChannels, outChannels / groups, kh, kw]` as PyTorch. */
  readonly weight: Parameter;
  /** One bias per output channel, or null with `bias: false`. */
  readonly bias: Parameter | null;
  /** Kernel height and width. */
  readonly kernelSize: [number, number];
  /** Window step along height and width. */
  readonly stride: [number, number];
  /** Rows and columns cropped from each side of the output. */
  readonly padding: [number, number];
  /** Rows and columns added at the bottom and right of the output. */
  readonly outputPadding: [number, number];
  /** Spacing between kernel taps along height and width. */
  readonly dilation: [number, number];
  /** Number of independent channel groups. */
  readonly groups: number;

  /**
   * @param inChannels Channels C of the `[N, C, H, W]` input.
   * @param outChannels Channels of the output.
   * @param kernelSize Kernel size, one number or `[kh, kw]`.
   * @param options PyTorch's keyword arguments and defaults.
   */
  constructor(
    readonly inChannels: number,
    readonly outChannels: number,
    kernelSize: Pair,
    options: ConvTranspose2dLayerOptions = {},
  ) {
    super();
    const name = 'ConvTranspose2d';
    checkSize(name, 'inChannels', inChannels);
    checkSize(name, 'outChannels', outChannels);
    this.kernelSize = toPair(name, 'kernelSize', kernelSize, 1);
    this.stride = toPair(name, 'stride', options.stride ?? 1, 1);
    this.padding = toPair(name, 'padding', options.padding ?? 0, 0);
    this.outputPadding = toPair(name, 'outputPadding', options.outputPadding ?? 0, 0);
    this.dilation = toPair(name, 'dilation', options.dilation ?? 1, 1);
    this.groups = options.groups ?? 1;
    checkSize(name, 'groups', this.groups);
    if (inChannels % this.groups !== 0 || outChannels % this.groups !== 0) {
      throw new ValueError(
        `${name}: inChannels (${inChannels}) and outChannels (${outChannels}) must be divisible by groups (${this.groups})`,
      );
    }
    if (this.outputPadding.some((p, i) => p >= this.stride[i]! && p >= this.dilation[i]!)) {
      throw new ValueError(
        `${name}: outputPadding ${fmtShape(this.outputPadding)} must be smaller than either stride ${fmtShape(this.stride)} or dilation ${fmtShape(this.dilation)}`,
      );
    }
    const dtype = options.dtype ?? 'float32';
    const [kh, kw] = this.kernelSize;
    const outPerGroup = outChannels / this.groups;
    this.weight = new Parameter(zeros([inChannels, outPerGroup, kh, kw], { dtype }));
    this.bias = options.bias === false ? null : new Parameter(zeros([outChannels], { dtype }));
    // PyTorch's fan_in of this weight is its dim 1 times the kernel: outC / groups · kh · kw.
    resetLinearParameters(this.weight, this.bias, outPerGroup * kh * kw, options.generator);
  }

  forward(x: Tensor): Tensor {
    const c = this.inChannels;
    const dim = x.ndim === 3 ? 0 : 1;
    checkInput(this.describe(), x, [3, 4], dim, c, `input [N, ${c}, H, W] or [${c}, H, W]`);
    const { stride, padding, outputPadding, groups, dilation } = this;
    return convTranspose2d(x, this.weight, this.bias, { stride, padding, outputPadding, groups, dilation });
  }

  override describe(): string {
    const extra = [`kernelSize=${fmtShape(this.kernelSize)}`];
    if (this.stride.some((s) => s !== 1)) extra.push(`stride=${fmtShape(this.stride)}`);
    if (this.padding.some((p) => p !== 0)) extra.push(`padding=${fmtShape(this.padding)}`);
    if (this.outputPadding.some((p) => p !== 0)) extra.push(`outputPadding=${fmtShape(this.outputPadding)}`);
    if (this.dilation.some((d) => d !== 1)) extra.push(`dilation=${fmtShape(this.dilation)}`);
    if (this.groups !== 1) extra.push(`groups=${this.groups}`);
    if (!this.bias) extra.push('bias=false');
    return `ConvTranspose2d(${this.inChannels}, ${this.outChannels}, ${extra.join(', ')})`;
  }
}
