import { type Generator, ShapeError, type Tensor, ValueError } from '@backprop/core';
import { dropout, dropout2d } from './functional/dropout.js';
import { Module } from './module.js';
import { fmtShape } from './shape-check.js';

/** Options of `Dropout`. */
export interface DropoutOptions {
  /** Generator for the masks (default: the global one `manualSeed` seeds). */
  generator?: Generator;
}

/**
 * In training, zeroes each element with probability `p` and scales the rest by 1 / (1 − p), so the
 * expected output equals the input; in eval mode, the identity. Masks come from the seeded generator.
 *
 * @example
 * ```ts
 * const drop = new Dropout(0.5);
 * drop.forward(ones([4])); // some zeros, the rest 2
 * drop.eval().forward(ones([4])); // [1, 1, 1, 1]
 * ```
 */
export class Dropout extends Module {
  readonly #generator: Generator | undefined;

  /**
   * @param p Probability of zeroing each element in training (default 0.5).
   * @param options Where the masks come from.
   */
  constructor(
    readonly p = 0.5,
    options: DropoutOptions = {},
  ) {
    super();
    if (!(p >= 0 && p <= 1)) throw new ValueError(`Dropout: p must be in [0, 1], got ${p}`);
    this.#generator = options.generator;
  }

  forward(x: Tensor): Tensor {
    return dropout(x, this.p, { training: this.training, generator: this.#generator });
  }

  override describe(): string {
    return `Dropout(p=${this.p})`;
  }
}

/**
 * Channel dropout (PyTorch's `nn.Dropout2d`) for `[N, C, H, W]` or `[C, H, W]` input: in training,
 * zeroes each whole channel with probability `p` and scales the others by 1 / (1 − p), which suits
 * convolutional features whose neighbouring pixels are correlated; in eval mode, the identity.
 * Masks come from the seeded generator.
 *
 * @example
 * ```ts
 * const drop = new Dropout2d(0.5);
 * drop.forward(ones([1, 4, 2, 2])); // each channel all 0 or all 2
 * drop.eval().forward(ones([1, 4, 2, 2])); // all ones
 * ```
 */
export class Dropout2d extends Module {
  readonly #generator: Generator | undefined;

  /**
   * @param p Probability of zeroing each channel in training (default 0.5).
   * @param options Where the masks come from.
   */
  constructor(
    readonly p = 0.5,
    options: DropoutOptions = {},
  ) {
    super();
    if (!(p >= 0 && p <= 1)) throw new ValueError(`Dropout2d: p must be in [0, 1], got ${p}`);
    this.#generator = options.generator;
  }

  forward(x: Tensor): Tensor {
    if (x.ndim !== 3 && x.ndim !== 4) {
      throw new ShapeError(
        `${this.describe()}: expected input [N, C, H, W] or [C, H, W], got shape ${fmtShape(x.shape)}`,
      );
    }
    return dropout2d(x, this.p, { training: this.training, generator: this.#generator });
  }

  override describe(): string {
    return `Dropout2d(p=${this.p})`;
  }
}
