import type { Optimizer } from '../optimizer.js';
import { checkNumber, checkPositiveInt, checkSteps } from './checks.js';
import { LRScheduler } from './lr-scheduler.js';

/**
 * Options of `StepLR`.
 *
 * @example
 * ```ts
 * new StepLR(opt, { stepSize: 30, gamma: 0.1 });
 * ```
 */
export interface StepLROptions {
  /** Decay every `stepSize` steps (required). */
  stepSize: number;
  /** Multiplicative decay (default 0.1). */
  gamma?: number;
  /** The epoch to resume from (default -1: start). */
  lastEpoch?: number;
}

/**
 * Multiplies each group's learning rate by `gamma` every `stepSize` steps: the lecture's
 * "learning-rate decay in steps", lr_t = lr_0 · gamma^⌊t / stepSize⌋.
 *
 * @example
 * ```ts
 * const sched = new StepLR(opt, { stepSize: 30, gamma: 0.1 }); // 0.1 for 30 epochs, 0.01 for 30, …
 * ```
 */
export class StepLR extends LRScheduler {
  /** Decay every `stepSize` steps. */
  stepSize: number;
  /** Multiplicative decay. */
  gamma: number;

  constructor(optimizer: Optimizer, options: StepLROptions) {
    super('StepLR', optimizer);
    checkPositiveInt('StepLR', 'stepSize', options.stepSize);
    this.stepSize = options.stepSize;
    this.gamma = options.gamma ?? 0.1;
    checkNumber('StepLR', 'gamma', this.gamma);
    this.start(options.lastEpoch ?? -1);
  }

  protected getLr(): number[] {
    if (this.lastEpoch === 0 || this.lastEpoch % this.stepSize !== 0) return this.currentLrs();
    return this.currentLrs().map((lr) => lr * this.gamma);
  }

  protected override closedFormLr(): number[] {
    return this.baseLrs.map((lr) => lr * this.gamma ** Math.floor(this.lastEpoch / this.stepSize));
  }
}

/**
 * Options of `MultiStepLR`.
 *
 * @example
 * ```ts
 * new MultiStepLR(opt, { milestones: [30, 60, 90], gamma: 0.1 });
 * ```
 */
export interface MultiStepLROptions {
  /** Steps at which to decay; a step listed twice decays twice (required). */
  milestones: readonly number[];
  /** Multiplicative decay (default 0.1). */
  gamma?: number;
  /** The epoch to resume from (default -1: start). */
  lastEpoch?: number;
}

/**
 * Multiplies each group's learning rate by `gamma` at each milestone.
 *
 * @example
 * ```ts
 * const sched = new MultiStepLR(opt, { milestones: [30, 80], gamma: 0.1 });
 * ```
 */
export class MultiStepLR extends LRScheduler {
  /** Steps at which to decay. */
  milestones: number[];
  /** Multiplicative decay at each milestone. */
  gamma: number;

  constructor(optimizer: Optimizer, options: MultiStepLROptions) {
    super('MultiStepLR', optimizer);
    checkSteps('MultiStepLR', 'milestones', options.milestones);
    this.milestones = [...options.milestones].sort((a, b) => a - b);
    this.gamma = options.gamma ?? 0.1;
    checkNumber('MultiStepLR', 'gamma', this.gamma);
    this.start(options.lastEpoch ?? -1);
  }

  protected getLr(): number[] {
    const hits = this.milestones.filter((m) => m === this.lastEpoch).length;
    if (hits === 0) return this.currentLrs();
    return this.currentLrs().map((lr) => lr * this.gamma ** hits);
  }

  protected override closedFormLr(): number[] {
    const passed = this.milestones.filter((m) => m <= this.lastEpoch).length;
    return this.baseLrs.map((lr) => lr * this.gamma ** passed);
  }
}

/**
 * Options of `ExponentialLR`.
 *
 * @example
 * ```ts
 * new ExponentialLR(opt, { gamma: 0.9 });
 * ```
 */
export interface ExponentialLROptions {
  /** Multiplicative decay per step (required). */
  gamma: number;
  /** The epoch to resume from (default -1: start). */
  lastEpoch?: number;
}

/**
 * Multiplies each group's learning rate by `gamma` every step.
 *
 * @example
 * ```ts
 * const sched = new ExponentialLR(opt, { gamma: 0.95 });
 * ```
 */
export class ExponentialLR extends LRScheduler {
  /** Multiplicative decay per step. */
  gamma: number;

  constructor(optimizer: Optimizer, options: ExponentialLROptions) {
    super('ExponentialLR', optimizer);
    checkNumber('ExponentialLR', 'gamma', options.gamma);
    this.gamma = options.gamma;
    this.start(options.lastEpoch ?? -1);
  }

  protected getLr(): number[] {
    if (this.lastEpoch === 0) return this.currentLrs();
    return this.currentLrs().map((lr) => lr * this.gamma);
  }

  protected override closedFormLr(): number[] {
    return this.baseLrs.map((lr) => lr * this.gamma ** this.lastEpoch);
  }
}
