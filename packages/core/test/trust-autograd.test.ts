import {
  AutogradError,
  cat,
  customOp,
  detectAnomaly,
  enableGrad,
  gather,
  grad,
  gradcheck,
  graphToSvg,
  isGradEnabled,
  noGrad,
  ones,
  randn,
  type Tensor,
  tensor,
  toDot,
  ValueError,
  variance,
  zeros,
} from '@backprop/core';
import { describe, expect, it } from 'vitest';
import { thrown } from './helpers.js';

describe('hooks are checked, and a failing pass writes no .grad', () => {
  it('a leaf hook returning a gradient of the wrong shape throws, naming the leaf and both shapes', () => {
    const x = tensor([1, 2, 3], { requiresGrad: true });
    x.registerHook(() => zeros([5]));
    const e = thrown(() => x.mul(2).sum().backward());
    expect(e).toBeInstanceOf(AutogradError);
    expect(e.message).toBe(
      'a hook on a leaf of shape [3] returned a gradient of shape [5] (float32); expected [3] (float32)',
    );
    expect(x.grad).toBeNull();
  });

  it('a leaf hook returning another dtype, or a number, throws', () => {
    const x = tensor([1, 2, 3], { requiresGrad: true });
    const handle = x.registerHook((g) => g.to('float64'));
    expect(thrown(() => x.sum().backward()).message).toContain('returned a gradient of shape [3] (float64)');
    handle.remove();
    x.registerHook((() => 5) as unknown as (g: Tensor) => Tensor);
    const e = thrown(() => x.sum().backward());
    expect(e).toBeInstanceOf(AutogradError);
    expect(e.message).toBe(
      'a hook on a leaf of shape [3] returned number 5; a hook returns a Tensor or nothing',
    );
    expect(x.grad).toBeNull();
  });

  it('a hook on a non-leaf is checked too and names the op whose output it watches', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const h = x.exp();
    h.registerHook(() => zeros([1]));
    const e = thrown(() => h.sum().backward());
    expect(e.message).toBe(
      'a hook on the output of exp returned a gradient of shape [1] (float32); expected [2] (float32)',
    );
  });

  it("when one leaf's hook throws, no leaf's .grad changes (all leaves, not only some)", () => {
    const a = tensor([1, 2], { requiresGrad: true });
    const b = tensor([3, 4], { requiresGrad: true });
    const c = tensor([5, 6], { requiresGrad: true });
    a.grad = tensor([10, 10]);
    const retained = a.mul(b);
    retained.retainGrad();
    c.registerHook(() => {
      throw new Error('hook failed');
    });
    expect(thrown(() => retained.add(c).sum().backward()).message).toBe('hook failed');
    expect(a.grad.toArray()).toEqual([10, 10]);
    expect(b.grad).toBeNull();
    expect(c.grad).toBeNull();
    expect(retained.grad).toBeNull();
  });

  it('a .grad the user set to a wrong shape is refused before any leaf is written', () => {
    const a = tensor([1, 2], { requiresGrad: true });
    const b = tensor([3, 4], { requiresGrad: true });
    b.grad = zeros([3]);
    const e = thrown(() => a.mul(b).sum().backward());
    expect(e).toBeInstanceOf(AutogradError);
    expect(e.message).toContain(
      'the existing .grad of shape [3] (float32) does not fit its tensor of shape [2]',
    );
    expect(a.grad).toBeNull();
    expect(b.grad!.toArray()).toEqual([0, 0, 0]);
  });

  it("a custom op's backward returning another dtype or a non-tensor throws, naming the op", () => {
    const widen = customOp({
      name: 'widen',
      forward: (_ctx, x) => x.mul(2),
      backward: (_ctx, dy) => [dy.mul(2).to('float64')],
    });
    const x = tensor([1, 2], { requiresGrad: true });
    const e = thrown(() => widen(x).sum().backward());
    expect(e).toBeInstanceOf(AutogradError);
    expect(e.message).toBe('widen backward: gradient of input 0 has dtype float64, but the input is float32');
    const numeric = customOp({
      name: 'numeric',
      forward: (_ctx, v) => v.mul(2),
      backward: () => [2 as unknown as Tensor],
    });
    expect(thrown(() => numeric(x).sum().backward()).message).toBe(
      'numeric backward: gradient of input 0 must be a Tensor or null, got number 2',
    );
    expect(x.grad).toBeNull();
    // undefined (from untyped code) means no gradient, as null does.
    const scaleFirst = customOp({
      name: 'scaleFirst',
      forward: (_ctx, a, b) => a.mul(b),
      backward: (ctx, dy) => [dy.mul(ctx.needsInputGrad[0] ? 3 : 0), undefined as unknown as null],
    });
    const c = tensor([5, 6]);
    scaleFirst(x, c).sum().backward();
    expect(x.grad?.toArray()).toEqual([3, 3]);
    expect(c.grad).toBeNull();
  });
});

