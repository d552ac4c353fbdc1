// The second release's ops on cases small enough to work out by hand, their tie rules, and the
// errors their bad arguments get (PyTorch's fixtures hold the rest: ops.fixtures.test.ts).
import {
  amax,
  argsort,
  chunk,
  cumprod,
  cumsum,
  einsum,
  erf,
  expm1,
  flip,
  gelu,
  grad,
  gradcheck,
  hardtanh,
  IndexError,
  indexAdd,
  log1p,
  maskedFill,
  narrow,
  ones,
  repeat,
  roll,
  ShapeError,
  scatter,
  sort,
  split,
  type Tensor,
  tensor,
  topk,
  tril,
  ValueError,
  zeros,
} from '@backprop/core';
import { describe, expect, it } from 'vitest';
import { expectClose, F64, gradsOf, tensorF64 } from './helpers.js';

const idx = (v: number[] | number[][]) => tensor(v, { dtype: 'int32' });

describe('special functions', () => {
  it('erf matches its tabulated values to float64 rounding', () => {
    // Abramowitz & Stegun table 7.1 (and erf(−x) = −erf(x)).
    const x = tensorF64([0, 0.5, 1, -1, 2, 3, 7]);
    expectClose(
      erf(x),
      [
        0, 0.5204998778130465, 0.8427007929497149, -0.8427007929497149, 0.9953222650189527,
        0.9999779095030014, 1,
      ],
      {
        atol: 1e-16,
        rtol: 2e-16,
      },
    );
  });

  it('log1p and expm1 keep tiny arguments that 1 + x would round away', () => {
    expect(log1p(tensorF64([1e-20])).item()).toBe(1e-20);
    expect(expm1(tensorF64([1e-20])).item()).toBe(1e-20);
  });

  it('gelu at 1 is Φ(1) and its gradient is Φ(1) + φ(1)', () => {
    const [dx] = gradsOf((x) => gelu(x), [[1]], [1]);
    const phi = Math.exp(-0.5) / Math.sqrt(2 * Math.PI);
    expectClose(gelu(tensorF64([1])), [0.8413447460685429], F64);
    expectClose(dx!, [0.8413447460685429 + phi], F64);
  });

  it('hardtanh gives no gradient at its bounds, unlike clamp', () => {
    const [dx] = gradsOf((x) => hardtanh(x), [[-1, 1, 0.5, -2]], [1, 1, 1, 1]);
    expect(dx!.toArray()).toEqual([0, 0, 1, 0]);
  });
});

describe('running sums and products', () => {
  it('cumsum forward, and its gradient is the running sum of dy from the end', () => {
    const [dx] = gradsOf((x) => cumsum(x, 0), [[1, 2, 3]], [1, 10, 100]);
    expect(cumsum(tensor([1, 2, 3]), 0).toArray()).toEqual([1, 3, 6]);
    expect(dx!.toArray()).toEqual([111, 110, 100]);
  });

  it('cumprod differentiates through zeros without dividing by them', () => {
    // x = [2, 0, 3]: out = [2, 0, 0]. dx0 = 1 + x1 + x1·x2 = 1; dx1 = x0 + x0·x2 = 8; dx2 = x0·x1 = 0.
    expect(gradsOf((x) => cumprod(x, 0), [[2, 0, 3]], [1, 1, 1])[0]!.toArray()).toEqual([1, 8, 0]);
    // Two zeros: only the first one gets a gradient (dx0 = 1 + 0 + 0), the rest see a zero product.
    expect(gradsOf((x) => cumprod(x, 0), [[0, 0, 2]], [1, 1, 1])[0]!.toArray()).toEqual([1, 0, 0]);
  });

  it('cumprod passes gradcheck, and so does its gradient (second order)', () => {
    const x = tensorF64([
      [0.5, -1.5, 2],
      [1.2, 0.7, -0.9],
    ]).requiresGrad_();
    expect(gradcheck((t) => cumprod(t, 1), [x])).toBe(true);
    const w = tensorF64([
      [1, -2, 0.5],
      [0.3, 2, -1],
    ]);
    expect(gradcheck((t) => grad((u: Tensor) => cumprod(u, 1).mul(w).sum())(t), [x])).toBe(true);
  });
});

