import {
  Generator,
  grad,
  gradcheck,
  linear,
  ones,
  randn,
  ShapeError,
  type Tensor,
  tensor,
} from '@backprop/core';
import { describe, expect, it } from 'vitest';
import { expectClose } from './helpers.js';

const F64 = { dtype: 'float64', requiresGrad: true } as const;

// Fresh float64 leaves drawn from a seeded generator.
function leaves(seed: number, ...shapes: number[][]): Tensor[] {
  const generator = new Generator(seed);
  return shapes.map((s) => randn(s, { ...F64, generator }));
}

// The same leaves again, as independent copies, so both paths get their own .grad.
function twins(ts: readonly Tensor[]): Tensor[] {
  return ts.map((t) => t.detach().clone().requiresGrad_());
}

describe('linear', () => {
  it('computes x Wᵀ + b', () => {
    const y = linear(ones([4, 3]), ones([2, 3]), tensor([1, 2]));
    expect(y.toArray()).toEqual([
      [4, 5],
      [4, 5],
      [4, 5],
      [4, 5],
    ]);
    expect(linear(tensor([1, 2]), tensor([[3, 4]])).toArray()).toEqual([11]);
  });

  it('matches matmul + add on random inputs, forward and backward, with leading batch dims', () => {
    const [x, w, b] = leaves(7, [2, 5, 4], [3, 4], [3]) as [Tensor, Tensor, Tensor];
    const [x2, w2, b2] = twins([x, w, b]) as [Tensor, Tensor, Tensor];
    const upstream = randn([2, 5, 3], { dtype: 'float64', generator: new Generator(8) });
    const y = linear(x, w, b);
    const ref = x2.matmul(w2.t()).add(b2);
    expectClose(y, ref, { atol: 1e-12, rtol: 1e-12 });
    y.backward(upstream);
    ref.backward(upstream);
    for (const [got, want] of [
      [x, x2],
      [w, w2],
      [b, b2],
    ] as const) {
      expectClose(got.grad!, want.grad!, { atol: 1e-12, rtol: 1e-12 });
    }
  });

  it('accumulates into .grad over repeated backward passes without aliasing the first gradient', () => {
    const [x, w] = leaves(3, [6, 4], [2, 4]) as [Tensor, Tensor];
    const [x2, w2] = twins([x, w]) as [Tensor, Tensor];
    linear(x, w).sum().backward();
    const first = w.grad!;
    const firstValues = Array.from(first.data());
    linear(x, w).square().sum().backward();
    x2.matmul(w2.t()).sum().backward();
    x2.matmul(w2.t()).square().sum().backward();
    expectClose(w.grad!, w2.grad!, { atol: 1e-12, rtol: 1e-12 });
    expectClose(x.grad!, x2.grad!, { atol: 1e-12, rtol: 1e-12 });
    // The dense weight gradient is kept as .grad, so later passes add into it in place.
    expect(w.grad).toBe(first);
    expect(firstValues).not.toEqual(Array.from(w.grad!.data()));
  });

  it('passes gradcheck, with and without bias, and differentiates twice', () => {
    const [x, w, b] = leaves(11, [3, 4], [2, 4], [2]) as [Tensor, Tensor, Tensor];
    expect(gradcheck((xi, wi, bi) => linear(xi, wi, bi).tanh(), [x, w, b])).toBe(true);
    expect(gradcheck((xi, wi) => linear(xi, wi).square(), [x, w])).toBe(true);
    // Second order: the gradient in x of sum(sigmoid(x Wᵀ)) is itself differentiable in W.
    const dx = (xi: Tensor, wi: Tensor) => grad((xj: Tensor) => linear(xj, wi).sigmoid().sum())(xi) as Tensor;
    expect(gradcheck((xi, wi) => dx(xi, wi).square(), [x, w])).toBe(true);
  });

  it('names the op and the shapes when they do not fit', () => {
    expect(() => linear(ones([2, 3]), ones([4, 2]))).toThrow(ShapeError);
    expect(() => linear(ones([2, 3]), ones([4, 2]))).toThrow(/linear: .*\[2,3\].*\[4,2\]/);
    expect(() => linear(ones([2, 3]), ones([4, 3]), ones([3]))).toThrow(/linear: bias must have shape \[4\]/);
  });
});
