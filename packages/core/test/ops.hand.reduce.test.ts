import {
  arange,
  argmax,
  argmin,
  IndexError,
  max,
  mean,
  min,
  norm,
  std,
  sum,
  tensor,
  var as variance,
} from '@backprop/core';
import { describe, expect, it } from 'vitest';
import { expectClose, gradsOf, tensorF64 } from './helpers.js';

// x[i][j][k] = 12 i + 4 j + k
const x234 = () => arange(24).reshape([2, 3, 4]);

describe('sum and mean', () => {
  it('over all dims gives a 0-d tensor', () => {
    const s = sum(x234());
    expect(s.shape).toEqual([]);
    expect(s.item()).toBe(276);
    expect(mean(x234()).item()).toBe(11.5);
  });

  it('negative dims count from the end; dim lists reduce several at once', () => {
    expect(sum(x234(), -1).toArray()).toEqual([
      [6, 22, 38],
      [54, 70, 86],
    ]);
    expect(sum(x234(), [0, -1]).toArray()).toEqual([60, 92, 124]);
    expect(sum(x234(), [2, 0]).toArray()).toEqual([60, 92, 124]);
    expect(mean(x234(), [0, 2]).toArray()).toEqual([7.5, 11.5, 15.5]);
  });

  it('keepDim keeps reduced dims as size 1', () => {
    expect(sum(x234(), 1, true).shape).toEqual([2, 1, 4]);
    expect(sum(x234(), [0, 2], true).shape).toEqual([1, 3, 1]);
    expect(x234().mean(-2, true).shape).toEqual([2, 1, 4]);
  });

  it('gradients spread dy over the reduced elements (divided by the count for mean)', () => {
    const [ds] = gradsOf(
      (t) => t.sum(1),
      [
        [
          [1, 2],
          [3, 4],
          [5, 6],
        ],
      ],
      [10, 20, 30],
    );
    expect(ds!.toArray()).toEqual([
      [10, 10],
      [20, 20],
      [30, 30],
    ]);
    const [dm] = gradsOf(
      (t) => t.mean(0),
      [
        [
          [1, 2],
          [3, 4],
        ],
      ],
      [4, 8],
    );
    expect(dm!.toArray()).toEqual([
      [2, 4],
      [2, 4],
    ]);
  });

  it('mean of int32 is float32', () => {
    const m = mean(tensor([1, 2], { dtype: 'int32' }));
    expect(m.dtype).toBe('float32');
    expect(m.item()).toBe(1.5);
  });

  it('a dim out of range or repeated is an IndexError naming the op', () => {
    expect(() => sum(x234(), 3)).toThrow(IndexError);
    expect(() => sum(x234(), -4)).toThrow(/sum: dim -4 is out of range/);
    expect(() => mean(x234(), [1, -2])).toThrow(/mean: dim \[1,-2\] repeats/);
  });
});

describe('max, min, argmax, argmin', () => {
  const m = () =>
    tensor([
      [1, 5, 5],
      [7, 2, -1],
    ]);

  it('values over a dim or all dims', () => {
    expect(max(m(), 1).toArray()).toEqual([5, 7]);
    expect(min(m(), 0).toArray()).toEqual([1, 2, -1]);
    expect(max(m()).item()).toBe(7);
    expect(min(m(), -1, true).toArray()).toEqual([[1], [-1]]);
  });

  it('at ties, max(dim) gives the gradient to the first maximum, max() splits it evenly (PyTorch)', () => {
    const [dx] = gradsOf(
      (t) => t.max(1),
      [
        [
          [1, 5, 5],
          [7, 2, -1],
        ],
      ],
      [1, 1],
    );
    expect(dx!.toArray()).toEqual([
      [0, 1, 0],
      [1, 0, 0],
    ]);
    const [dmin] = gradsOf((t) => t.min(0), [[3, 1, 1]]);
    expect(dmin!.toArray()).toEqual([0, 1, 0]);
    const [dall] = gradsOf((t) => t.min(), [[2, 2, 2, 3]]);
    expectClose(dall!, [1 / 3, 1 / 3, 1 / 3, 0]);
  });

  it('argmax/argmin give int32 indices, the first one at ties', () => {
    const a = argmax(m(), 1);
    expect(a.dtype).toBe('int32');
    expect(a.toArray()).toEqual([1, 0]);
    expect(argmin(m(), 1).toArray()).toEqual([0, 2]);
    expect(argmax(m()).toArray()).toBe(3);
    expect(argmin(m()).item()).toBe(5);
    expect(m().argmax(0, true).toArray()).toEqual([[1, 0, 0]]);
  });
});

describe('var, std, norm', () => {
  it("var and std use Bessel's correction unless told correction 0", () => {
    const x = tensorF64([1, 2, 3, 4]);
    expectClose(variance(x), [5 / 3], { atol: 1e-12 });
    expectClose(variance(x, 0, false, { correction: 0 }), [1.25], { atol: 1e-12 });
    expectClose(std(x), [Math.sqrt(5 / 3)], { atol: 1e-12 });
    expectClose(x.std(undefined, false, { correction: 0 }), [Math.sqrt(1.25)], { atol: 1e-12 });
  });

  it('var over a dim with keepDim, and its gradient 2 (x - mean) / (n - 1)', () => {
    const x = tensorF64([
      [1, 3],
      [2, 6],
    ]);
    expectClose(variance(x, 1, true), [2, 8], { atol: 1e-12 });
    expect(variance(x, 1, true).shape).toEqual([2, 1]);
    const [dx] = gradsOf((t) => t.var(1).sum(), [x.toArray()]);
    expectClose(dx!, [-2, 2, -4, 4], { atol: 1e-12 });
    const [d0] = gradsOf((t) => t.var(1, false, { correction: 0 }).sum(), [x.toArray()]);
    expectClose(d0!, [-1, 1, -2, 2], { atol: 1e-12 });
  });

  it('norm is the Euclidean norm; its gradient is x / norm, and 0 at the zero vector', () => {
    expectClose(norm(tensorF64([3, 4])), [5]);
    expectClose(
      norm(
        tensorF64([
          [3, 4],
          [0, 0],
        ]),
        1,
      ),
      [5, 0],
    );
    expectClose(gradsOf((t) => t.norm(), [[3, 4]])[0]!, [0.6, 0.8], { atol: 1e-12 });
    const [dz] = gradsOf((t) => t.norm(), [[0, 0, 0]]);
    expect(dz!.toArray()).toEqual([0, 0, 0]);
    const [drow] = gradsOf(
      (t) => t.norm(1, true).sum(),
      [
        [
          [3, 4],
          [0, 0],
        ],
      ],
    );
    expectClose(drow!, [0.6, 0.8, 0, 0], { atol: 1e-12 });
  });
});

describe('sum over an empty dim list', () => {
  it('reduces over every dim, as PyTorch does', () => {
    const x = tensor(
      [
        [1, 2],
        [3, 4],
      ],
      { requiresGrad: true },
    );
    const s = x.sum([]);
    expect(s.shape).toEqual([]);
    expect(s.item()).toBe(10);
    s.backward();
    expect(x.grad?.toArray()).toEqual([
      [1, 1],
      [1, 1],
    ]);
  });
});
