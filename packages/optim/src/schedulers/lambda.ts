import { ValueError } from '@backprop/core';
import type { Optimizer } from '../optimizer.js';
import { LRScheduler } from './lr-scheduler.js';

/**
 * A learning-rate factor as a function of the step number.
 *
 * @example
 * ```ts
 * const warmup: LrLambda = (epoch) => Math.min(1, (epoch + 1) / 5);
 * ```
 */
export type LrLambda = (epoch: number) => number;

/**
 * Options of `LambdaLR`.
 *
 * @example
 * ```ts
 * new LambdaLR(opt, { lrLambda: [(e) => 1 / (e + 1), (e) => 0.9 ** e] }); // two groups
 * ```
 */
export interface LambdaLROptions {
  /** The factor of the base learning rate, one function for all groups or one per group (required). */
  lrLambda: LrLambda | readonly LrLambda[];
  /** The epoch to resume from (default -1: start). */
  lastEpoch?: number;
}

/**
 * Sets each group's learning rate to its base learning rate times `lrLambda(step)`. The functions
 * are not part of `stateDict()`: a restored scheduler keeps the ones it was built with.
 *
 * @example
 * ```ts
 * const sched = new LambdaLR(opt, { lrLambda: (epoch) => 0.95 ** epoch });
 * ```
 */
export class LambdaLR extends LRScheduler {
  /** One factor function per parameter group. */
  readonly lrLambdas: LrLambda[];

  constructor(optimizer: Optimizer, options: LambdaLROptions) {
    super('LambdaLR', optimizer);
    const groups = optimizer.paramGroups.length;
    const fns =
      typeof options.lrLambda === 'function' ? new Array(groups).fill(options.lrLambda) : options.lrLambda;
    if (!Array.isArray(fns) || fns.length !== groups || !fns.every((f) => typeof f === 'function')) {
      throw new ValueError(`LambdaLR: expected one lrLambda function or ${groups} (one per group)`);
    }
    this.lrLambdas = [...fns];
    this.start(options.lastEpoch ?? -1);
  }

  protected getLr(): number[] {
    return this.baseLrs.map((lr, i) => lr * this.lrLambdas[i]!(this.lastEpoch));
  }
}
