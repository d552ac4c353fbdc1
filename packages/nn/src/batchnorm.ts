import { type DType, noGrad, ones, type Tensor, ValueError, zeros } from '@backprop/core';
import { checkSize } from './linear.js';
import { Module } from './module.js';
import { Parameter } from './parameter.js';
import { checkInput, fmtShape } from './shape-check.js';

/** Options of `BatchNorm1d` and `BatchNorm2d` (PyTorch's keyword arguments and defaults). */
export interface BatchNormOptions {
  /** Added to the variance before the square root (default 1e-5). */
  eps?: number;
  /** Weight of the new batch in the running averages (default 0.1); null for a cumulative average. */
  momentum?: number | null;
  /** Learn a per-channel scale (`weight`, ones) and shift (`bias`, zeros) (default true). */
  affine?: boolean;
  /** Keep running mean and variance for eval mode (default true); without, eval uses batch statistics. */
  trackRunningStats?: boolean;
  /** dtype of the parameters and running statistics (default float32). */
  dtype?: DType;
}

/**
 * Shared body of BatchNorm1d/2d: normalizes each channel (dim 1) by the batch mean and biased
 * variance in training, and by the running statistics in eval mode, as PyTorch. The running variance
 * is updated with the unbiased batch variance. Buffers are named as PyTorch's (`running_mean`,
 * `running_var`, `num_batches_tracked`) so state dicts interoperate.
 *
 * @example
 * ```ts
 * const bn: BatchNormBase = new BatchNorm2d(8, { momentum: 0.01 });
 * bn.runningVar?.shape; // [8]
 * ```
 */
export abstract class BatchNormBase extends Module {
  /** Per-channel scale γ (ones at first), or null without `affine`. */
  readonly weight: Parameter | null;
  /** Per-channel shift β (zeros at first), or null without `affine`. */
  readonly bias: Parameter | null;
  /** Added to the variance before the square root. */
  readonly eps: number;
  /** Weight of each new batch in the running averages; null for a cumulative average. */
  readonly momentum: number | null;
  /** Whether `weight` and `bias` are learned. */
  readonly affine: boolean;
  /** Whether running mean and variance are kept for eval mode. */
  readonly trackRunningStats: boolean;

  /**
   * @param numFeatures Channels C of the `[N, C]`, `[N, C, L]` or `[N, C, H, W]` input.
   * @param options PyTorch's keyword arguments and defaults.
   */
  constructor(
    readonly numFeatures: number,
    options: BatchNormOptions = {},
  ) {
    super();
    checkSize(this.constructor.name, 'numFeatures', numFeatures);
    this.eps = options.eps ?? 1e-5;
    this.momentum = options.momentum === undefined ? 0.1 : options.momentum;
    this.affine = options.affine ?? true;
    this.trackRunningStats = options.trackRunningStats ?? true;
    const dtype = options.dtype ?? 'float32';
    this.weight = this.affine ? new Parameter(ones([numFeatures], { dtype })) : null;
    this.bias = this.affine ? new Parameter(zeros([numFeatures], { dtype })) : null;
    const track = this.trackRunningStats;
    this.registerBuffer('running_mean', track ? zeros([numFeatures], { dtype }) : null);
    this.registerBuffer('running_var', track ? ones([numFeatures], { dtype }) : null);
    this.registerBuffer('num_batches_tracked', track ? zeros([], { dtype: 'int32' }) : null);
  }

  /** Running mean per channel (state dict name `running_mean`), or null without tracking. */
  get runningMean(): Tensor | null {
    return this.buffer('running_mean');
  }

  /** Running (unbiased) variance per channel (`running_var`), or null without tracking. */
  get runningVar(): Tensor | null {
    return this.buffer('running_var');
  }

  /** How many training batches updated the running statistics (`num_batches_tracked`, int32). */
  get numBatchesTracked(): Tensor | null {
    return this.buffer('num_batches_tracked');
  }

  /** Throws unless `x` has a layout this layer takes. */
  protected abstract checkShape(x: Tensor): void;

  forward(x: Tensor): Tensor {
    this.checkShape(x);
    const c = this.numFeatures;
    const dims = x.shape.map((_, i) => i).filter((i) => i !== 1);
    const shape = x.shape.map((_, i) => (i === 1 ? c : 1));
    const runningMean = this.runningMean;
    const runningVar = this.runningVar;
    let mean: Tensor;
    let variance: Tensor;
    if (this.training || !runningMean || !runningVar) {
      const n = x.size / c;
      if (this.training && n <= 1) {
        throw new ValueError(
          `${this.describe()}: expected more than 1 value per channel when training, got input shape ${fmtShape(x.shape)}`,
        );
      }
      mean = x.mean(dims, true);
      variance = x.var(dims, true, { correction: 0 });
      if (this.training) this.updateRunningStats(mean, variance, n);
    } else {
      mean = runningMean.reshape(shape);
      variance = runningVar.reshape(shape);
    }
    const y = x.sub(mean).div(variance.add(this.eps).sqrt());
    if (!this.weight || !this.bias) return y;
    return y.mul(this.weight.reshape(shape)).add(this.bias.reshape(shape));
  }

  // running = (1 - m) running + m batch, with the unbiased variance n / (n - 1) · var (as PyTorch).
  private updateRunningStats(mean: Tensor, variance: Tensor, n: number): void {
    const runningMean = this.runningMean;
    const runningVar = this.runningVar;
    const count = this.numBatchesTracked;
    if (!runningMean || !runningVar || !count) return;
    noGrad(() => {
      count.add_(1);
      // Without momentum the average is cumulative: m = 1 / count, a tensor on the count's device
      // (reading a GPU count back would stall every training step).
      const m: Tensor | number =
        this.momentum ?? (count.device === 'cpu' ? 1 / count.item() : count.to('float32').reciprocal());
      const c = this.numFeatures;
      const keep = typeof m === 'number' ? 1 - m : m.neg().add(1);
      const unbiased = typeof m === 'number' ? (m * n) / (n - 1) : m.mul(n / (n - 1));
      runningMean.copy_(runningMean.mul(keep).add(mean.reshape([c]).mul(m)));
      runningVar.copy_(runningVar.mul(keep).add(variance.reshape([c]).mul(unbiased)));
    });
  }

  override describe(): string {
    return `${this.constructor.name}(${this.numFeatures})`;
  }
}

/**
 * Batch normalization over `[N, C]` or `[N, C, L]` input, per channel C.
 *
 * @example
 * ```ts
 * const bn = new BatchNorm1d(4);
 * bn.forward(randn([8, 4])).shape; // [8, 4] (normalized per column)
 * bn.eval(); // now uses bn.runningMean and bn.runningVar
 * ```
 */
export class BatchNorm1d extends BatchNormBase {
  protected checkShape(x: Tensor): void {
    const c = this.numFeatures;
    checkInput(this.describe(), x, [2, 3], 1, c, `input [N, ${c}] or [N, ${c}, L]`);
  }
}

/**
 * Batch normalization over `[N, C, H, W]` input, per channel C.
 *
 * @example
 * ```ts
 * const bn = new BatchNorm2d(8);
 * bn.forward(randn([4, 8, 5, 5])).shape; // [4, 8, 5, 5]
 * ```
 */
export class BatchNorm2d extends BatchNormBase {
  protected checkShape(x: Tensor): void {
    const c = this.numFeatures;
    checkInput(this.describe(), x, [4], 1, c, `input [N, ${c}, H, W]`);
  }
}
