import { ValueError } from '@backprop/core';
import type { Optimizer } from '../optimizer.js';
import type { ScheduleFields } from '../params.js';
import { checkInRange, checkPositiveInt, perGroup } from './checks.js';
import { LRScheduler } from './lr-scheduler.js';

/**
 * Options of `OneCycleLR`: PyTorch's keyword arguments in camelCase, with its defaults.
 *
 * @example
 * ```ts
 * new OneCycleLR(opt, { maxLr: 0.1, epochs: 10, stepsPerEpoch: 100, annealStrategy: 'linear' });
 * ```
 */
export interface OneCycleLROptions {
  /** The peak learning rate, one for all groups or one per group (required). */
  maxLr: number | readonly number[];
  /** Length of the cycle; or give `epochs` and `stepsPerEpoch`. */
  totalSteps?: number;
  /** Epochs of the cycle; with `stepsPerEpoch`, gives `totalSteps`. */
  epochs?: number;
  /** Batches per epoch; with `epochs`, gives `totalSteps`. */
  stepsPerEpoch?: number;
  /** Share of the cycle spent rising to `maxLr` (default 0.3). */
  pctStart?: number;
  /** `'cos'` (default) or `'linear'`. */
  annealStrategy?: 'cos' | 'linear';
  /** Move momentum (SGD's `momentum`, Adam's β1) against the learning rate (default true). */
  cycleMomentum?: boolean;
  /** Lowest momentum, at the peak learning rate (default 0.85). */
  baseMomentum?: number | readonly number[];
  /** Highest momentum, at the start and end (default 0.95). */
  maxMomentum?: number | readonly number[];
  /** The cycle starts at maxLr / divFactor (default 25). */
  divFactor?: number;
  /** It ends at maxLr / divFactor / finalDivFactor (default 1e4). */
  finalDivFactor?: number;
  /** Rise, fall back to the start, then anneal to the end, instead of rise then anneal (default false). */
  threePhase?: boolean;
  /** The epoch to resume from (default -1: start). */
  lastEpoch?: number;
}

type LrKey = 'initialLr' | 'maxLr' | 'minLr';
type MomentumKey = 'maxMomentum' | 'baseMomentum';

interface Phase {
  endStep: number;
  startLr: LrKey;
  endLr: LrKey;
  startMomentum: MomentumKey;
  endMomentum: MomentumKey;
}

// The groups of an optimizer with momentum (SGD, RMSprop) or betas (Adam).
type MomentumGroup = ScheduleFields & { lr: number; momentum?: number; betas?: [number, number] };

function phases(totalSteps: number, pctStart: number, threePhase: boolean): Phase[] {
  const up: Phase = {
    endStep: pctStart * totalSteps - 1,
    startLr: 'initialLr',
    endLr: 'maxLr',
    startMomentum: 'maxMomentum',
    endMomentum: 'baseMomentum',
  };
  const last = totalSteps - 1;
  if (!threePhase) {
    return [
      up,
      {
        endStep: last,
        startLr: 'maxLr',
        endLr: 'minLr',
        startMomentum: 'baseMomentum',
        endMomentum: 'maxMomentum',
      },
    ];
  }
  return [
    up,
    {
      endStep: 2 * pctStart * totalSteps - 2,
      startLr: 'maxLr',
      endLr: 'initialLr',
      startMomentum: 'baseMomentum',
      endMomentum: 'maxMomentum',
    },
    {
      endStep: last,
      startLr: 'initialLr',
      endLr: 'minLr',
      startMomentum: 'maxMomentum',
      endMomentum: 'maxMomentum',
    },
  ];
}

function anneal(strategy: 'cos' | 'linear', start: number, end: number, pct: number): number {
  if (strategy === 'linear') return (end - start) * pct + start;
  return end + ((start - end) / 2) * (Math.cos(Math.PI * pct) + 1);
}

function resolveTotalSteps(o: OneCycleLROptions): number {
  if (o.totalSteps !== undefined) {
    checkPositiveInt('OneCycleLR', 'totalSteps', o.totalSteps);
    return o.totalSteps;
  }
  if (o.epochs === undefined || o.stepsPerEpoch === undefined) {
    throw new ValueError('OneCycleLR: give totalSteps, or epochs and stepsPerEpoch');
  }
  checkPositiveInt('OneCycleLR', 'epochs', o.epochs);
  checkPositiveInt('OneCycleLR', 'stepsPerEpoch', o.stepsPerEpoch);
  return o.epochs * o.stepsPerEpoch;
}

/**
 * The 1cycle policy (Smith & Topin), as PyTorch's `OneCycleLR`: the learning rate rises from
 * maxLr/divFactor to maxLr over the first `pctStart` of `totalSteps`, then anneals to
 * maxLr/(divFactor·finalDivFactor), while momentum moves the opposite way. Step it after every
 * batch; stepping past `totalSteps` throws.
 *
 * @example
 * ```ts
 * const sched = new OneCycleLR(opt, { maxLr: 0.1, totalSteps: epochs * batchesPerEpoch });
 * ```
 */
