import { zeros } from '@backprop/core';
import {
  Adagrad,
  Adam,
  CosineAnnealingLR,
  ExponentialLR,
  LambdaLR,
  LinearLR,
  type LRScheduler,
  MultiStepLR,
  OneCycleLR,
  type Optimizer,
  ReduceLROnPlateau,
  SequentialLR,
  SGD,
  StepLR,
} from '@backprop/optim';
import { describe, expect, it } from 'vitest';
import { expectClose, fixture, throughJson } from './helpers.js';

interface OptimizerSpec {
  type?: 'SGD' | 'Adam';
  lrs?: number[];
  momentum?: number;
}

// biome-ignore lint/suspicious/noExplicitAny: the fixture's options are untyped JSON, passed to the constructors as is
type Json = any;

interface SchedulerCase {
  label: string;
  scheduler: string;
  options: Json;
  optimizer: OptimizerSpec | null;
  metrics?: number[];
  lrs: number[][];
  momenta?: (number | null)[][];
}

const cases = fixture<{ schedulers: SchedulerCase[] }>('optim.json').schedulers;

// The same functions as the generator's LAMBDAS, by name.
const lambdas: Record<string, (e: number) => number> = {
  pow095: (e) => 0.95 ** e,
  inverse: (e) => 1.0 / (1.0 + e),
  halfEvery4: (e) => 0.5 ** Math.floor(e / 4),
};

// As the generator's make_optimizer: one group per learning rate, over zero tensors.
function makeOptimizer(spec: OptimizerSpec | null): Optimizer {
  const lrs = spec?.lrs ?? [0.1];
  const groups = lrs.map((lr, i) => ({
    params: [zeros([i + 2], { dtype: 'float64', requiresGrad: true })],
    lr,
  }));
  if (spec?.type === 'Adam') return new Adam(groups, { lr: lrs[0]! });
  return new SGD(groups, { lr: lrs[0]!, momentum: spec?.momentum ?? 0 });
}
function makeScheduler(opt: Optimizer, name: string, options: Json): LRScheduler | ReduceLROnPlateau {
  switch (name) {
    case 'StepLR':
      return new StepLR(opt, options);
    case 'MultiStepLR':
      return new MultiStepLR(opt, options);
    case 'ExponentialLR':
      return new ExponentialLR(opt, options);
    case 'CosineAnnealingLR':
      return new CosineAnnealingLR(opt, options);
    case 'LinearLR':
      return new LinearLR(opt, options);
    case 'LambdaLR': {
      const fns = options.lrLambda;
      return new LambdaLR(opt, {
        lrLambda: Array.isArray(fns) ? fns.map((f) => lambdas[f]!) : lambdas[fns]!,
      });
    }
    case 'SequentialLR': {
      const children = options.schedulers.map(
        (c: Json) => makeScheduler(opt, c.name, c.options) as LRScheduler,
      );
      return new SequentialLR(opt, { schedulers: children, milestones: options.milestones });
    }
    case 'OneCycleLR':
      return new OneCycleLR(opt, options);
    case 'ReduceLROnPlateau':
      return new ReduceLROnPlateau(opt, options);
  }
  throw new Error(`unknown scheduler ${name}`);
}

function momentumOf(opt: Optimizer): (number | null)[] {
  return opt.paramGroups.map((g) => {
    const group = g as { betas?: number[]; momentum?: number };
    return group.betas ? group.betas[0]! : (group.momentum ?? null);
  });
}

function stepOnce(sched: LRScheduler | ReduceLROnPlateau, c: SchedulerCase, i: number): void {
  if (sched instanceof ReduceLROnPlateau) sched.step(c.metrics![i]!);
  else sched.step();
}