describe('saved tensors are released after backward', () => {
  it('a freed node keeps its name, shape and structure but no activations, saved values or closure', () => {
    const w = tensor([1, 2], { requiresGrad: true });
    const x = tensor([3, 4]);
    const h = w.mul(x).exp();
    const loss = h.sum();
    loss.backward();
    const sum = loss.gradFn!;
    expect(sum.name).toBe('sum');
    expect(sum.freed).toBe(true);
    expect(sum.saved).toBeNull();
    // The exp output (an activation) became the exp node that made it.
    expect(sum.released!.map((n) => (n as { name?: string }).name)).toEqual(['exp']);
    const mul = h.gradFn!.released![0] as typeof sum;
    expect(mul.name).toBe('mul');
    // The parameter is kept (as PyTorch's AccumulateGrad keeps it), and so is a small constant.
    expect(mul.released![0]).toBe(w);
    expect(mul.released![1]).toBe(x);
    // Tensors the user holds stay readable.
    expect(h.data()[0]).toBeCloseTo(Math.exp(3), 4);
  });

  it('a freed node keeps a large data leaf by shape and dtype only', () => {
    const w = tensor([0.5], { requiresGrad: true });
    const batch = ones([100, 3]);
    const loss = batch.mul(w).sum();
    loss.backward();
    const record = loss.gradFn!.released![0] as unknown as { released: unknown[] };
    const kept = record.released[0] as { shape: number[]; dtype: string; requiresGrad: boolean };
    expect(kept).not.toBe(batch);
    expect(kept.shape).toEqual([100, 3]);
    expect(kept.dtype).toBe('float32');
    expect(kept.requiresGrad).toBe(false);
    expect(record.released[1]).toBe(w);
  });

  it('toDot and graphToSvg still draw a freed graph, with values only where tensors are still held', () => {
    const w = tensor([1, 2], { requiresGrad: true });
    const x = tensor([3, 4]);
    const loss = w.mul(x).tanh().sum();
    const before = toDot(loss);
    loss.backward();
    expect(toDot(loss)).toBe(before);
    const svg = graphToSvg(loss, { names: new Map([[w, 'w']]) });
    expect(svg).toContain('>tanh<');
    expect(svg).toContain('>w<');
  });

  it('a node lists its inputs in argument order whatever their count, live and freed', () => {
    const a = tensor([1], { requiresGrad: true });
    const b = tensor([2], { requiresGrad: true });
    const big = ones([100]);
    const joined = cat([a.exp(), b, big]);
    const node = joined.gradFn!;
    expect(node.inputs.length).toBe(3);
    expect(node.inputs[1]).toBe(b);
    expect(node.inputs[2]).toBe(big);
    const neg = a.neg();
    expect(neg.gradFn!.inputs).toEqual([a]);
    const loss = joined.sum().add(neg.sum());
    loss.backward();
    // Freed: the exp output became its node, b is kept, the 100-element constant is a shape record.
    const [first, second, third] = node.released as unknown as [
      { name: string },
      Tensor,
      { shape: number[] },
    ];
    expect(first.name).toBe('exp');
    expect(second).toBe(b);
    expect(third).not.toBe(big);
    expect(third.shape).toEqual([100]);
    expect(neg.gradFn!.released).toEqual([a]);
    expect(a.grad!.item()).toBeCloseTo(Math.E - 1, 6);
    expect(b.grad!.toArray()).toEqual([1]);
  });

  it('retainGraph keeps everything for a second pass', () => {
    const w = tensor([1, 2], { requiresGrad: true });
    const loss = w.mul(w).sum();
    loss.backward(undefined, { retainGraph: true });
    expect(loss.gradFn!.freed).toBe(false);
    loss.backward();
    expect(w.grad!.toArray()).toEqual([4, 8]);
    expect(thrown(() => loss.backward()).message).toContain('retainGraph');
  });
});

