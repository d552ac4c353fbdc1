import {
  arange,
  cat,
  expand,
  flatten,
  pad,
  permute,
  reshape,
  ShapeError,
  slice,
  squeeze,
  stack,
  tensor,
  transpose,
  unsqueeze,
  view,
  zeros,
} from '@backprop/core';
import { describe, expect, it } from 'vitest';
import { gradsOf } from './helpers.js';

const x23 = () =>
  tensor([
    [1, 2, 3],
    [4, 5, 6],
  ]);

describe('views share storage', () => {
  it('reshape, view, transpose, permute, slice, expand, squeeze, unsqueeze return views', () => {
    const x = x23();
    const views = [
      reshape(x, [3, 2]),
      view(x, [6]),
      transpose(x, 0, 1),
      permute(x, [1, 0]),
      slice(x, 1, 1, 3),
      expand(x.slice(0, 0, 1), [4, 3]),
      unsqueeze(x, 0),
      squeeze(unsqueeze(x, 1)),
      flatten(x),
      x.t(),
    ];
    for (const v of views) expect(v.storage).toBe(x.storage);
  });

  it('a write through a view is seen by the base tensor', () => {
    const x = x23();
    x.slice(1, 1, 2).fill_(0);
    x.t().slice(0, 0, 1).fill_(9);
    expect(x.toArray()).toEqual([
      [9, 0, 3],
      [9, 0, 6],
    ]);
  });

  it('cat, stack and pad copy', () => {
    const x = x23();
    expect(cat([x, x], 0).storage).not.toBe(x.storage);
    expect(stack([x], 0).storage).not.toBe(x.storage);
    expect(pad(x, [1, 1]).storage).not.toBe(x.storage);
  });

  it('reshape of a non-contiguous tensor copies, view refuses', () => {
    const xt = x23().t();
    const r = reshape(xt, [6]);
    expect(r.storage).not.toBe(xt.storage);
    expect(r.toArray()).toEqual([1, 4, 2, 5, 3, 6]);
    expect(() => view(xt, [6])).toThrow(ShapeError);
  });
});

