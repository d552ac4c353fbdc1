import {
  type GeluOptions,
  gelu,
  hardtanh,
  mish,
  silu,
  softplus,
  type Tensor,
  ValueError,
  where,
} from '@backprop/core';
import { Module } from './module.js';

/**
 * Rectified linear unit `max(0, x)`.
 *
 * @example
 * ```ts
 * new ReLU().forward(tensor([-1, 2])).toArray(); // [0, 2]
 * ```
 */
export class ReLU extends Module {
  forward(x: Tensor): Tensor {
    return x.relu();
  }
}

/**
 * Logistic sigmoid `1 / (1 + e^−x)`.
 *
 * @example
 * ```ts
 * new Sigmoid().forward(tensor([0])).toArray(); // [0.5]
 * ```
 */
export class Sigmoid extends Module {
  forward(x: Tensor): Tensor {
    return x.sigmoid();
  }
}

/**
 * Hyperbolic tangent.
 *
 * @example
 * ```ts
 * new Tanh().forward(tensor([0])).toArray(); // [0]
 * ```
 */
export class Tanh extends Module {
  forward(x: Tensor): Tensor {
    return x.tanh();
  }
}

/**
 * Leaky ReLU `max(slope · x, x)`; PyTorch's default slope is 0.01, the lecture uses 0.1.
 *
 * @example
 * ```ts
 * new LeakyReLU(0.1).forward(tensor([-10, 2])).toArray(); // [-1, 2]
 * ```
 */
export class LeakyReLU extends Module {
  /** @param negativeSlope Slope for negative inputs (PyTorch's default 0.01; the lecture's leaky ReLU uses 0.1). */
  constructor(public negativeSlope = 0.01) {
    super();
  }

  forward(x: Tensor): Tensor {
    return x.leakyRelu(this.negativeSlope);
  }

  override describe(): string {
    return `LeakyReLU(negativeSlope=${this.negativeSlope})`;
  }
}

/**
 * Exponential linear unit: `x` for x > 0, else `alpha · (e^x − 1)`.
 *
 * @example
 * ```ts
 * new ELU(1).forward(tensor([0, 1])).toArray(); // [0, 1]
 * ```
 */
export class ELU extends Module {
  /** @param alpha Scale of the negative branch `alpha (e^x - 1)` (default 1). */
  constructor(public alpha = 1) {
    super();
  }

  forward(x: Tensor): Tensor {
    return x.elu(this.alpha);
  }

  override describe(): string {
    return `ELU(alpha=${this.alpha})`;
  }
}

/**
 * Softmax along `dim` (default the last), stable for large inputs.
 *
 * @example
 * ```ts
 * new Softmax(1).forward(tensor([[0, 0]])).toArray(); // [[0.5, 0.5]]
 * ```
 */
export class Softmax extends Module {
  /** @param dim The dim the probabilities sum to 1 over (default -1, the last). */
  constructor(readonly dim = -1) {
    super();
  }

  forward(x: Tensor): Tensor {
    return x.softmax(this.dim);
  }

  override describe(): string {
    return `Softmax(dim=${this.dim})`;
  }
}

/**
 * Log-softmax along `dim` (default the last); pair it with `nllLoss`.
 *
 * @example
 * ```ts
 * new LogSoftmax(1).forward(tensor([[0, 0]])).toArray(); // [[-0.6931, -0.6931]]
 * ```
 */
export class LogSoftmax extends Module {
  /** @param dim The dim normalized over (default -1, the last). */
  constructor(readonly dim = -1) {
    super();
  }

  forward(x: Tensor): Tensor {
    return x.logSoftmax(this.dim);
  }

  override describe(): string {
    return `LogSoftmax(dim=${this.dim})`;
  }
}

/**
 * The lecture's hard threshold: 1 where x > 0, else 0. Its gradient is zero, so a network of
 * Steps cannot learn by gradient descent (which is why sigmoid replaced it).
 *
 * @example
 * ```ts
 * new Step().forward(tensor([-1, 0, 2])).toArray(); // [0, 0, 1]
 * ```
 */
export class Step extends Module {
  forward(x: Tensor): Tensor {
    return x.step();
  }
}

