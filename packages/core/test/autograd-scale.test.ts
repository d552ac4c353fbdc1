import { stack, type Tensor, tensor } from '@backprop/core';
import { describe, expect, it } from 'vitest';

const F64 = { dtype: 'float64', requiresGrad: true } as const;

// The engine orders nodes with an explicit stack; a recursive sort would overflow JavaScript's
// call stack (about 10,000 frames) long before these graphs end.
describe('large graphs', () => {
  it('backpropagates through a chain of 1,000,000 scalar ops with the exact gradient', () => {
    const n = 1_000_000;
    const k = 1 + 1e-7;
    const x = tensor(1, F64);
    const factor = tensor(k, { dtype: 'float64' }); // one constant, not a million
    let y: Tensor = x;
    for (let i = 0; i < n; i++) y = y.mul(factor);
    y.backward();
    // y = x k^n, so dy/dx = k^n = (1 + 1e-7)^1e6 ≈ e^0.1; float64 rounding over 1e6 products stays ~1e-14
    const expected = k ** n;
    expect(Math.abs(y.item() - expected)).toBeLessThan(1e-10);
    expect(Math.abs(x.grad!.item() - expected)).toBeLessThan(1e-10);
    expect(expected).toBeCloseTo(Math.exp(0.1), 6);
  });

  it('backpropagates through a chain of 10,000 adds of distinct leaves', () => {
    const leaves = Array.from({ length: 10_000 }, (_, i) => tensor(i, F64));
    let s: Tensor = leaves[0]!;
    for (let i = 1; i < leaves.length; i++) s = s.add(leaves[i]!.mul(i % 7));
    s.backward();
    expect(leaves[0]!.grad!.item()).toBe(1);
    leaves.slice(1).forEach((leaf, j) => {
      expect(leaf.grad!.item()).toBe((j + 1) % 7);
    });
  });

  it('backpropagates from one op with 10,000 leaf inputs', () => {
    const leaves = Array.from({ length: 10_000 }, (_, i) => tensor(i / 100, F64));
    const total = stack(leaves, 0).square().sum(); // d sum(x^2) / dx_i = 2 x_i
    expect(total.gradFn!.name).toBe('sum');
    total.backward();
    leaves.forEach((leaf, i) => {
      expect(leaf.grad!.item()).toBeCloseTo((2 * i) / 100, 12);
    });
  });
});