export class OneCycleLR extends LRScheduler {
  /** Length of the cycle in steps (batches). */
  totalSteps: number;
  /** The rise and anneal phases (three with `threePhase`), with their end steps. */
  schedulePhases: Phase[];
  /** How the learning rate moves within a phase. */
  annealStrategy: 'cos' | 'linear';
  /** Whether momentum moves against the learning rate. */
  cycleMomentum: boolean;
  /** True for Adam-like optimizers, whose momentum is `betas[0]`. */
  useBeta1: boolean;

  constructor(optimizer: Optimizer, options: OneCycleLROptions) {
    super('OneCycleLR', optimizer);
    const o = options;
    this.totalSteps = resolveTotalSteps(o);
    const pctStart = o.pctStart ?? 0.3;
    checkInRange('OneCycleLR', 'pctStart', pctStart, 0, 1);
    this.schedulePhases = phases(this.totalSteps, pctStart, o.threePhase ?? false);
    this.annealStrategy = o.annealStrategy ?? 'cos';
    if (this.annealStrategy !== 'cos' && this.annealStrategy !== 'linear') {
      throw new ValueError(
        `OneCycleLR: annealStrategy must be 'cos' or 'linear', got ${String(this.annealStrategy)}`,
      );
    }
    this.cycleMomentum = o.cycleMomentum ?? true;
    this.useBeta1 = 'betas' in optimizer.defaults;
    if (this.cycleMomentum && !this.useBeta1 && !('momentum' in optimizer.defaults)) {
      throw new ValueError(
        'OneCycleLR: the optimizer has no momentum or betas to cycle; pass cycleMomentum: false',
      );
    }
    this.setUpGroups(o);
    this.start(o.lastEpoch ?? -1);
  }

  // Writes each group's initialLr, maxLr, minLr and momentum bounds (only when starting afresh).
  private setUpGroups(o: OneCycleLROptions): void {
    const groups = this.optimizer.paramGroups as MomentumGroup[];
    const n = groups.length;
    const maxLrs = perGroup('OneCycleLR', 'maxLr', o.maxLr, n);
    // As PyTorch, momentum bounds are read (and checked) only when momentum cycles.
    const cycle = this.cycleMomentum;
    const maxMomenta = cycle ? perGroup('OneCycleLR', 'maxMomentum', o.maxMomentum ?? 0.95, n) : [];
    const baseMomenta = cycle ? perGroup('OneCycleLR', 'baseMomentum', o.baseMomentum ?? 0.85, n) : [];
    if ((o.lastEpoch ?? -1) !== -1) return;
    const divFactor = o.divFactor ?? 25;
    const finalDivFactor = o.finalDivFactor ?? 1e4;
    groups.forEach((group, i) => {
      group.initialLr = maxLrs[i]! / divFactor;
      group.maxLr = maxLrs[i]!;
      group.minLr = group.initialLr / finalDivFactor;
      if (!cycle) return;
      this.setMomentum(group, maxMomenta[i]!);
      group.maxMomentum = maxMomenta[i]!;
      group.baseMomentum = baseMomenta[i]!;
    });
  }

  private setMomentum(group: MomentumGroup, momentum: number): void {
    if (this.useBeta1) group.betas = [momentum, group.betas?.[1] ?? 0.999];
    else group.momentum = momentum;
  }

  /**
   * Advances one batch; throws when the cycle's `totalSteps` are used up.
   *
   * @example
   * ```ts
   * opt.step();
   * sched.step();
   * ```
   */
  override step(): void {
    if (this.lastEpoch + 1 > this.totalSteps) {
      throw new ValueError(
        `OneCycleLR: tried to step ${this.lastEpoch + 2} times; the specified number of total steps is ${this.totalSteps}`,
      );
    }
    super.step();
  }

  protected getLr(): number[] {
    const stepNum = this.lastEpoch;
    return (this.optimizer.paramGroups as MomentumGroup[]).map((group) => {
      let startStep = 0;
      for (let i = 0; i < this.schedulePhases.length; i++) {
        const phase = this.schedulePhases[i]!;
        if (stepNum <= phase.endStep || i === this.schedulePhases.length - 1) {
          const pct = (stepNum - startStep) / (phase.endStep - startStep);
          if (this.cycleMomentum) {
            const m = anneal(
              this.annealStrategy,
              group[phase.startMomentum]!,
              group[phase.endMomentum]!,
              pct,
            );
            this.setMomentum(group, m);
          }
          return anneal(this.annealStrategy, group[phase.startLr]!, group[phase.endLr]!, pct);
        }
        startStep = phase.endStep;
      }
      return group.lr;
    });
  }
}
