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
// max over the taps along one dim. Its gradient goes to the first maximum of the taps in row-major
// order (max(dim)'s rule, PyTorch's for max pooling), the rule maxPool2d keeps.
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

  it("gives a tied window's gradient to its first maximum (row-major), as PyTorch", () => {
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
    // torch.nn.functional.max_pool2d(x, 2).backward(up) gives the same, recorded (createGraph) or not.
    for (const createGraph of [false, true]) {
      const a = x.clone().requiresGrad_();
      maxPool2d(a, 2).backward(up, { createGraph });
      expect(a.grad!.toArray()).toEqual([
        [
          [
            [4, 0, 0, 2],
            [0, 0, 0, 0],
            [2, 0, 3, 0],
            [0, 0, 0, 0],
          ],
        ],
      ]);
    }
  });

  it("gives a window's gradient to its NaN (the last of several), as PyTorch's max_pool2d", () => {
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
    expect(Array.from(dx.data())).toEqual(Array.from(dxRef.data()));
    expect(dx.data()[0]).not.toBe(0);
    expect(Array.from(dx.data()).slice(1)).toEqual([0, 0, 0]);
    // PyTorch takes a tap when it is greater than the best so far or NaN: the last NaN wins.
    const twoNaN = tensor([
      [
        [
          [Number.NaN, Number.NaN],
          [3, 1],
        ],
      ],
    ]).requiresGrad_();
    maxPool2d(twoNaN, 2).backward(tensor([[[[5]]]]));
    expect(twoNaN.grad!.toArray()).toEqual([
      [
        [
          [0, 5],
          [0, 0],
        ],
      ],
    ]);
  });

  it('gives a window of -Infinity its gradient at its first in-bounds tap, padding or not', () => {
    const inf = Number.NEGATIVE_INFINITY;
    for (const createGraph of [false, true]) {
      const x = tensor([
        [
          [
            [inf, inf],
            [inf, inf],
          ],
        ],
      ]).requiresGrad_();
      // torch: max_pool2d(x, 2, padding=1) is all -inf, and x.grad is all ones.
      maxPool2d(x, 2, { padding: 1 }).backward(
        tensor([
          [
            [
              [1, 2],
              [3, 4],
            ],
          ],
        ]),
        { createGraph },
      );
      expect(x.grad!.toArray()).toEqual([
        [
          [
            [1, 2],
            [3, 4],
          ],
        ],
      ]);
    }
  });

  it('routes an infinite upstream gradient to the maximum alone (zeros elsewhere, not NaN)', () => {
    for (const createGraph of [false, true]) {
      const x = tensor([
        [
          [
            [2, 2],
            [2, 2],
          ],
        ],
      ]).requiresGrad_();
      maxPool2d(x, 2).backward(tensor([[[[Number.POSITIVE_INFINITY]]]]), { createGraph });
      expect(x.grad!.toArray()).toEqual([
        [
          [
            [Number.POSITIVE_INFINITY, 0],
            [0, 0],
          ],
        ],
      ]);
    }
  });

  it('passes gradcheck, and its recorded backward passes gradcheck too', () => {
    const x = randn([1, 2, 5, 5], { dtype: 'float64', generator: new Generator(9), requiresGrad: true });
    expect(gradcheck((t) => maxPool2d(t, 3, { stride: 2, padding: 1 }).square(), [x])).toBe(true);
    // grad of sum(maxPool(x)^3) in x is 3·maxPool(x)^2 routed back: differentiable again in x.
    const dx = (t: Tensor) => grad((u: Tensor) => maxPool2d(u, 2).pow(3).sum())(t) as Tensor;
    expect(gradcheck((t) => dx(t).square(), [x])).toBe(true);
  });
});
