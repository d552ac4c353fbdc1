// Trust (issue 11, items 4 and 11): gradients that do not fit their parameter, arguments of the
// wrong type and state dicts that are not state dicts throw errors naming the optimizer, and a
// throwing call leaves every parameter, every state buffer and every option as it was.
import { DTypeError, ShapeError, type Tensor, tensor, ValueError, zeros } from '@backprop/core';
import {
  Adagrad,
  Adam,
  AdamW,
  CosineAnnealingLR,
  clipGradNorm_,
  clipGradValue_,
  MultiStepLR,
  type Optimizer,
  ReduceLROnPlateau,
  RMSprop,
  SequentialLR,
  SGD,
  StepLR,
} from '@backprop/optim';
import { describe, expect, it } from 'vitest';

const values = (t: Tensor | null | undefined): number[] => Array.from(t!.data());

function leaf(data: number[], dtype: 'float32' | 'float64' = 'float32'): Tensor {
  return tensor(data, { dtype, requiresGrad: true });
}

// Every optimizer, with options that make it keep every kind of state buffer.
const OPTIMIZERS: [string, (params: Tensor[]) => Optimizer][] = [
  ['SGD', (ps) => new SGD(ps, { lr: 0.1, momentum: 0.9 })],
  ['Adam', (ps) => new Adam(ps, { lr: 0.1, amsgrad: true })],
  ['AdamW', (ps) => new AdamW(ps, { lr: 0.1 })],
  ['RMSprop', (ps) => new RMSprop(ps, { lr: 0.1, momentum: 0.5, centered: true })],
  ['Adagrad', (ps) => new Adagrad(ps, { lr: 0.1 })],
];

// Every state tensor of `opt` as numbers, and its step counters, to compare before and after.
function snapshot(opt: Optimizer): unknown[] {
  return [...opt.state.values()].map((s) =>
    Object.entries(s).map(([k, v]) => [k, typeof v === 'number' ? v : values(v)]),
  );
}

describe('optimizer.step with a .grad that does not fit its parameter', () => {
  it('the issue repro: Adam on p = [1, 2, 3] with a [2] gradient throws instead of writing NaN', () => {
    const p = leaf([1, 2, 3]);
    p.grad = tensor([1, 1]);
    const opt = new Adam([p], { lr: 0.1 });
    expect(() => opt.step()).toThrow(ShapeError);
    expect(() => opt.step()).toThrow(
      'Adam.step: parameter 0 of group 0 has shape [3] but its .grad has shape [2]',
    );
    expect(values(p)).toEqual([1, 2, 3]);
    expect(opt.state.size).toBe(0);
  });

  for (const [name, make] of OPTIMIZERS) {
    it(`${name}: every parameter is checked before any is written (shape, then dtype)`, () => {
      const a = leaf([1, 2]);
      const b = leaf([3, 4, 5]);
      const opt = make([a, b]);
      a.grad = tensor([0.5, -0.5]);
      b.grad = tensor([1, 1, 1]);
      opt.step(); // one good step, so every state buffer exists
      const params = [values(a), values(b)];
      const state = snapshot(opt);
      b.grad = tensor([[1, 1, 1]]);
      expect(() => opt.step()).toThrow(
        `${name}.step: parameter 1 of group 0 has shape [3] but its .grad has shape [1,3]`,
      );
      b.grad = tensor([1, 1, 1], { dtype: 'float64' });
      expect(() => opt.step()).toThrow(DTypeError);
      expect(() => opt.step()).toThrow(
        `${name}.step: parameter 1 of group 0 has dtype float32 but its .grad has dtype float64`,
      );
      expect([values(a), values(b)]).toEqual(params);
      expect(snapshot(opt)).toEqual(state);
    });
  }

  it('names the group and the index inside it', () => {
    const a = leaf([1]);
    const b = leaf([1, 2]);
    const opt = new SGD([{ params: [a] }, { params: [b] }], { lr: 0.1 });
    a.grad = tensor([1]);
    b.grad = tensor([1, 2, 3]);
    expect(() => opt.step()).toThrow(
      'SGD.step: parameter 0 of group 1 has shape [2] but its .grad has shape [3]',
    );
    expect(values(a)).toEqual([1]);
  });

  it('a .grad that is not a Tensor is a TypeError naming the parameter', () => {
    const p = leaf([1]);
    const opt = new SGD([p], { lr: 0.1 });
    (p as { grad: unknown }).grad = [1];
    expect(() => opt.step()).toThrow(TypeError);
    expect(() => opt.step()).toThrow(
      'SGD.step: the .grad of parameter 0 of group 0 is not a Tensor (got an array)',
    );
  });
});

