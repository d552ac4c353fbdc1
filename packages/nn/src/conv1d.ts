import { type Tensor, ValueError, zeros } from '@backprop/core';
import { conv1d } from './functional/conv.js';
import { checkSize, type LayerOptions, resetLinearParameters } from './linear.js';
import { Module } from './module.js';
import { Parameter } from './parameter.js';
import { checkInput } from './shape-check.js';

/** Options of `Conv1d` (PyTorch's keyword arguments and defaults). */
export interface Conv1dLayerOptions extends LayerOptions {
  /** Step of the window (default 1). */
  stride?: number;
  /** Zeros added on each side (default 0). */
  padding?: number;
  /** Spacing between kernel taps (default 1). */
  dilation?: number;
  /** Split channels into this many independent groups (default 1). */
  groups?: number;
  /** Learn a per-channel bias (default true). */
  bias?: boolean;
}

/**
 * 1-D convolution over `[N, C, L]` input (or unbatched `[C, L]`), PyTorch's `nn.Conv1d`: weight
 * `[outC, inC / groups, kernelSize]` and bias `[outC]`, with PyTorch's default initialization.
 *
 * @example
 * ```ts
 * const conv = new Conv1d(4, 8, 3, { padding: 1 });
 * conv.forward(randn([2, 4, 20])).shape; // [2, 8, 20]
 * ```
 */
export class Conv1d extends Module {
  /** Kernels, `[outChannels, inChannels / groups, kernelSize]` as PyTorch. */
  readonly weight: Parameter;
  /** One bias per output channel, or null with `bias: false`. */
  readonly bias: Parameter | null;
  /** Window step. */
  readonly stride: number;
  /** Zeros added on each side. */
  readonly padding: number;
  /** Spacing between kernel taps. */
  readonly dilation: number;
  /** Number of independent channel groups. */
  readonly groups: number;

  /**
   * @param inChannels Channels C of the `[N, C, L]` input.
   * @param outChannels Channels of the output, one kernel each.
   * @param kernelSize Kernel length.
   * @param options PyTorch's keyword arguments and defaults.
   */
  constructor(
    readonly inChannels: number,
    readonly outChannels: number,
    readonly kernelSize: number,
    options: Conv1dLayerOptions = {},
  ) {
    super();
    checkSize('Conv1d', 'inChannels', inChannels);
    checkSize('Conv1d', 'outChannels', outChannels);
    checkSize('Conv1d', 'kernelSize', kernelSize);
    this.stride = options.stride ?? 1;
    this.padding = options.padding ?? 0;
    this.dilation = options.dilation ?? 1;
    this.groups = options.groups ?? 1;
    checkSize('Conv1d', 'stride', this.stride);
    checkSize('Conv1d', 'dilation', this.dilation);
    checkSize('Conv1d', 'groups', this.groups);
    if (!Number.isInteger(this.padding) || this.padding < 0) {
      throw new ValueError(`Conv1d: padding must be a non-negative integer, got ${this.padding}`);
    }
    if (inChannels % this.groups !== 0 || outChannels % this.groups !== 0) {
      throw new ValueError(
        `Conv1d: inChannels (${inChannels}) and outChannels (${outChannels}) must be divisible by groups (${this.groups})`,
      );
    }
    const dtype = options.dtype ?? 'float32';
    this.weight = new Parameter(zeros([outChannels, inChannels / this.groups, kernelSize], { dtype }));
    this.bias = options.bias === false ? null : new Parameter(zeros([outChannels], { dtype }));
    resetLinearParameters(this.weight, this.bias, (inChannels / this.groups) * kernelSize, options.generator);
  }

  forward(x: Tensor): Tensor {
    const c = this.inChannels;
    checkInput(this.describe(), x, [2, 3], x.ndim === 3 ? 1 : 0, c, `input [N, ${c}, L] or [${c}, L]`);
    const { stride, padding, dilation, groups } = this;
    return conv1d(x, this.weight, this.bias, { stride, padding, dilation, groups });
  }

  override describe(): string {
    const extra = [`kernelSize=${this.kernelSize}`];
    if (this.stride !== 1) extra.push(`stride=${this.stride}`);
    if (this.padding !== 0) extra.push(`padding=${this.padding}`);
    if (this.dilation !== 1) extra.push(`dilation=${this.dilation}`);
    if (this.groups !== 1) extra.push(`groups=${this.groups}`);
    if (!this.bias) extra.push('bias=false');
    return `Conv1d(${this.inChannels}, ${this.outChannels}, ${extra.join(', ')})`;
  }
}
