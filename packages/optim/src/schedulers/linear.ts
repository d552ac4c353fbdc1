import { ValueError } from '@backprop/core';
import type { Optimizer } from '../optimizer.js';
import { checkInRange, checkPositiveInt } from './checks.js';
import { LRScheduler } from './lr-scheduler.js';

/**
 * Options of `LinearLR`.
 *
 * @example
 * ```ts
 * new LinearLR(opt, { startFactor: 1, endFactor: 0.1, totalIters: 20 }); // a linear decay
 * ```
 */
export interface LinearLROptions {
  /** Factor of the base learning rate at step 0, in (0, 1] (default 1/3). */
  startFactor?: number;
  /** Factor reached at step `totalIters` and kept after, in [0, 1] (default 1). */
  endFactor?: number;
  /** Steps over which the factor moves linearly (default 5). */
  totalIters?: number;
  /** The epoch to resume from (default -1: start). */
  lastEpoch?: number;
}

/**
 * Scales each group's base learning rate by a factor moving linearly from `startFactor` to
 * `endFactor` over `totalIters` steps: a warm-up when rising, a decay when falling.
 *
 * @example
 * ```ts
 * const warmup = new LinearLR(opt, { startFactor: 0.1, totalIters: 5 });
 * ```
 */
export class LinearLR extends LRScheduler {
  /** Factor of the base learning rate at step 0. */
  startFactor: number;
  /** Factor reached at step `totalIters` and kept after. */
  endFactor: number;
  /** Steps over which the factor moves linearly. */
  totalIters: number;

  constructor(optimizer: Optimizer, options: LinearLROptions = {}) {
    super('LinearLR', optimizer);
    this.startFactor = options.startFactor ?? 1 / 3;
    this.endFactor = options.endFactor ?? 1;
    this.totalIters = options.totalIters ?? 5;
    // A zero start factor would divide by zero in the recursive form below.
    if (!(this.startFactor > 0 && this.startFactor <= 1)) {
      throw new ValueError(`LinearLR: startFactor must be in (0, 1], got ${this.startFactor}`);
    }
    checkInRange('LinearLR', 'endFactor', this.endFactor, 0, 1);
    checkPositiveInt('LinearLR', 'totalIters', this.totalIters);
    this.start(options.lastEpoch ?? -1);
  }

  protected getLr(): number[] {
    const { lastEpoch: e, startFactor: s, endFactor: f, totalIters: n } = this;
    if (e === 0) return this.currentLrs().map((lr) => lr * s);
    if (e > n) return this.currentLrs();
    return this.currentLrs().map((lr) => lr * (1 + (f - s) / (n * s + (e - 1) * (f - s))));
  }

  protected override closedFormLr(): number[] {
    const { lastEpoch: e, startFactor: s, endFactor: f, totalIters: n } = this;
    return this.baseLrs.map((lr) => lr * (s + ((f - s) * Math.min(n, e)) / n));
  }
}