describe('clipGradNorm_ and clipGradValue_ reject gradients that do not fit their parameter', () => {
  it('throws before scaling any gradient', () => {
    const a = leaf([0, 0]);
    a.grad = tensor([30, 40]);
    const b = leaf([0, 0, 0]);
    b.grad = tensor([1, 2]);
    expect(() => clipGradNorm_([a, b], 1)).toThrow(
      'clipGradNorm_: parameter 1 has shape [3] but its .grad has shape [2]',
    );
    expect(() => clipGradValue_([a, b], 1)).toThrow(
      'clipGradValue_: parameter 1 has shape [3] but its .grad has shape [2]',
    );
    expect(values(a.grad)).toEqual([30, 40]);
    b.grad = tensor([1, 2, 3], { dtype: 'float64' });
    expect(() => clipGradNorm_([a, b], 1)).toThrow(DTypeError);
    expect(values(a.grad)).toEqual([30, 40]);
  });

  it('rejects params that are not tensors', () => {
    expect(() => clipGradNorm_(null as unknown as Tensor[], 1)).toThrow(
      'clipGradNorm_: params must be a Tensor or an iterable of Tensors, got null',
    );
    expect(() => clipGradValue_([5] as unknown as Tensor[], 1)).toThrow(
      'clipGradValue_: parameter 0 is not a Tensor (got number 5)',
    );
  });
});

describe('optimizer constructors: arguments of the wrong type are TypeErrors naming the class and argument', () => {
  const p = () => zeros([2], { requiresGrad: true });

  it('params that is not an iterable', () => {
    for (const bad of [5, null, undefined, 'w']) {
      expect(() => new Adam(bad as unknown as Tensor[])).toThrow(TypeError);
    }
    expect(() => new Adam(5 as unknown as Tensor[])).toThrow(
      'Adam: params must be an iterable of Tensors or of parameter groups, got number 5',
    );
    expect(() => new SGD(null as unknown as Tensor[], { lr: 0.1 })).toThrow(
      'SGD: params must be an iterable of Tensors or of parameter groups, got null',
    );
    expect(() => new RMSprop([p(), 'w' as unknown as Tensor])).toThrow(
      "RMSprop: parameter 1 of group 0 is not a Tensor (got string 'w')",
    );
  });

  it('lr and other options that are not numbers', () => {
    const lr = (v: unknown) => v as number;
    expect(() => new SGD([p()], { lr: lr('0.1') })).toThrow(TypeError);
    expect(() => new SGD([p()], { lr: lr('0.1') })).toThrow("SGD: lr must be a number, got string '0.1'");
    expect(() => new SGD([p()], { lr: lr(null) })).toThrow('SGD: lr must be a number, got null');
    expect(() => new AdamW([p()], { lr: lr([1]) })).toThrow('AdamW: lr must be a number, got an array');
    expect(() => new Adagrad([p()], { lr: lr(true) })).toThrow(
      'Adagrad: lr must be a number, got boolean true',
    );
    expect(() => new RMSprop([p()], { alpha: lr('x') })).toThrow(
      "RMSprop: alpha must be a number, got string 'x'",
    );
    expect(() => new SGD([p()], { lr: 0.1, dampening: lr('0') })).toThrow(TypeError);
    expect(() => new Adam([p()], { betas: 'ab' as unknown as [number, number] })).toThrow(TypeError);
    expect(() => new Adam([p()], { betas: [0.9, '0.9'] as unknown as [number, number] })).toThrow(
      "Adam: beta parameter at index 1 must be a number, got string '0.9'",
    );
    // Out-of-range numbers stay ValueErrors.
    expect(() => new SGD([p()], { lr: -1 })).toThrow(ValueError);
  });

  it('options that are not an object', () => {
    expect(() => new SGD([p()], undefined as unknown as { lr: number })).toThrow(
      'SGD: options must be an object such as { lr: 0.1 }, got undefined',
    );
    expect(() => new Adam([p()], null as never)).toThrow('Adam: options must be an object, got null');
    expect(() => new Adagrad([p()], 0.1 as never)).toThrow(TypeError);
  });
});

describe('optimizer.loadStateDict with something that is not a state dict', () => {
  function trained(): { opt: Adam; w: Tensor } {
    const w = leaf([1, 2]);
    const opt = new Adam([w], { lr: 0.1 });
    w.grad = tensor([1, -1]);
    opt.step();
    return { opt, w };
  }

  it('null, a number, an array: TypeError naming loadStateDict, optimizer unchanged', () => {
    const { opt } = trained();
    const before = snapshot(opt);
    for (const bad of [null, undefined, 5, 'state', []]) {
      expect(() => opt.loadStateDict(bad as never)).toThrow(TypeError);
    }
    expect(() => opt.loadStateDict(null as never)).toThrow(
      'Adam.loadStateDict: expected a state dict { state, paramGroups }, got null',
    );
    expect(snapshot(opt)).toEqual(before);
    expect(opt.paramGroups[0]!.lr).toBe(0.1);
  });

  it('the wrong structure: every part is checked before anything is written', () => {
    const { opt } = trained();
    const good = opt.stateDict();
    const before = snapshot(opt);
    const bad = (patch: object) => () => opt.loadStateDict({ ...good, ...patch } as never);
    expect(bad({ paramGroups: null })).toThrow(
      'Adam.loadStateDict: its paramGroups must be an array, got null',
    );
    expect(bad({ paramGroups: [5] })).toThrow(
      'Adam.loadStateDict: its group 0 must be an object, got number 5',
    );
    expect(bad({ paramGroups: [{ lr: 0.5 }] })).toThrow(
      'Adam.loadStateDict: its group 0 must have params, an array of parameter numbers, got undefined',
    );
    expect(bad({ state: 3 })).toThrow(TypeError);
    expect(bad({ state: { 0: null } })).toThrow(
      'Adam.loadStateDict: the state of parameter 0 must be an object, got null',
    );
    expect(bad({ state: { 0: { step: 1, expAvg: [1, 2] } } })).toThrow(
      "Adam.loadStateDict: the state dict does not fit: state 'expAvg' of parameter 0 is neither a Tensor nor a number",
    );
    expect(bad({ paramGroups: [...good.paramGroups, ...good.paramGroups] })).toThrow(ValueError);
    expect(bad({ paramGroups: [{ ...good.paramGroups[0], lr: 'fast' }] })).toThrow(
      "Adam: lr must be a number, got string 'fast'",
    );
    expect(snapshot(opt)).toEqual(before);
    expect(opt.paramGroups[0]!.lr).toBe(0.1);
  });
});

