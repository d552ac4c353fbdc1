import {
  AutogradError,
  DTypeError,
  noGrad,
  ShapeError,
  type Tensor,
  tensor,
  ValueError,
  zeros,
} from '@backprop/core';
import { describe, expect, it } from 'vitest';
import { thrown } from './helpers.js';

const F64 = { dtype: 'float64' } as const;

// The error backward throws when a tensor an op saved was written in place afterwards.
function expectInPlaceError(fn: () => unknown, op: string, shape: string): void {
  const e = thrown(fn);
  expect(e).toBeInstanceOf(AutogradError);
  expect(e.message).toContain('modified by an inplace operation');
  expect(e.message).toContain(`${op} backward`);
  expect(e.message).toContain(`shape ${shape}`);
}

describe('version counters: backward refuses saved tensors written in place', () => {
  it('a parameter updated between two backward passes through one graph (issue repro 1)', () => {
    const w = tensor([2, 3], { requiresGrad: true, ...F64 });
    const loss = w
      .mul(w)
      .mul(tensor([5, 7], F64))
      .sum();
    loss.backward(undefined, { retainGraph: true });
    expect(w.grad!.toArray()).toEqual([20, 42]);
    // What an optimizer step does: an in-place update outside autograd.
    noGrad(() => w.sub_(w.grad!.mul(0.1)));
    w.zeroGrad();
    // Without the version check this gave [0, -16.8]: the new w mixed into the old graph.
    expectInPlaceError(() => loss.backward(), 'mul', '[2]');
    expect(w.grad).toBeNull();
  });

  it('copy_ under noGrad into a tensor that mul saved for the other operand', () => {
    const a = tensor([1, 1], { requiresGrad: true });
    const w = tensor([3, 4]);
    const y = a.mul(w).sum();
    noGrad(() => w.copy_(tensor([100, 100])));
    expectInPlaceError(() => y.backward(), 'mul', '[2]');
    expect(a.grad).toBeNull();
  });

  it("exp saves its output: filling the output makes x's gradient an error, not zeros", () => {
    const x = tensor([0.5, 1], { requiresGrad: true });
    const y = x.exp();
    const s = y.sum();
    noGrad(() => y.fill_(0));
    expectInPlaceError(() => s.backward(), 'exp', '[2]');
    expect(x.grad).toBeNull();
  });

  it('a write through another view of the same storage counts (detach shares the version)', () => {
    const w = tensor([1, 2, 3], { requiresGrad: true });
    const x = tensor([4, 5, 6]);
    const loss = w.mul(x).sum();
    x.detach().mul_(2);
    expect(x._version).toBe(1);
    expectInPlaceError(() => loss.backward(), 'mul', '[3]');
  });

  it('ops that save nothing are not affected, as in PyTorch (add reads no values)', () => {
    const w = tensor([1, 2], { requiresGrad: true });
    const c = tensor([10, 20]);
    const loss = w.add(c).sum();
    c.add_(1);
    loss.backward();
    expect(w.grad!.toArray()).toEqual([1, 1]);
  });

  it('mul saves only the operand another gradient needs: a constant written after is refused, w alone is not', () => {
    const w = tensor([1, 2], { requiresGrad: true });
    const c = tensor([3, 4]);
    const loss = w.mul(c).sum();
    // mul needs c for dw, never w itself (c needs no gradient).
    noGrad(() => w.add_(1));
    loss.backward();
    expect(w.grad!.toArray()).toEqual([3, 4]);
  });

  it('within one graph, a write refuses the nodes made before it and not those made after', () => {
    const w = tensor([1, 2], { requiresGrad: true, ...F64 });
    const c = tensor([3, 4], F64);
    const early = w.mul(c);
    noGrad(() => c.mul_(10));
    // Made after the write: this mul saved c as it is now, [30, 40].
    const late = w.mul(c).sum();
    late.backward(undefined, { retainGraph: true });
    expect(w.grad!.toArray()).toEqual([30, 40]);
    // The mul made before the write saved c as it was: refused, and .grad untouched.
    expectInPlaceError(() => early.sum().add(late).backward(), 'mul', '[2]');
    expect(w.grad!.toArray()).toEqual([30, 40]);
  });

  it('a fresh graph after the write is fine (the normal training loop)', () => {
    const w = tensor([2, 3], { requiresGrad: true });
    for (let step = 0; step < 3; step++) {
      w.zeroGrad();
      w.mul(w).sum().backward();
      noGrad(() => w.sub_(w.grad!.mul(0.25)));
    }
    // w <- w - 0.25 * 2w = w / 2 each step
    expect(w.toArray()).toEqual([0.25, 0.375]);
    expect(w._version).toBe(3);
  });
});