describe('sorting: ties keep index order', () => {
  it('sort and argsort, ascending and descending', () => {
    const x = tensor([2, 1, 2, 1]);
    expect(argsort(x).toArray()).toEqual([1, 3, 0, 2]);
    expect(argsort(x, -1, true).toArray()).toEqual([0, 2, 1, 3]);
    expect(sort(x, 0, true).values.toArray()).toEqual([2, 2, 1, 1]);
  });

  it('topk picks the earlier of equal values', () => {
    const { values, indices } = topk(tensor([1, 5, 3, 5]), 2);
    expect(values.toArray()).toEqual([5, 5]);
    expect(indices.toArray()).toEqual([1, 3]);
    expect(topk(tensor([4, 1, 1, 9]), 2, -1, false).indices.toArray()).toEqual([1, 2]);
  });

  it('sorted values send their gradient back to where they came from', () => {
    const [dx] = gradsOf((x) => sort(x).values, [[3, 1, 2]], [10, 20, 30]);
    expect(dx!.toArray()).toEqual([30, 10, 20]);
  });
});

describe('views and rearrangements', () => {
  it('split, chunk and narrow are views of the right pieces', () => {
    expect(split(tensor([0, 1, 2, 3, 4]), 2).map((t) => t.toArray())).toEqual([[0, 1], [2, 3], [4]]);
    expect(chunk(tensor([0, 1, 2, 3, 4, 5]), 4).map((t) => t.shape[0])).toEqual([2, 2, 2]);
    expect(chunk(zeros([0]), 3).length).toBe(3);
    expect(narrow(tensor([0, 1, 2, 3]), 0, -3, 2).toArray()).toEqual([1, 2]);
  });

  it('slice with a step, and its gradient lands on the picked positions', () => {
    const x = tensor([0, 1, 2, 3, 4, 5, 6]);
    expect(x.slice(0, 1, null, 3).toArray()).toEqual([1, 4]);
    expect(x.slice(0, -6, -1, 2).toArray()).toEqual([1, 3, 5]);
    const [dx] = gradsOf((t) => t.slice(0, 1, null, 3), [[0, 1, 2, 3, 4, 5, 6]], [10, 20]);
    expect(dx!.toArray()).toEqual([0, 10, 0, 0, 20, 0, 0]);
  });

  it('flip, roll, repeat and tril', () => {
    expect(
      flip(
        tensor([
          [1, 2],
          [3, 4],
        ]),
        [0, 1],
      ).toArray(),
    ).toEqual([
      [4, 3],
      [2, 1],
    ]);
    expect(flip(tensor([1, 2]), []).toArray()).toEqual([1, 2]);
    expect(
      roll(
        tensor([
          [1, 2, 3],
          [4, 5, 6],
        ]),
        1,
      ).toArray(),
    ).toEqual([
      [6, 1, 2],
      [3, 4, 5],
    ]);
    expect(roll(tensor([1, 2, 3]), -4, 0).toArray()).toEqual([2, 3, 1]);
    expect(repeat(tensor([[1, 2]]), [2, 2]).toArray()).toEqual([
      [1, 2, 1, 2],
      [1, 2, 1, 2],
    ]);
    expect(tril(ones([3, 3]), -1).toArray()).toEqual([
      [0, 0, 0],
      [1, 0, 0],
      [1, 1, 0],
    ]);
  });

  it('repeat sums the gradient of every copy', () => {
    const [dx] = gradsOf((x) => repeat(x, [3]), [[1, 2]], [1, 1, 1, 1, 1, 1]);
    expect(dx!.toArray()).toEqual([3, 3]);
  });
});

describe('scatter and masks', () => {
  it('scatter: the last of repeated writes wins on the cpu', () => {
    expect(scatter(zeros([2]), 0, idx([0, 0]), tensor([1, 2])).toArray()).toEqual([2, 0]);
  });

  it('scatter: x gets no gradient where it was overwritten; src gets dy where it was written', () => {
    const [dx, dsrc] = gradsOf(
      (x, s) => scatter(x, 0, idx([2, 0]), s),
      [
        [1, 2, 3],
        [7, 8],
      ],
      [10, 20, 30],
    );
    expect(dx!.toArray()).toEqual([0, 20, 0]);
    expect(dsrc!.toArray()).toEqual([30, 10]);
  });

  it('indexAdd adds repeated rows up, scaled by alpha', () => {
    const out = indexAdd(
      zeros([2, 2]),
      0,
      idx([1, 1, 0]),
      tensor([
        [1, 2],
        [3, 4],
        [5, 6],
      ]),
      { alpha: 2 },
    );
    expect(out.toArray()).toEqual([
      [10, 12],
      [8, 12],
    ]);
  });

  it('maskedFill broadcasts the mask and takes a 0-d tensor value', () => {
    expect(
      maskedFill(
        tensor([
          [1, 2],
          [3, 4],
        ]),
        tensor([0, 1]),
        -1,
      ).toArray(),
    ).toEqual([
      [1, -1],
      [3, -1],
    ]);
    const [dv] = gradsOf(
      (v) => maskedFill(tensor([1, 2, 3], { dtype: 'float64' }), tensor([1, 0, 1]), v),
      [5],
      [1, 1, 1],
    );
    expect(dv!.item()).toBe(2);
  });

  it('amax splits the gradient among tied maxima', () => {
    const [dx] = gradsOf(
      (x) => amax(x, [0, 1]),
      [
        [
          [1, 3],
          [3, 2],
        ],
      ],
      6,
    );
    expect(dx!.toArray()).toEqual([
      [0, 3],
      [3, 0],
    ]);
  });
});