/**
 * Returns its input unchanged (a placeholder, e.g. a linear output layer's activation).
 *
 * @example
 * ```ts
 * new Identity().forward(x) === x; // true
 * ```
 */
export class Identity extends Module {
  forward(x: Tensor): Tensor {
    return x;
  }
}

/**
 * Gaussian error linear unit `x·Φ(x)`; `{ approximate: 'tanh' }` for the tanh approximation.
 *
 * @example
 * ```ts
 * new GELU().forward(tensor([1])).toArray(); // [0.8413]
 * ```
 */
export class GELU extends Module {
  /** `'none'` (exact, default) or `'tanh'`. */
  readonly approximate: 'none' | 'tanh';

  /** @param options `approximate`: `'none'` (default) or `'tanh'`. */
  constructor(options: GeluOptions = {}) {
    super();
    this.approximate = options.approximate ?? 'none';
    if (this.approximate !== 'none' && this.approximate !== 'tanh') {
      throw new ValueError(
        `GELU: approximate must be 'none' or 'tanh', got ${JSON.stringify(this.approximate)}`,
      );
    }
  }

  forward(x: Tensor): Tensor {
    return gelu(x, { approximate: this.approximate });
  }

  override describe(): string {
    return this.approximate === 'none' ? 'GELU()' : `GELU(approximate='${this.approximate}')`;
  }
}

/**
 * Sigmoid linear unit (swish) `x·σ(x)`.
 *
 * @example
 * ```ts
 * new SiLU().forward(tensor([1])).toArray(); // [0.7311]
 * ```
 */
export class SiLU extends Module {
  forward(x: Tensor): Tensor {
    return silu(x);
  }
}

/**
 * Mish `x·tanh(softplus(x))`.
 *
 * @example
 * ```ts
 * new Mish().forward(tensor([1])).toArray(); // [0.8651]
 * ```
 */
export class Mish extends Module {
  forward(x: Tensor): Tensor {
    return mish(x);
  }
}

/**
 * Softplus `log(1 + e^(βx)) / β`, linear where `βx > threshold` (PyTorch's defaults β = 1,
 * threshold = 20).
 *
 * @example
 * ```ts
 * new Softplus().forward(tensor([0])).toArray(); // [0.6931]
 * new Softplus(2).forward(tensor([0])).toArray(); // [0.3466]
 * ```
 */
export class Softplus extends Module {
  /**
   * @param beta Sharpness (default 1).
   * @param threshold Above `βx > threshold` the output is `x` (default 20).
   */
  constructor(
    readonly beta = 1,
    readonly threshold = 20,
  ) {
    super();
    if (!(beta > 0) || !Number.isFinite(beta))
      throw new ValueError(`Softplus: beta must be positive, got ${beta}`);
  }

  forward(x: Tensor): Tensor {
    if (this.beta === 1 && this.threshold === 20) return softplus(x);
    const bx = x.mul(this.beta);
    return where(bx.gt(this.threshold), x, softplus(bx).div(this.beta));
  }

  override describe(): string {
    return `Softplus(beta=${this.beta}, threshold=${this.threshold})`;
  }
}

/**
 * `x` clipped to `[minVal, maxVal]` (default `[−1, 1]`), with no gradient at the bounds.
 *
 * @example
 * ```ts
 * new Hardtanh().forward(tensor([-2, 0.5, 3])).toArray(); // [-1, 0.5, 1]
 * ```
 */
export class Hardtanh extends Module {
  /**
   * @param minVal Lower bound (default −1).
   * @param maxVal Upper bound (default 1).
   */
  constructor(
    readonly minVal = -1,
    readonly maxVal = 1,
  ) {
    super();
    if (!(minVal <= maxVal))
      throw new ValueError(`Hardtanh: minVal ${minVal} must not exceed maxVal ${maxVal}`);
  }

  forward(x: Tensor): Tensor {
    return hardtanh(x, this.minVal, this.maxVal);
  }

  override describe(): string {
    return `Hardtanh(minVal=${this.minVal}, maxVal=${this.maxVal})`;
  }
}