describe('in-place ops', () => {
  it('refuse a leaf that requires grad outside noGrad, naming the op and saying leaf; nothing written', () => {
    const w = tensor([1, 2], { requiresGrad: true });
    for (const [op, call] of [
      ['copy_', () => w.copy_(tensor([5, 5]))],
      ['fill_', () => w.fill_(0)],
      ['add_', () => w.add_(1)],
      ['mul_', () => w.mul_(2)],
      ['relu_', () => w.relu_()],
    ] as const) {
      const e = thrown(call);
      expect(e).toBeInstanceOf(AutogradError);
      expect(e.message).toContain(`${op}:`);
      expect(e.message).toContain('leaf');
    }
    expect(w.toArray()).toEqual([1, 2]);
    expect(w._version).toBe(0);
    noGrad(() => w.copy_(tensor([5, 6])));
    expect(w.toArray()).toEqual([5, 6]);
  });

  it('refuse a tensor that is part of the graph, and a written value that requires grad', () => {
    const x = tensor([1, -2], { requiresGrad: true });
    const h = x.mul(2);
    const e = thrown(() => h.relu_());
    expect(e).toBeInstanceOf(AutogradError);
    expect(e.message).toContain(
      'relu_: in-place ops on a tensor that is part of the graph (the output of mul',
    );
    const buffer = zeros([2]);
    const e2 = thrown(() => buffer.copy_(h));
    expect(e2).toBeInstanceOf(AutogradError);
    expect(e2.message).toContain('copy_: the value written (shape [2]) requires grad');
    expect(buffer.toArray()).toEqual([0, 0]);
    expect(h.toArray()).toEqual([2, -4]);
  });

  it('compute the right values, broadcasting the other operand, and bump the version once each', () => {
    const t = tensor([
      [1, -2],
      [3, -4],
    ]);
    t.add_(tensor([10, 20]));
    expect(t.toArray()).toEqual([
      [11, 18],
      [13, 16],
    ]);
    t.sub_(1)
      .mul_(tensor([[2], [1]]))
      .div_(2);
    expect(t.toArray()).toEqual([
      [10, 17],
      [6, 7.5],
    ]);
    t.clamp_(7, 12);
    expect(t.toArray()).toEqual([
      [10, 12],
      [7, 7.5],
    ]);
    t.maskedFill_(
      tensor([
        [1, 0],
        [0, 1],
      ]),
      -1,
    ).relu_();
    expect(t.toArray()).toEqual([
      [0, 12],
      [7, 0],
    ]);
    expect(t._version).toBe(7);
    t.zero_();
    expect(t.toArray()).toEqual([
      [0, 0],
      [0, 0],
    ]);
  });

  it('write through strided views into the base storage', () => {
    const base = tensor([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    base.t().slice(0, 1, 3).add_(100);
    expect(base.toArray()).toEqual([
      [1, 102, 103],
      [4, 105, 106],
    ]);
    expect(base._version).toBe(1);
  });

  it('refuse bad targets with clear errors and leave the tensor as it was', () => {
    const ints = tensor([1, 2], { dtype: 'int32' });
    const e1 = thrown(() => ints.div_(2));
    expect(e1).toBeInstanceOf(DTypeError);
    expect(e1.message).toBe("div_: result type float32 can't be cast to the tensor's dtype int32");
    const e2 = thrown(() => ints.add_(0.5));
    expect(e2).toBeInstanceOf(DTypeError);
    const e3 = thrown(() => ints.fill_(1e12));
    expect(e3).toBeInstanceOf(ValueError);
    expect(e3.message).toContain('fill_: value 1000000000000 does not fit dtype int32');
    expect(thrown(() => ints.fill_(Number.NaN))).toBeInstanceOf(ValueError);
    expect(ints.toArray()).toEqual([1, 2]);
    expect(ints._version).toBe(0);
    ints.fill_(-7.9); // truncates toward zero, as PyTorch
    expect(ints.toArray()).toEqual([-7, -7]);

    const small = zeros([3]);
    const e4 = thrown(() => small.add_(zeros([2, 3])));
    expect(e4).toBeInstanceOf(ShapeError);
    expect(e4.message).toBe("add_: output with shape [3] doesn't match the broadcast shape [2,3]");
    const expanded = zeros([1, 3]).expand([2, 3]);
    const e5 = thrown(() => expanded.add_(1));
    expect(e5).toBeInstanceOf(ValueError);
    expect(e5.message).toContain('add_: the tensor (shape [2,3]) is an expanded view');
    expect(small.toArray()).toEqual([0, 0, 0]);
  });

  it('in-place writes after the graph is gone need no noGrad on plain tensors', () => {
    const acc: Tensor = zeros([2]);
    for (let i = 0; i < 3; i++) acc.add_(tensor([i, 2 * i]));
    expect(acc.toArray()).toEqual([3, 6]);
  });
});
