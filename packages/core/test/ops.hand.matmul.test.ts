import { matmul, randn, ShapeError, t, tensor, zeros } from '@backprop/core';
import { describe, expect, it } from 'vitest';
import { expectClose, gradsOf } from './helpers.js';

const A = [
  [1, 2],
  [3, 4],
];
const B = [
  [5, 6],
  [7, 8],
];

describe('matmul', () => {
  it('2-D by 2-D', () => {
    expect(matmul(tensor(A), tensor(B)).toArray()).toEqual([
      [19, 22],
      [43, 50],
    ]);
  });

  it('1-D operands: dot product (0-d), matrix-vector and vector-matrix drop the vector dim', () => {
    const dot = matmul(tensor([1, 2, 3]), tensor([4, 5, 6]));
    expect(dot.shape).toEqual([]);
    expect(dot.item()).toBe(32);
    expect(matmul(tensor(A), tensor([1, 1])).toArray()).toEqual([3, 7]);
    expect(tensor([1, 1]).matmul(tensor(A)).toArray()).toEqual([4, 6]);
  });

  it('batched, and broadcasting batch dims as PyTorch', () => {
    const batch = tensor([A, A.map((r) => r.map((v) => 2 * v))]);
    expect(matmul(batch, tensor(B)).toArray()).toEqual([
      [
        [19, 22],
        [43, 50],
      ],
      [
        [38, 44],
        [86, 100],
      ],
    ]);
    expect(matmul(zeros([2, 1, 2, 3]), zeros([3, 3, 2])).shape).toEqual([2, 3, 2, 2]);
    expect(matmul(zeros([4, 2, 3]), zeros([3])).shape).toEqual([4, 2]);
    expect(matmul(zeros([3]), zeros([4, 3, 5])).shape).toEqual([4, 5]);
  });

  it('reads transposed views correctly', () => {
    const a = tensor(A);
    expect(matmul(a.t(), tensor(B)).toArray()).toEqual([
      [26, 30],
      [38, 44],
    ]);
    const x = randn([3, 4]);
    expectClose(matmul(x.t(), x), matmul(x.t().contiguous(), x), { atol: 1e-6 });
  });

  it('gradients: dA = dy B^T, dB = A^T dy', () => {
    const [da, db] = gradsOf((a, b) => a.matmul(b).sum(), [A, B]);
    expect(da!.toArray()).toEqual([
      [11, 15],
      [11, 15],
    ]);
    expect(db!.toArray()).toEqual([
      [4, 4],
      [6, 6],
    ]);
    const [du, dv] = gradsOf(
      (u, v) => u.matmul(v),
      [
        [1, 2, 3],
        [4, 5, 6],
      ],
    );
    expect(du!.toArray()).toEqual([4, 5, 6]);
    expect(dv!.toArray()).toEqual([1, 2, 3]);
  });

  it('keeps each fresh gradient as .grad and adds later ones into it, also when a leaf is both operands', () => {
    // x·x: dX = dy·Xᵀ + Xᵀ·dy; with dy all ones and X = [[1, 2], [3, 4]]: [[3, 7], [3, 7]] + [[4, 4], [6, 6]].
    const x = tensor(
      [
        [1, 2],
        [3, 4],
      ],
      { requiresGrad: true },
    );
    x.matmul(x).sum().backward();
    const first = x.grad!;
    expect(first.toArray()).toEqual([
      [7, 11],
      [9, 13],
    ]);
    x.matmul(x).sum().backward();
    expect(x.grad).toBe(first); // added in place, as PyTorch accumulates
    expect(x.grad!.toArray()).toEqual([
      [14, 22],
      [18, 26],
    ]);
    expect(x.toArray()).toEqual([
      [1, 2],
      [3, 4],
    ]);
  });

  it('sums the gradient of a broadcast batch operand back to its shape', () => {
    const [, db] = gradsOf((a, b) => a.matmul(b).sum(), [[A, A], B]);
    expect(db!.toArray()).toEqual([
      [8, 8],
      [12, 12],
    ]);
  });

  it('names both shapes when the inner dims differ', () => {
    expect(() => matmul(zeros([2, 3]), zeros([4, 5]))).toThrow(ShapeError);
    expect(() => matmul(zeros([2, 3]), zeros([4, 5]))).toThrow(
      'matmul: shapes [2,3] and [4,5] cannot be multiplied (3 != 4)',
    );
    expect(() => matmul(zeros([]), zeros([2]))).toThrow(/at least 1-D/);
  });
});

describe('t', () => {
  it('transposes 2-D, leaves 1-D and 0-d as they are, rejects 3-D', () => {
    expect(t(tensor([[1, 2, 3]])).toArray()).toEqual([[1], [2], [3]]);
    expect(tensor([1, 2]).t().toArray()).toEqual([1, 2]);
    expect(t(tensor(5)).item()).toBe(5);
    expect(() => t(zeros([1, 2, 3]))).toThrow(/t: expects a tensor of at most 2 dims, got shape \[1,2,3\]/);
  });
});
