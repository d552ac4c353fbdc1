import { type Tensor, tensor } from '@backprop/core';
import { clipGradNorm_, clipGradValue_ } from '@backprop/optim';
import { describe, expect, it } from 'vitest';

function withGrad(g: number[]): Tensor {
  const p = tensor(
    g.map(() => 0),
    { dtype: 'float64', requiresGrad: true },
  );
  p.grad = tensor(g, { dtype: 'float64' });
  return p;
}

describe('clipGradNorm_', () => {
  it('returns the total 2-norm before clipping and scales every gradient by maxNorm / (norm + 1e-6)', () => {
    const a = withGrad([3, 4]);
    const b = withGrad([12]);
    const norm = clipGradNorm_([a, b], 6.5);
    expect(norm).toBe(13); // √(3² + 4² + 12²)
    const coef = 6.5 / (13 + 1e-6);
    expect(Array.from(a.grad!.data())).toEqual([3 * coef, 4 * coef]);
    expect(Array.from(b.grad!.data())).toEqual([12 * coef]);
    const after = Math.hypot(3 * coef, 4 * coef, 12 * coef);
    expect(after).toBeLessThanOrEqual(6.5);
    expect(after).toBeCloseTo(6.5, 5);
  });

  it('leaves gradients alone when the norm is within maxNorm', () => {
    const a = withGrad([0.3, -0.4]);
    expect(clipGradNorm_([a], 1)).toBeCloseTo(0.5, 15);
    expect(Array.from(a.grad!.data())).toEqual([0.3, -0.4]);
  });

  it('supports other norms: 1 and Infinity', () => {
    const a = withGrad([1, -2]);
    const b = withGrad([3]);
    expect(clipGradNorm_([a, b], 100, 1)).toBe(6);
    expect(clipGradNorm_([a, b], 1.5, Number.POSITIVE_INFINITY)).toBe(3);
    const coef = 1.5 / (3 + 1e-6);
    expect(Array.from(b.grad!.data())).toEqual([3 * coef]);
  });

  it('ignores parameters without a gradient, takes a single tensor, and returns 0 with no gradients', () => {
    const a = withGrad([6, 8]);
    const none = tensor([1, 1], { requiresGrad: true });
    expect(clipGradNorm_([a, none], 5)).toBe(10);
    expect(none.grad).toBeNull();
    expect(clipGradNorm_(withGrad([-2]), 10)).toBe(2);
    expect(clipGradNorm_([none], 1)).toBe(0);
  });

  it('throws on a non-finite norm when asked, else spreads NaN as PyTorch does', () => {
    const a = withGrad([Number.NaN, 1]);
    expect(() => clipGradNorm_([a], 1, 2, { errorIfNonfinite: true })).toThrow(
      'clipGradNorm_: the total norm of order 2 of the gradients is NaN',
    );
    expect(Array.from(a.grad!.data())[1]).toBe(1); // unchanged by the failed call
    expect(Number.isNaN(clipGradNorm_([a], 1))).toBe(true);
    expect(Number.isNaN(a.grad!.data()[1]!)).toBe(true);
  });

  it('rejects bad arguments', () => {
    expect(() => clipGradNorm_([withGrad([1])], -1)).toThrow('clipGradNorm_: maxNorm must be >= 0, got -1');
    expect(() => clipGradNorm_([withGrad([1])], 1, 0)).toThrow(
      'clipGradNorm_: normType must be > 0 or Infinity, got 0',
    );
  });

  it('scales float32 gradients in place', () => {
    const p = tensor([0, 0], { requiresGrad: true });
    p.grad = tensor([30, 40]);
    expect(clipGradNorm_([p], 5)).toBe(50);
    expect(Array.from(p.grad.data())).toEqual([
      Math.fround(30 * (5 / (50 + 1e-6))),
      Math.fround(40 * (5 / (50 + 1e-6))),
    ]);
  });
});

describe('clipGradValue_', () => {
  it('clamps every gradient element to [-clipValue, clipValue]', () => {
    const a = withGrad([-3, -0.5, 0, 0.25, 2]);
    const none = tensor([1], { requiresGrad: true });
    clipGradValue_([a, none], 1);
    expect(Array.from(a.grad!.data())).toEqual([-1, -0.5, 0, 0.25, 1]);
    expect(none.grad).toBeNull();
    expect(() => clipGradValue_([a], -1)).toThrow('clipGradValue_: clipValue must be >= 0, got -1');
  });
});
