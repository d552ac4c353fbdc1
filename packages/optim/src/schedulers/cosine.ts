import type { Optimizer } from '../optimizer.js';
import { checkNumber, checkPositiveInt } from './checks.js';
import { LRScheduler } from './lr-scheduler.js';

/**
 * Options of `CosineAnnealingLR`.
 *
 * @example
 * ```ts
 * new CosineAnnealingLR(opt, { tMax: 50, etaMin: 1e-4 });
 * ```
 */
export interface CosineAnnealingLROptions {
  /** Steps from the base learning rate down to `etaMin` (half a period; required). */
  tMax: number;
  /** The smallest learning rate (default 0). */
  etaMin?: number;
  /** The epoch to resume from (default -1: start). */
  lastEpoch?: number;
}

/**
 * Cosine annealing from each group's base learning rate to `etaMin` over `tMax` steps,
 * lr_t = etaMin + (base − etaMin)(1 + cos(π t / tMax)) / 2, rising again after `tMax` (SGDR without
 * restarts). Computed with PyTorch's recursive formula, so the values match PyTorch's.
 *
 * @example
 * ```ts
 * const sched = new CosineAnnealingLR(opt, { tMax: 100, etaMin: 1e-5 });
 * ```
 */
export class CosineAnnealingLR extends LRScheduler {
  /** Steps from the base learning rate down to `etaMin` (half a period). */
  tMax: number;
  /** The smallest learning rate. */
  etaMin: number;

  constructor(optimizer: Optimizer, options: CosineAnnealingLROptions) {
    super('CosineAnnealingLR', optimizer);
    checkPositiveInt('CosineAnnealingLR', 'tMax', options.tMax);
    this.tMax = options.tMax;
    this.etaMin = options.etaMin ?? 0;
    checkNumber('CosineAnnealingLR', 'etaMin', this.etaMin);
    this.start(options.lastEpoch ?? -1);
  }

  protected getLr(): number[] {
    const { lastEpoch: e, tMax: T, etaMin } = this;
    if (e === 0) return this.currentLrs();
    if (this.stepCount === 1 && e > 0) {
      return this.baseLrs.map((base) => etaMin + ((base - etaMin) * (1 + Math.cos((e * Math.PI) / T))) / 2);
    }
    // At the bottom of the cosine the ratio below is 0/0; PyTorch steps up by the first increment.
    if ((e - 1 - T) % (2 * T) === 0) {
      return this.currentLrs().map(
        (lr, i) => lr + ((this.baseLrs[i]! - etaMin) * (1 - Math.cos(Math.PI / T))) / 2,
      );
    }
    const ratio = (1 + Math.cos((Math.PI * e) / T)) / (1 + Math.cos((Math.PI * (e - 1)) / T));
    return this.currentLrs().map((lr) => ratio * (lr - etaMin) + etaMin);
  }

  protected override closedFormLr(): number[] {
    const { lastEpoch: e, tMax: T, etaMin } = this;
    return this.baseLrs.map((base) => etaMin + ((base - etaMin) * (1 + Math.cos((Math.PI * e) / T))) / 2);
  }
}