// Learning rates agree to 1e-12 relative: Math.cos and ** may differ from C's in the last bit.
describe('schedules match PyTorch learning rates', () => {
  for (const c of cases) {
    it(`${c.label}: lr after each of ${c.lrs.length - 1} steps`, () => {
      const opt = makeOptimizer(c.optimizer);
      const sched = makeScheduler(opt, c.scheduler, c.options);
      expectClose(sched.getLastLr(), c.lrs[0]!, 1e-12, 'lr after construction');
      for (let i = 0; i < c.lrs.length - 1; i++) {
        stepOnce(sched, c, i);
        expectClose(
          opt.paramGroups.map((g) => g.lr),
          c.lrs[i + 1]!,
          1e-12,
          `lr after step ${i + 1}`,
        );
        expect(sched.getLastLr()).toEqual(opt.paramGroups.map((g) => g.lr));
        if (c.momenta)
          expectClose(momentumOf(opt) as number[], c.momenta[i + 1] as number[], 1e-12, `momentum ${i + 1}`);
      }
    });

    it(`${c.label}: resumes from a JSON state dict halfway`, () => {
      const half = Math.floor((c.lrs.length - 1) / 2);
      const opt = makeOptimizer(c.optimizer);
      const sched = makeScheduler(opt, c.scheduler, c.options);
      for (let i = 0; i < half; i++) stepOnce(sched, c, i);
      const savedOpt = throughJson(opt.stateDict());
      const savedSched = JSON.parse(JSON.stringify(sched.stateDict()));
      const opt2 = makeOptimizer(c.optimizer);
      const sched2 = makeScheduler(opt2, c.scheduler, c.options);
      opt2.loadStateDict(savedOpt);
      sched2.loadStateDict(savedSched);
      expect(sched2.getLastLr()).toEqual(sched.getLastLr());
      for (let i = half; i < c.lrs.length - 1; i++) {
        stepOnce(sched, c, i);
        stepOnce(sched2, c, i);
        expect(opt2.paramGroups.map((g) => g.lr)).toEqual(opt.paramGroups.map((g) => g.lr));
      }
    });
  }
});

