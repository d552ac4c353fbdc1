import { noGrad, type Tensor, tensor, zeros } from '@backprop/core';
import { Adagrad, Adam, RMSprop, SGD } from '@backprop/optim';
import { describe, expect, it } from 'vitest';

const f64 = (data: number[]) => tensor(data, { dtype: 'float64', requiresGrad: true });
const setGrad = (t: Tensor, g: number[]) => {
  t.grad = tensor(g, { dtype: t.dtype });
};

describe('Optimizer basics', () => {
  it('zeroGrad sets every gradient to null, or to zeros with setToNone = false', () => {
    const a = f64([1, 2]);
    const b = f64([3]);
    const opt = new SGD([a, b], { lr: 0.1 });
    a.mul(b).sum().backward();
    opt.zeroGrad(false);
    expect(a.grad?.toArray()).toEqual([0, 0]);
    expect(b.grad?.toArray()).toEqual([0]);
    opt.zeroGrad();
    expect(a.grad).toBeNull();
    expect(b.grad).toBeNull();
  });

  it('skips parameters without a gradient and leaves their state untouched', () => {
    const a = f64([1, 2]);
    const b = f64([3, 4]);
    const opt = new Adam([a, b], { lr: 0.1 });
    setGrad(a, [1, -1]);
    opt.step();
    expect(b.toArray()).toEqual([3, 4]);
    expect(opt.state.has(b)).toBe(false);
    expect(opt.state.get(a)?.step).toBe(1);
    setGrad(b, [1, 1]);
    opt.step();
    expect(opt.state.get(a)?.step).toBe(2);
    expect(opt.state.get(b)?.step).toBe(1);
    a.grad = null;
    const before = (opt.state.get(a)!.expAvg as Tensor).toArray();
    opt.step();
    expect((opt.state.get(a)!.expAvg as Tensor).toArray()).toEqual(before);
    expect(opt.state.get(a)?.step).toBe(2);
  });

  it('respects per-group options', () => {
    const a = f64([1, 1]);
    const b = f64([1, 1]);
    const opt = new SGD([{ params: [a] }, { params: [b], lr: 0.5, weightDecay: 1 }], { lr: 0.1 });
    setGrad(a, [1, 2]);
    setGrad(b, [1, 2]);
    opt.step();
    expect(a.toArray()).toEqual([1 - 0.1 * 1, 1 - 0.1 * 2]);
    expect(b.toArray()).toEqual([1 - 0.5 * (1 + 1), 1 - 0.5 * (2 + 1)]);
    expect(opt.paramGroups.map((g) => [g.lr, g.weightDecay, g.momentum])).toEqual([
      [0.1, 0, 0],
      [0.5, 1, 0],
    ]);
  });

  it('addParamGroup adds parameters with the defaults and its own options', () => {
    const a = f64([1]);
    const b = f64([1]);
    const opt = new SGD([a], { lr: 0.1, momentum: 0.9 });
    opt.addParamGroup({ params: b, lr: 0.01 });
    expect(opt.paramGroups[1]).toMatchObject({ lr: 0.01, momentum: 0.9, params: [b] });
    setGrad(a, [1]);
    setGrad(b, [1]);
    opt.step();
    expect(a.item()).toBeCloseTo(0.9, 15);
    expect(b.item()).toBeCloseTo(0.99, 15);
    expect(opt.stateDict().paramGroups.map((g) => g.params)).toEqual([[0], [1]]);
  });

  it('takes any iterable of tensors', () => {
    const a = f64([1]);
    const b = f64([2]);
    const fromSet = new SGD(new Set([a, b]), { lr: 1 });
    function* gen() {
      yield a;
      yield b;
    }
    const fromGenerator = new SGD(gen(), { lr: 1 });
    expect(fromSet.paramGroups[0]!.params).toEqual([a, b]);
    expect(fromGenerator.paramGroups[0]!.params).toEqual([a, b]);
  });

  it('step(closure) runs the closure and returns its loss', () => {
    const x = f64([3]);
    const opt = new SGD([x], { lr: 0.25 });
    const loss = opt.step(() => {
      opt.zeroGrad();
      const l = x.square().sum();
      l.backward();
      return l;
    });
    expect(loss?.item()).toBe(9);
    expect(x.item()).toBe(3 - 0.25 * 6);
  });

  it('maximize ascends the gradient', () => {
    const x = f64([1]);
    const opt = new SGD([x], { lr: 0.5, maximize: true });
    setGrad(x, [2]);
    opt.step();
    expect(x.item()).toBe(2);
  });

  it('updates a non-dense parameter (a transposed view) through copy_', () => {
    const base = tensor(
      [
        [1, 2, 3],
        [4, 5, 6],
      ],
      { dtype: 'float64' },
    );
    const view = base.t().detach().requiresGrad_();
    const dense = tensor(view.toArray(), { dtype: 'float64', requiresGrad: true });
    const g = [0.5, -1, 2, 0, 1, 3];
    for (const t of [view, dense]) t.grad = tensor(g, { dtype: 'float64', shape: [3, 2] });
    new Adam([view], { lr: 0.1 }).step();
    new Adam([dense], { lr: 0.1 }).step();
    expect(view.isContiguous()).toBe(false);
    expect(view.toArray()).toEqual(dense.toArray());
    expect(base.t().toArray()).toEqual(dense.toArray()); // written through to the shared storage
  });

  it('updates float32 parameters', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const opt = new RMSprop([x], { lr: 0.01 });
    setGrad(x, [1, -1]);
    opt.step();
    expect(x.dtype).toBe('float32');
    // First RMSprop step: v = 0.01 g², so the step is lr·g/(0.1|g| + eps) = ±0.1 (v rounded to float32).
    expect(x.storage).toBeInstanceOf(Float32Array);
    expect(Array.from(x.data())).toEqual([expect.closeTo(0.9, 6), expect.closeTo(2.1, 6)]);
  });

  it('Adagrad holds state for every parameter from construction, as PyTorch', () => {
    const a = f64([1, 2]);
    const opt = new Adagrad([a], { initialAccumulatorValue: 0.5 });
    expect(opt.state.get(a)?.step).toBe(0);
    expect((opt.state.get(a)!.sum as Tensor).toArray()).toEqual([0.5, 0.5]);
  });
});

