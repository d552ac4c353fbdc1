import { ValueError } from '@backprop/core';
import type { Optimizer } from '../optimizer.js';
import { checkSteps } from './checks.js';
import { LRScheduler, loadPlainState, plainState, type SchedulerStateDict } from './lr-scheduler.js';

/**
 * Options of `SequentialLR`.
 *
 * @example
 * ```ts
 * new SequentialLR(opt, { schedulers: [warmup, decay], milestones: [5] });
 * ```
 */
export interface SequentialLROptions {
  /** The schedules to run one after another, all built on the same optimizer (required). */
  schedulers: readonly LRScheduler[];
  /** The steps at which each next schedule takes over; one fewer than the schedules (required). */
  milestones: readonly number[];
  /** The epoch to resume from (default -1: start). */
  lastEpoch?: number;
}

/**
 * Runs schedules one after another, switching at the milestones, as PyTorch's `SequentialLR`: the
 * usual warm-up then decay is `LinearLR` then `CosineAnnealingLR` (or `ExponentialLR`). Build the
 * child schedules first, on the same optimizer; each starts from the base learning rate.
 *
 * @example
 * ```ts
 * const warmup = new LinearLR(opt, { startFactor: 0.1, totalIters: 5 });
 * const decay = new CosineAnnealingLR(opt, { tMax: 95 });
 * const sched = new SequentialLR(opt, { schedulers: [warmup, decay], milestones: [5] });
 * ```
 */
export class SequentialLR extends LRScheduler {
  /** The schedules, run one after another. */
  readonly schedulers: LRScheduler[];
  /** The steps at which each next schedule takes over. */
  milestones: number[];

  constructor(optimizer: Optimizer, options: SequentialLROptions) {
    super('SequentialLR', optimizer);
    const { schedulers, milestones } = options;
    if (!Array.isArray(schedulers) || schedulers.length === 0) {
      throw new ValueError('SequentialLR: schedulers must be a non-empty array of schedules');
    }
    const stranger = schedulers.findIndex((s) => !(s instanceof LRScheduler) || s.optimizer !== optimizer);
    if (stranger >= 0) {
      throw new ValueError(`SequentialLR: scheduler ${stranger} does not belong to the optimizer passed in`);
    }
    checkSteps('SequentialLR', 'milestones', milestones);
    if (milestones.length !== schedulers.length - 1) {
      throw new ValueError(
        `SequentialLR: expected ${schedulers.length - 1} milestones for ${schedulers.length} schedulers, got ${milestones.length}`,
      );
    }
    this.schedulers = [...schedulers];
    this.milestones = [...milestones];
    this.begin(options.lastEpoch ?? -1);
  }

  // PyTorch's set-up: back to the initial learning rates, undo the step each child took when it
  // was built, and start the first child again.
  private begin(lastEpoch: number): void {
    this.lastEpoch = lastEpoch + 1;
    const groups = this.optimizer.paramGroups;
    for (const group of groups) group.lr = group.initialLr ?? group.lr;
    this.baseLrs = groups.map((g) => g.initialLr ?? g.lr);
    for (const s of this.schedulers) s.lastEpoch -= 1;
    this.schedulers[0]!.initialStep();
    this.lastLr = this.schedulers[0]!.getLastLr();
  }

  /**
   * Steps the schedule in charge; at a milestone the next one starts from its step 0.
   *
   * @example
   * ```ts
   * sched.step();
   * ```
   */
  override step(): void {
    this.lastEpoch++;
    const idx = this.milestones.filter((m) => m <= this.lastEpoch).length;
    const scheduler = this.schedulers[idx]!;
    if (idx > 0 && this.milestones[idx - 1] === this.lastEpoch) scheduler.stepAt(0);
    else scheduler.step();
    this.lastLr = scheduler.getLastLr();
  }

  protected getLr(): number[] {
    return this.currentLrs();
  }

  /**
   * Its own state and each child's.
   *
   * @example
   * ```ts
   * const saved = sched.stateDict();
   * ```
   */
  override stateDict(): SchedulerStateDict {
    return { ...plainState(this), schedulers: this.schedulers.map((s) => s.stateDict()) };
  }

  /**
   * Restores its own state and each child's.
   *
   * @example
   * ```ts
   * sched.loadStateDict(saved);
   * ```
   */
  override loadStateDict(stateDict: SchedulerStateDict): void {
    this.checkStateDict(stateDict);
    loadPlainState(this, stateDict);
    this.schedulers.forEach((s, i) => {
      s.loadStateDict((stateDict.schedulers as SchedulerStateDict[])[i]!);
    });
  }

  // Its own fields and every child's are checked before any is written, so an error changes nothing.
  override checkStateDict(stateDict: unknown): void {
    super.checkStateDict(stateDict);
    const children = (stateDict as SchedulerStateDict).schedulers;
    if (!Array.isArray(children) || children.length !== this.schedulers.length) {
      throw new ValueError(
        `SequentialLR.loadStateDict: expected states for ${this.schedulers.length} schedulers, got ${String(children)}`,
      );
    }
    this.schedulers.forEach((s, i) => {
      s.checkStateDict(children[i]);
    });
  }
}
