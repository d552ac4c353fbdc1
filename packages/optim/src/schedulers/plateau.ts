import { Tensor, ValueError } from '@backprop/core';
import type { Optimizer } from '../optimizer.js';
import { checkNumber, perGroup } from './checks.js';
import {
  checkOptimizer,
  checkPlainState,
  loadPlainState,
  plainState,
  type SchedulerStateDict,
} from './lr-scheduler.js';

/**
 * Options of `ReduceLROnPlateau`: PyTorch's keyword arguments in camelCase, with its defaults.
 *
 * @example
 * ```ts
 * new ReduceLROnPlateau(opt, { mode: 'max', factor: 0.5, patience: 2, minLr: 1e-5 }); // on accuracy
 * ```
 */
export interface ReduceLROnPlateauOptions {
  /** `'min'` (default): a lower metric is better, as a loss; `'max'`: higher is better, as accuracy. */
  mode?: 'min' | 'max';
  /** Multiply the learning rate by this when the metric stalls, < 1 (default 0.1). */
  factor?: number;
  /** Bad steps tolerated before reducing (default 10). */
  patience?: number;
  /** How much better counts as better (default 1e-4). */
  threshold?: number;
  /** `'rel'` (default): better than best·(1 ∓ threshold); `'abs'`: better than best ∓ threshold. */
  thresholdMode?: 'rel' | 'abs';
  /** Steps to wait after a reduction before counting bad steps again (default 0). */
  cooldown?: number;
  /** Lower bound of the learning rate, one for all groups or one per group (default 0). */
  minLr?: number | readonly number[];
  /** Reductions smaller than this are skipped (default 1e-8). */
  eps?: number;
}

function checkModes(mode: unknown, thresholdMode: unknown): void {
  if (mode !== 'min' && mode !== 'max') {
    throw new ValueError(`ReduceLROnPlateau: mode must be 'min' or 'max', got ${String(mode)}`);
  }
  if (thresholdMode !== 'rel' && thresholdMode !== 'abs') {
    throw new ValueError(
      `ReduceLROnPlateau: thresholdMode must be 'rel' or 'abs', got ${String(thresholdMode)}`,
    );
  }
}

/**
 * Reduces each group's learning rate by `factor` when a metric has not improved for more than
 * `patience` steps, as PyTorch's `ReduceLROnPlateau`. `step(metric)` takes the metric (a number
 * or a one-element tensor), typically the validation loss after each epoch.
 *
 * @example
 * ```ts
 * const sched = new ReduceLROnPlateau(opt, { mode: 'min', factor: 0.5, patience: 3 });
 * for (let epoch = 0; epoch < 50; epoch++) { train(); sched.step(validationLoss()); }
 * ```
 */
export class ReduceLROnPlateau {
  /** The optimizer whose groups' `lr` is reduced. */
  readonly optimizer: Optimizer;
  /** `'min'`: a lower metric is better; `'max'`: higher is better. */
  mode: 'min' | 'max';
  /** The learning rate is multiplied by this on a plateau. */
  factor: number;
  /** Bad steps tolerated before reducing. */
  patience: number;
  /** How much better counts as better. */
  threshold: number;
  /** Whether `threshold` is relative to the best value or absolute. */
  thresholdMode: 'rel' | 'abs';
  /** Steps to wait after a reduction before counting bad steps again. */
  cooldown: number;
  /** Lower bound of each group's learning rate. */
  minLrs: number[];
  /** Reductions smaller than this are skipped. */
  eps: number;
  /** The best metric so far (±Infinity before the first step). */
  best: number;
  /** Steps since the metric last improved. */
  numBadEpochs = 0;
  /** Steps of cooldown left. */
  cooldownCounter = 0;
  /** Steps taken. */
  lastEpoch = 0;
  /** The learning rates after the last step, as `getLastLr()` returns them. */
  protected lastLr: number[];