describe('einsum', () => {
  it('a trace, a diagonal, a transpose over leading dims and a contraction of three', () => {
    const m = tensor([
      [1, 2],
      [3, 4],
    ]);
    expect(einsum('ii', m).item()).toBe(5);
    expect(einsum('ii->i', m).toArray()).toEqual([1, 4]);
    expect(einsum('...ij->...ji', ones([2, 1, 3])).shape).toEqual([2, 3, 1]);
    expect(einsum('ij,jk,kl->il', m, m, m).toArray()).toEqual([
      [37, 54],
      [81, 118],
    ]);
  });
});

describe('errors name the op and what is wrong', () => {
  const cases: [string, () => unknown, new (...a: never[]) => Error, string][] = [
    [
      'split sizes',
      () => split(zeros([5]), [2, 2]),
      ValueError,
      'split: sizes [2,2] must be non-negative and add up to',
    ],
    [
      'narrow range',
      () => narrow(zeros([3]), 0, 2, 2),
      ValueError,
      'narrow: start 2 and length 2 do not fit in dim 0 of size 3',
    ],
    ['topk k', () => topk(zeros([3]), 4), ValueError, 'topk: k = 4 is larger than'],
    ['slice step', () => zeros([3]).slice(0, 0, 3, 0), ValueError, 'slice: step must be an integer >= 1'],
    [
      'repeat reps',
      () => repeat(zeros([2, 2]), [2]),
      ValueError,
      'repeat: reps [2] must have at least as many',
    ],
    ['tril 1-D', () => tril(zeros([3])), ShapeError, 'tril: input must have at least 2 dims'],
    ['roll lengths', () => roll(zeros([3]), [1, 2], 0), ValueError, 'roll: shifts [1,2] and dims [0]'],
    [
      'scatter dims',
      () => scatter(zeros([2, 2]), 0, idx([0]), 1),
      ShapeError,
      'scatter: index [1] must have as many dims',
    ],
    [
      'scatter index',
      () => scatter(zeros([2]), 0, idx([2]), 1),
      IndexError,
      'scatter: index 2 is out of bounds for dim 0 of size 2',
    ],
    [
      'indexAdd src',
      () => indexAdd(zeros([3, 2]), 0, idx([0]), zeros([2, 2])),
      ShapeError,
      'indexAdd: src must have shape [1,2]',
    ],
    [
      'maskedFill value',
      () => maskedFill(zeros([2]), tensor([1, 0]), zeros([2])),
      ShapeError,
      'maskedFill: value must be a number or a 0-d tensor',
    ],
    [
      'einsum count',
      () => einsum('ij,jk', zeros([2, 2])),
      ValueError,
      "einsum: 'ij,jk' names 2 operands, but 1 were given",
    ],
    [
      'einsum sizes',
      () => einsum('ij,jk', zeros([2, 3]), zeros([2, 2])),
      ShapeError,
      "einsum: subscript 'j' of 'ij,jk' has size 3",
    ],
    [
      'einsum rank',
      () => einsum('ij', zeros([2])),
      ShapeError,
      "einsum: operand 0 has 1 dims but 'ij' gives it 2 subscripts",
    ],
    [
      'gelu approximate',
      () => gelu(zeros([1]), { approximate: 'fast' as 'tanh' }),
      ValueError,
      "gelu: approximate must be 'none' or 'tanh'",
    ],
    [
      'hardtanh bounds',
      () => hardtanh(zeros([1]), 1, -1),
      ValueError,
      'hardtanh: minVal 1 must not exceed maxVal -1',
    ],
  ];
  it.each(cases)('%s', (_, fn, kind, message) => {
    expect(fn).toThrow(kind);
    expect(fn).toThrow(message);
  });
});