describe('the order backward runs nodes in', () => {
  // PyTorch runs a graph latest made first (on one device its engine always takes the ready node
  // with the highest sequence number, which is the highest left). Hooks on non-leaf tensors show
  // the order: torch 1.13 prints ['d', 'a', 'b'] for this graph, where a depth-first post-order
  // from the loss would run b before a (b is the later input of c but was made first).
  function hookOrder(unrelatedOps: number): string[] {
    const x = tensor([1, 2], { requiresGrad: true });
    const b = x.mul(3);
    const a = x.mul(2);
    // Nodes of another graph made in between: the loss's nodes then spread over a long range of
    // sequence numbers, which the engine sorts instead of placing each directly.
    let other = tensor([1], { requiresGrad: true });
    for (let i = 0; i < unrelatedOps; i++) other = other.mul(1);
    const c = a.add(b);
    const d = x.exp();
    const order: string[] = [];
    for (const [name, t] of [
      ['a', a],
      ['b', b],
      ['d', d],
    ] as const) {
      t.registerHook(() => {
        order.push(name);
      });
    }
    c.sum().add(d.sum()).backward();
    expect(x.grad?.toArray()).toEqual([1, 2].map((v) => Math.fround(5 + Math.fround(Math.exp(v)))));
    return order;
  }

  it('runs nodes latest made first, as PyTorch does', () => {
    expect(hookOrder(0)).toEqual(['d', 'a', 'b']);
    expect(hookOrder(1000)).toEqual(['d', 'a', 'b']);
  });
});

describe('grad() and friends', () => {
  it('handles an op with 150,000 inputs without overflowing the stack (issue repro 5)', () => {
    const parts = Array.from({ length: 150_000 }, (_, i) => tensor([i % 7]));
    const f = (x: Tensor) =>
      cat([x, ...parts], 0)
        .square()
        .sum();
    expect(grad(f)(tensor([3])).toArray()).toEqual([6]);
  });

  it('is typed: one argnum gives a Tensor, an array of argnums an array, in order', () => {
    const f = (a: Tensor, b: Tensor) => a.mul(b).sum();
    const da: Tensor = grad(f)(tensor([2]), tensor([3]));
    const both: Tensor[] = grad(f, { argnums: [1, 0] })(tensor([2]), tensor([3]));
    const second: Tensor = grad((x: Tensor) => grad((y: Tensor) => y.pow(3).sum())(x).sum())(tensor([2]));
    expect(da.toArray()).toEqual([3]);
    expect(both.map((t) => t.toArray())).toEqual([[2], [3]]);
    expect(second.toArray()).toEqual([12]);
  });

  it('gradcheck passes int32 index inputs through as constants', () => {
    const x = randn([2, 3], { requiresGrad: true, dtype: 'float64' });
    const index = tensor(
      [
        [2, 0],
        [1, 1],
      ],
      { dtype: 'int32' },
    );
    expect(gradcheck((t, i) => gather(t, 1, i).square(), [x, index])).toBe(true);
    // Inputs that don't require grad are constants when another one does.
    const c = randn([2, 2], { dtype: 'float64' });
    expect(gradcheck((t, k) => gather(t, 1, index).mul(k), [x, c])).toBe(true);
    expect(thrown(() => gradcheck((i) => i.mul(2), [index]))).toBeInstanceOf(ValueError);
  });

  it('variance can be imported by name and is the same op as var', () => {
    const t = tensor([1, 2, 3, 4]);
    expect(variance(t).item()).toBeCloseTo(5 / 3, 6);
    expect(t.variance(0, false, { correction: 0 }).item()).toBe(1.25);
  });
});

describe('grad mode is synchronous', () => {
  it('noGrad and enableGrad refuse async functions and functions returning a Promise; the mode is restored', async () => {
    const e = thrown(() => noGrad(async () => 1));
    expect(e).toBeInstanceOf(AutogradError);
    expect(e.message).toContain('noGrad: fn is asynchronous');
    expect(thrown(() => noGrad(() => Promise.resolve(1)))).toBeInstanceOf(AutogradError);
    expect(thrown(() => noGrad(() => enableGrad(async () => 1))).message).toContain(
      'enableGrad: fn is asynchronous',
    );
    expect(isGradEnabled()).toBe(true);
    expect(noGrad(() => 7)).toBe(7);
  });
});

describe('detectAnomaly checks every op, recording or not (issue repro 8)', () => {
  it('a log of a negative constant throws, naming the op', () => {
    const e = thrown(() => detectAnomaly(() => tensor([-1, 4]).log()));
    expect(e).toBeInstanceOf(AutogradError);
    expect(e.message).toBe('log: forward produced NaN at flat index 0 (detectAnomaly)');
  });

  it('inside noGrad too, and finite results pass', () => {
    const x = tensor([0, 1], { requiresGrad: true });
    expect(thrown(() => detectAnomaly(() => noGrad(() => x.div(0)))).message).toContain(
      'div: forward produced',
    );
    expect(detectAnomaly(() => tensor([1, 4]).log().toArray())).toEqual([0, Math.fround(Math.log(4))]);
  });
});
