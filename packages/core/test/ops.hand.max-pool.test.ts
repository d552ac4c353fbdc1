import {
  Generator,
  grad,
  gradcheck,
  maxPool2d,
  pad,
  randn,
  stack,
  type Tensor,
  tensor,
} from '@backprop/core';
import { describe, expect, it } from 'vitest';
import { expectClose } from './helpers.js';

// Max pooling composed from public ops: −∞ padding, every tap gathered with indexSelect, then a
// max over the taps. Its gradient is the max reduction's (ties split evenly), the rule maxPool2d keeps.
function reference(x: Tensor, k: number, s: number, p: number): Tensor {
  const xp = pad(x, [p, p, p, p], Number.NEGATIVE_INFINITY);
  const [h, w] = [xp.shape[2]!, xp.shape[3]!];
  const oh = Math.floor((h - k) / s) + 1;
  const ow = Math.floor((w - k) / s) + 1;
  const steps = (n: number, a: number) =>
    tensor(
      Array.from({ length: n }, (_, i) => i * s + a),
      { dtype: 'int32' },
    );
  const taps: Tensor[] = [];
  for (let a = 0; a < k; a++) {
    for (let b = 0; b < k; b++) taps.push(xp.indexSelect(2, steps(oh, a)).indexSelect(3, steps(ow, b)));
  }
  return stack(taps, -1).max(-1);
}

// Forward values and input gradients (for a fixed upstream) of maxPool2d and of the reference.
function both(x: Tensor, k: number, s: number, p: number, seed: number) {
  const a = x.detach().clone().requiresGrad_();
  const b = x.detach().clone().requiresGrad_();
  const y = maxPool2d(a, k, { stride: s, padding: p });
  const ref = reference(b, k, s, p);
  const up = randn(y.shape, { dtype: x.dtype, generator: new Generator(seed) });
  y.backward(up);
  ref.backward(up);
  return { y, ref, dx: a.grad!, dxRef: b.grad! };
}

describe('maxPool2d as one op', () => {
  it('matches the composed rule on random input with padding and overlapping windows', () => {
    const x = randn([2, 3, 7, 6], { dtype: 'float64', generator: new Generator(5) });
    for (const [k, s, p] of [
      [2, 2, 0],
      [3, 2, 1],
      [3, 1, 1],
    ] as const) {
      const { y, ref, dx, dxRef } = both(x, k, s, p, 6);
      expectClose(y, ref, { atol: 0, rtol: 0 });
      expectClose(dx, dxRef, { atol: 1e-14, rtol: 1e-14 });
    }
  });

  it('splits the gradient evenly between tied maxima, and float32 matches too', () => {
    const x = tensor([
      [
        [
          [1, 1, 0, 2],
          [1, 1, 2, 0],
          [3, 0, 5, 5],
          [0, 3, 5, 1],
        ],
      ],
    ]);
    const { y, ref, dx, dxRef } = both(x, 2, 2, 0, 7);
    expect(y.toArray()).toEqual(ref.toArray());
    expect(Array.from(dx.data())).toEqual(Array.from(dxRef.data()));
    const up = tensor([
      [
        [
          [4, 2],
          [2, 3],
        ],
      ],
    ]);
    const a = x.clone().requiresGrad_();
    maxPool2d(a, 2).backward(up);
    expect(a.grad!.toArray()).toEqual([
      [
        [
          [1, 1, 0, 1],
          [1, 1, 1, 0],
          [1, 0, 1, 1],
          [0, 1, 1, 0],
        ],
      ],
    ]);
  });

  it('gives NaN to a window whose max is NaN, as the composed rule', () => {
    const x = tensor([
      [
        [
          [Number.NaN, 1],
          [2, 3],
        ],
      ],
    ]);
    const { y, dx, dxRef } = both(x, 2, 2, 0, 8);
    expect(Number.isNaN(y.item())).toBe(true);
    expect(Array.from(dx.data()).map(Number.isNaN)).toEqual(Array.from(dxRef.data()).map(Number.isNaN));
  });

  it('passes gradcheck, and its recorded backward passes gradcheck too', () => {
    const x = randn([1, 2, 5, 5], { dtype: 'float64', generator: new Generator(9), requiresGrad: true });
    expect(gradcheck((t) => maxPool2d(t, 3, { stride: 2, padding: 1 }).square(), [x])).toBe(true);
    // grad of sum(maxPool(x)^3) in x is 3·maxPool(x)^2 routed back: differentiable again in x.
    const dx = (t: Tensor) => grad((u: Tensor) => maxPool2d(u, 2).pow(3).sum())(t) as Tensor;
    expect(gradcheck((t) => dx(t).square(), [x])).toBe(true);
  });
});