describe('schedule details', () => {
  const sgd = (lr = 0.1) => new SGD([zeros([2], { requiresGrad: true })], { lr });

  it('StepLR follows lr0 · gamma^floor(t / stepSize)', () => {
    const opt = sgd(0.5);
    const sched = new StepLR(opt, { stepSize: 4, gamma: 0.25 });
    for (let t = 1; t <= 20; t++) {
      sched.step();
      expect(opt.paramGroups[0]!.lr).toBeCloseTo(0.5 * 0.25 ** Math.floor(t / 4), 15);
    }
  });

  it('a schedule multiplies whatever lr the group has (chainable form)', () => {
    const opt = sgd(1);
    const sched = new ExponentialLR(opt, { gamma: 0.5 });
    opt.paramGroups[0]!.lr = 4;
    sched.step();
    expect(sched.getLastLr()).toEqual([2]);
  });

  it('sets initialLr on each group and keeps it across schedules', () => {
    const opt = sgd(0.2);
    new StepLR(opt, { stepSize: 1, gamma: 0.5 }).step();
    expect(opt.paramGroups[0]!.initialLr).toBe(0.2);
    const second = new ExponentialLR(opt, { gamma: 0.9 });
    expect(second.baseLrs).toEqual([0.2]);
  });

  it('resuming with lastEpoch needs initialLr on every group', () => {
    expect(() => new StepLR(sgd(), { stepSize: 2, lastEpoch: 5 })).toThrow(
      'StepLR: param group 0 has no initialLr, which resuming with lastEpoch 5 requires',
    );
  });

  it('LambdaLR leaves its functions out of the state dict', () => {
    const sched = new LambdaLR(sgd(), { lrLambda: (e) => 1 / (e + 1) });
    sched.step();
    const saved = sched.stateDict();
    expect('lrLambdas' in saved).toBe(false);
    expect(JSON.parse(JSON.stringify(saved))).toEqual(saved);
  });

  it('state dicts are copies', () => {
    const sched = new MultiStepLR(sgd(), { milestones: [2, 4] });
    const saved = sched.stateDict();
    (saved.milestones as number[]).push(1);
    (saved.baseLrs as number[])[0] = 99;
    expect(sched.milestones).toEqual([2, 4]);
    expect(sched.baseLrs).toEqual([0.1]);
  });

  it('OneCycleLR throws when stepped past totalSteps, leaving the lr as it was', () => {
    const opt = new SGD([zeros([2], { requiresGrad: true })], { lr: 0.1, momentum: 0.9 });
    const sched = new OneCycleLR(opt, { maxLr: 1, totalSteps: 3 });
    for (let i = 0; i < 3; i++) sched.step();
    const lr = opt.paramGroups[0]!.lr;
    expect(() => sched.step()).toThrow(
      'OneCycleLR: tried to step 5 times; the specified number of total steps is 3',
    );
    expect(opt.paramGroups[0]!.lr).toBe(lr);
    expect(sched.lastEpoch).toBe(3);
  });

  it('OneCycleLR needs momentum or betas to cycle, and checks its options', () => {
    const opt = new SGD([zeros([2], { requiresGrad: true })], { lr: 0.1 });
    const adagrad = new Adagrad([zeros([2], { requiresGrad: true })]);
    expect(() => new OneCycleLR(adagrad, { maxLr: 1, totalSteps: 3 })).toThrow(
      'OneCycleLR: the optimizer has no momentum or betas to cycle; pass cycleMomentum: false',
    );
    new OneCycleLR(adagrad, { maxLr: 1, totalSteps: 10, cycleMomentum: false });
    expect(adagrad.paramGroups[0]!.lr).toBeCloseTo(0.04, 15);
    const notAnOptimizer = { paramGroups: [] } as unknown as Optimizer;
    expect(() => new OneCycleLR(notAnOptimizer, { maxLr: 1, totalSteps: 3 })).toThrow(
      'OneCycleLR: expected an Optimizer, got object',
    );
    expect(() => new OneCycleLR(opt, { maxLr: [1, 2], totalSteps: 3 })).toThrow(
      'OneCycleLR: expected 1 values for maxLr (one per group)',
    );
    expect(() => new OneCycleLR(opt, { maxLr: 1 })).toThrow(
      'OneCycleLR: give totalSteps, or epochs and stepsPerEpoch',
    );
  });

  it('ReduceLROnPlateau takes a one-element tensor as the metric and restores best = Infinity from JSON null', () => {
    const opt = sgd(1);
    const sched = new ReduceLROnPlateau(opt, { patience: 0, factor: 0.5 });
    const fresh = JSON.parse(JSON.stringify(sched.stateDict()));
    expect(fresh.best).toBeNull();
    sched.loadStateDict(fresh);
    expect(sched.best).toBe(Number.POSITIVE_INFINITY);
    sched.step(zeros([1]).add(3));
    sched.step(3);
    expect(sched.getLastLr()).toEqual([0.5]);
  });

  it('bad schedule options throw, naming the schedule and the value', () => {
    const opt = sgd();
    expect(() => new StepLR(opt, { stepSize: 0 })).toThrow(
      'StepLR: stepSize must be a positive integer, got 0',
    );
    expect(() => new CosineAnnealingLR(opt, { tMax: -1 })).toThrow(
      'CosineAnnealingLR: tMax must be a positive integer',
    );
    expect(() => new LinearLR(opt, { startFactor: 0 })).toThrow(
      'LinearLR: startFactor must be in (0, 1], got 0',
    );
    expect(() => new LinearLR(opt, { endFactor: 2 })).toThrow('LinearLR: endFactor must be in [0, 1], got 2');
    expect(() => new LambdaLR(opt, { lrLambda: [(e) => e, (e) => e] })).toThrow(
      'LambdaLR: expected one lrLambda function or 1',
    );
    expect(() => new ReduceLROnPlateau(opt, { factor: 1 })).toThrow(
      'ReduceLROnPlateau: factor must be < 1, got 1',
    );
    expect(() => new ReduceLROnPlateau(opt, { mode: 'up' as 'min' })).toThrow(
      "mode must be 'min' or 'max', got up",
    );
    const other = new StepLR(sgd(), { stepSize: 2 });
    expect(() => new SequentialLR(opt, { schedulers: [other], milestones: [] })).toThrow(
      'SequentialLR: scheduler 0 does not belong to the optimizer passed in',
    );
    const a = new LinearLR(opt);
    const b = new ExponentialLR(opt, { gamma: 0.9 });
    expect(() => new SequentialLR(opt, { schedulers: [a, b], milestones: [] })).toThrow(
      'SequentialLR: expected 1 milestones for 2 schedulers, got 0',
    );
  });
});