describe('stateDict and loadStateDict', () => {
  function trained() {
    const a = f64([1, 2]);
    const b = f64([3]);
    const opt = new Adam([{ params: [a] }, { params: [b], lr: 0.5, betas: [0.8, 0.9] }], { lr: 0.1 });
    setGrad(a, [1, 2]);
    setGrad(b, [3]);
    opt.step();
    return { a, b, opt };
  }

  it('numbers parameters across groups and copies options and state', () => {
    const { a, opt } = trained();
    const saved = opt.stateDict();
    expect(saved.paramGroups).toEqual([
      {
        lr: 0.1,
        betas: [0.9, 0.999],
        eps: 1e-8,
        weightDecay: 0,
        amsgrad: false,
        maximize: false,
        params: [0],
      },
      { lr: 0.5, betas: [0.8, 0.9], eps: 1e-8, weightDecay: 0, amsgrad: false, maximize: false, params: [1] },
    ]);
    expect(Object.keys(saved.state)).toEqual(['0', '1']);
    expect(saved.state[0]!.step).toBe(1);
    const m = (saved.state[0]!.expAvg as Tensor).toArray();
    expect(m).toEqual([0.1 * 1, 0.1 * 2].map((v) => expect.closeTo(v, 15)));
    // Not aliased: stepping and editing options leave the saved dict as it was.
    setGrad(a, [5, 5]);
    opt.step();
    opt.paramGroups[1]!.betas[0] = 0.1;
    expect((saved.state[0]!.expAvg as Tensor).toArray()).toEqual(m);
    expect(saved.paramGroups[1]!.betas).toEqual([0.8, 0.9]);
  });

  it('loads onto fresh parameters, casting state to their dtype', () => {
    const { opt } = trained();
    const saved = opt.stateDict();
    const a2 = tensor([0, 0], { requiresGrad: true });
    const b2 = tensor([0], { requiresGrad: true });
    const fresh = new Adam([{ params: [a2] }, { params: [b2] }]);
    fresh.loadStateDict(saved);
    expect(fresh.paramGroups[1]).toMatchObject({ lr: 0.5, betas: [0.8, 0.9], params: [b2] });
    const m = fresh.state.get(a2)?.expAvg as Tensor;
    expect(m.dtype).toBe('float32');
    expect(Array.from(m.data())).toEqual([Math.fround(0.1), Math.fround(0.2)]);
    expect(m).not.toBe(saved.state[0]!.expAvg);
  });

  it('rejects a state dict that does not fit, changing nothing', () => {
    const { opt } = trained();
    const saved = opt.stateDict();
    const one = new Adam([f64([0, 0]), f64([0])], { lr: 0.3 });
    expect(() => one.loadStateDict(saved)).toThrow(
      'Adam.loadStateDict: the state dict does not fit: it has 2 parameter groups but the optimizer has 1',
    );
    const sizes = new Adam([{ params: [f64([0, 0]), f64([1])] }, { params: [f64([0])] }]);
    expect(() => sizes.loadStateDict(saved)).toThrow(
      "its group 0 has 1 parameters but the optimizer's has 2",
    );
    const shapes = new Adam([{ params: [f64([0, 0, 0])] }, { params: [f64([0])] }], { lr: 0.3 });
    expect(() => shapes.loadStateDict(saved)).toThrow(
      "state 'expAvg' of parameter 0 has shape [2] but the parameter has [3]",
    );
    expect(shapes.paramGroups[0]!.lr).toBe(0.3);
    expect(shapes.state.size).toBe(0);
  });

  it('SGD state survives a round trip (momentum buffer), and a fresh SGD continues identically', () => {
    const run = (opt: SGD, x: Tensor, steps: number) => {
      for (let i = 0; i < steps; i++) {
        setGrad(x, [x.item() * 2]);
        opt.step();
      }
    };
    const x = f64([1]);
    const opt = new SGD([x], { lr: 0.1, momentum: 0.9 });
    run(opt, x, 3);
    const y = f64([x.item()]);
    const opt2 = new SGD([y], { lr: 0.7 });
    opt2.loadStateDict(opt.stateDict());
    expect(opt2.paramGroups[0]).toMatchObject({ lr: 0.1, momentum: 0.9 });
    run(opt, x, 3);
    run(opt2, y, 3);
    expect(y.item()).toBe(x.item());
  });
});

describe('zeros-only parameters', () => {
  it('a zero gradient still steps (unlike a null one)', () => {
    const x = zeros([1], { dtype: 'float64', requiresGrad: true });
    const opt = new SGD([x], { lr: 0.1, weightDecay: 0.5 });
    x.grad = zeros([1], { dtype: 'float64' });
    noGrad(() => x.fill_(2)); // a leaf that requires grad is written under noGrad, as in PyTorch
    opt.step();
    expect(x.item()).toBeCloseTo(2 - 0.1 * 0.5 * 2, 15);
  });
});