describe('shape op results', () => {
  it('reshape infers one -1 and rejects bad sizes', () => {
    expect(reshape(arange(6), [-1, 2]).toArray()).toEqual([
      [0, 1],
      [2, 3],
      [4, 5],
    ]);
    expect(() => reshape(arange(6), [4, -1])).toThrow(/reshape: shape \[4,-1\] is invalid for a tensor of 6/);
    expect(() => reshape(arange(6), [-1, -1])).toThrow(/only one dim can be -1/);
  });

  it('flatten from startDim to endDim', () => {
    expect(flatten(zeros([2, 3, 4])).shape).toEqual([24]);
    expect(flatten(zeros([2, 3, 4]), 1).shape).toEqual([2, 12]);
    expect(flatten(zeros([2, 3, 4, 5]), 1, 2).shape).toEqual([2, 12, 5]);
    expect(flatten(tensor(3)).shape).toEqual([1]);
  });

  it('squeeze all size-1 dims or one; a dim of another size is kept; unsqueeze at negative dims', () => {
    expect(squeeze(zeros([1, 2, 1, 3])).shape).toEqual([2, 3]);
    expect(squeeze(zeros([1, 2, 1, 3]), -2).shape).toEqual([1, 2, 3]);
    expect(squeeze(zeros([1, 2, 1, 3]), 1).shape).toEqual([1, 2, 1, 3]);
    expect(unsqueeze(zeros([2, 3]), -1).shape).toEqual([2, 3, 1]);
    expect(unsqueeze(zeros([2, 3]), 1).shape).toEqual([2, 1, 3]);
  });

  it('transpose and permute reorder elements', () => {
    expect(transpose(x23(), 0, -1).toArray()).toEqual([
      [1, 4],
      [2, 5],
      [3, 6],
    ]);
    const p = permute(arange(24).reshape([2, 3, 4]), [2, 0, 1]);
    expect(p.shape).toEqual([4, 2, 3]);
    expect((p.toArray() as number[][][])[1]![1]![2]).toBe(12 + 8 + 1);
    expect(() => permute(x23(), [0, 0])).toThrow(/permute: dims \[0,0\] are not a permutation/);
  });

  it('expand broadcasts size-1 dims and new leading dims, -1 keeps a dim', () => {
    expect(expand(tensor([[1], [2]]), [2, 3]).toArray()).toEqual([
      [1, 1, 1],
      [2, 2, 2],
    ]);
    expect(expand(tensor([[1], [2]]), [2, -1, 2]).shape).toEqual([2, 2, 2]);
    expect(() => expand(tensor([1, 2]), [3])).toThrow(ShapeError);
  });

  it('slice with negative, missing and out-of-range bounds, as Python', () => {
    const r = arange(5);
    expect(slice(r, 0, 1, 3).toArray()).toEqual([1, 2]);
    expect(slice(r, 0, -2).toArray()).toEqual([3, 4]);
    expect(slice(r, 0, -2, null).toArray()).toEqual([3, 4]);
    expect(slice(r, 0, null, -1).toArray()).toEqual([0, 1, 2, 3]);
    expect(slice(r, 0, 2, 99).toArray()).toEqual([2, 3, 4]);
    expect(slice(r, 0, 4, 2).shape).toEqual([0]);
    expect(slice(x23(), -1, 1).toArray()).toEqual([
      [2, 3],
      [5, 6],
    ]);
  });

  it('cat and stack along any dim', () => {
    expect(
      cat(
        [
          tensor([[1, 2]]),
          tensor([
            [3, 4],
            [5, 6],
          ]),
        ],
        0,
      ).toArray(),
    ).toEqual([
      [1, 2],
      [3, 4],
      [5, 6],
    ]);
    expect(cat([x23(), tensor([[7], [8]])], -1).toArray()).toEqual([
      [1, 2, 3, 7],
      [4, 5, 6, 8],
    ]);
    expect(stack([tensor([1, 2]), tensor([3, 4])], 1).toArray()).toEqual([
      [1, 3],
      [2, 4],
    ]);
    expect(() => cat([zeros([2, 3]), zeros([2, 2])], 0)).toThrow(/cat: tensor 1 has shape \[2,2\]/);
    expect(() => stack([zeros([2]), zeros([3])])).toThrow(ShapeError);
  });

  it("pad in F.pad's order (last dim first) with a constant", () => {
    expect(pad(tensor([1, 2]), [1, 2]).toArray()).toEqual([0, 1, 2, 0, 0]);
    expect(pad(tensor([[1]]), [0, 1, 1, 0], 7).toArray()).toEqual([
      [7, 7],
      [1, 7],
    ]);
    expect(() => pad(tensor([1]), [1, 1, 1, 1])).toThrow(ShapeError);
  });
});

describe('shape op gradients', () => {
  it('route dy back to the right positions', () => {
    const up = [
      [1, 2],
      [3, 4],
      [5, 6],
    ];
    expect(gradsOf((x) => x.t(), [x23().toArray()], up)[0]!.toArray()).toEqual([
      [1, 3, 5],
      [2, 4, 6],
    ]);
    expect(
      gradsOf(
        (x) => x.slice(1, 1, 3),
        [x23().toArray()],
        [
          [1, 2],
          [3, 4],
        ],
      )[0]!.toArray(),
    ).toEqual([
      [0, 1, 2],
      [0, 3, 4],
    ]);
    expect(gradsOf((x) => x.expand([3, 2]).sum(), [[[1, 2]]])[0]!.toArray()).toEqual([[3, 3]]);
    expect(gradsOf((x) => x.pad([1, 1]), [[5]], [1, 2, 3])[0]!.toArray()).toEqual([2]);
    const [da, db] = gradsOf((a, b) => cat([a, b], 0), [[1], [2, 3]], [4, 5, 6]);
    expect(da!.toArray()).toEqual([4]);
    expect(db!.toArray()).toEqual([5, 6]);
  });
});