describe('schedulers: loadStateDict with something that is not a state dict', () => {
  const sgd = (groups = 1) =>
    new SGD(
      Array.from({ length: groups }, () => ({ params: [leaf([0])] })),
      { lr: 0.1 },
    );

  it('null and non-objects: TypeError naming the schedule, state unchanged', () => {
    const sched = new StepLR(sgd(), { stepSize: 2 });
    sched.step();
    const before = sched.stateDict();
    for (const bad of [null, undefined, 3, 'x', [1]]) {
      expect(() => sched.loadStateDict(bad as never)).toThrow(TypeError);
    }
    expect(() => sched.loadStateDict(null as never)).toThrow(
      'StepLR.loadStateDict: expected a state dict object (from stateDict()), got null',
    );
    const plateau = new ReduceLROnPlateau(sgd());
    expect(() => plateau.loadStateDict(null as never)).toThrow(
      'ReduceLROnPlateau.loadStateDict: expected a state dict object (from stateDict()), got null',
    );
    expect(sched.stateDict()).toEqual(before);
  });

  it('fields of the wrong kind, unknown fields and per-group lists of another length', () => {
    const opt = sgd(2);
    const sched = new CosineAnnealingLR(opt, { tMax: 10 });
    sched.step();
    const before = sched.stateDict();
    expect(() => sched.loadStateDict({ ...before, lastEpoch: '3' })).toThrow(
      `CosineAnnealingLR.loadStateDict: 'lastEpoch' must be a number, got string "3"`,
    );
    expect(() => sched.loadStateDict({ ...before, stepSize: 3 })).toThrow(
      "CosineAnnealingLR.loadStateDict: the state dict has 'stepSize', which CosineAnnealingLR does not save",
    );
    expect(() => sched.loadStateDict({ ...before, baseLrs: [0.1] })).toThrow(
      "CosineAnnealingLR.loadStateDict: 'baseLrs' has 1 values but the optimizer has 2 parameter groups",
    );
    expect(() => sched.loadStateDict({ ...before, baseLrs: [0.1, null] })).toThrow(
      "CosineAnnealingLR.loadStateDict: 'baseLrs'[1] must be a number, got null",
    );
    expect(sched.stateDict()).toEqual(before);
    // A StepLR's dict is not a MultiStepLR's.
    const step = new StepLR(sgd(), { stepSize: 2 });
    expect(() => new MultiStepLR(sgd(), { milestones: [1] }).loadStateDict(step.stateDict())).toThrow(
      "the state dict has 'stepSize', which MultiStepLR does not save",
    );
  });

  it('ReduceLROnPlateau still reads best: null (JSON of ±Infinity) as the start value', () => {
    const sched = new ReduceLROnPlateau(sgd());
    const saved = JSON.parse(JSON.stringify(sched.stateDict())) as Record<string, unknown>;
    expect(saved.best).toBeNull();
    sched.step(1);
    sched.loadStateDict(saved);
    expect(sched.best).toBe(Number.POSITIVE_INFINITY);
    expect(() => sched.loadStateDict({ ...saved, numBadEpochs: null })).toThrow(TypeError);
  });

  it('SequentialLR checks every child before writing its own state', () => {
    const opt = sgd();
    const a = new StepLR(opt, { stepSize: 1, gamma: 0.5 });
    const b = new StepLR(opt, { stepSize: 1, gamma: 0.1 });
    const seq = new SequentialLR(opt, { schedulers: [a, b], milestones: [2] });
    seq.step();
    const before = seq.stateDict();
    const children = before.schedulers as Record<string, unknown>[];
    const broken = { ...before, lastEpoch: 7, schedulers: [children[0], { ...children[1], gamma: 'x' }] };
    expect(() => seq.loadStateDict(broken)).toThrow("StepLR.loadStateDict: 'gamma' must be a number");
    expect(seq.stateDict()).toEqual(before);
  });
});