  constructor(optimizer: Optimizer, options: ReduceLROnPlateauOptions = {}) {
    checkOptimizer('ReduceLROnPlateau', optimizer);
    this.optimizer = optimizer;
    this.factor = options.factor ?? 0.1;
    if (!(this.factor < 1)) throw new ValueError(`ReduceLROnPlateau: factor must be < 1, got ${this.factor}`);
    this.mode = options.mode ?? 'min';
    this.thresholdMode = options.thresholdMode ?? 'rel';
    this.threshold = options.threshold ?? 1e-4;
    checkModes(this.mode, this.thresholdMode);
    this.patience = options.patience ?? 10;
    this.cooldown = options.cooldown ?? 0;
    this.eps = options.eps ?? 1e-8;
    for (const [option, value] of Object.entries({
      patience: this.patience,
      cooldown: this.cooldown,
      eps: this.eps,
    })) {
      checkNumber('ReduceLROnPlateau', option, value);
    }
    this.minLrs = perGroup('ReduceLROnPlateau', 'minLr', options.minLr ?? 0, optimizer.paramGroups.length);
    this.best = this.modeWorse();
    this.lastLr = optimizer.paramGroups.map((g) => g.lr);
  }

  private modeWorse(): number {
    return this.mode === 'min' ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY;
  }

  private isBetter(a: number, best: number): boolean {
    const t = this.threshold;
    if (this.mode === 'min') return this.thresholdMode === 'rel' ? a < best * (1 - t) : a < best - t;
    return this.thresholdMode === 'rel' ? a > best * (t + 1) : a > best + t;
  }

  /**
   * Records this step's metric and reduces the learning rates once it has stalled long enough.
   *
   * @example
   * ```ts
   * sched.step(valLoss);
   * ```
   */
  step(metric: number | Tensor): void {
    const current = metric instanceof Tensor ? metric.item() : metric;
    if (typeof current !== 'number') {
      throw new ValueError(`ReduceLROnPlateau.step: the metric must be a number or a one-element tensor`);
    }
    this.lastEpoch += 1;
    if (this.isBetter(current, this.best)) {
      this.best = current;
      this.numBadEpochs = 0;
    } else {
      this.numBadEpochs += 1;
    }
    if (this.cooldownCounter > 0) {
      this.cooldownCounter -= 1;
      this.numBadEpochs = 0; // bad steps during the cooldown do not count
    }
    if (this.numBadEpochs > this.patience) {
      this.reduceLr();
      this.cooldownCounter = this.cooldown;
      this.numBadEpochs = 0;
    }
    this.lastLr = this.optimizer.paramGroups.map((g) => g.lr);
  }

  private reduceLr(): void {
    this.optimizer.paramGroups.forEach((group, i) => {
      const newLr = Math.max(group.lr * this.factor, this.minLrs[i]!);
      if (group.lr - newLr > this.eps) group.lr = newLr;
    });
  }

  /**
   * The learning rate of each group after the last step.
   *
   * @example
   * ```ts
   * sched.getLastLr();
   * ```
   */
  getLastLr(): number[] {
    return [...this.lastLr];
  }

  /**
   * The scheduler's state as plain values. `best` starts at ±Infinity, which JSON writes as null;
   * `loadStateDict` reads null back as the start value.
   *
   * @example
   * ```ts
   * const saved = JSON.stringify(sched.stateDict());
   * ```
   */
  stateDict(): SchedulerStateDict {
    return plainState(this);
  }

  /**
   * Restores a state saved by `stateDict()`; a value that is not such a dict throws and changes
   * nothing.
   *
   * @example
   * ```ts
   * sched.loadStateDict(JSON.parse(saved));
   * ```
   */
  loadStateDict(stateDict: SchedulerStateDict): void {
    checkPlainState('ReduceLROnPlateau', this, stateDict, ['best']);
    checkModes(stateDict.mode ?? this.mode, stateDict.thresholdMode ?? this.thresholdMode);
    loadPlainState(this, stateDict);
    if (this.best === null) this.best = this.modeWorse();
  }
}
