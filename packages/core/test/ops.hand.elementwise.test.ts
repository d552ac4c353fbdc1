import {
  abs,
  add,
  clamp,
  cos,
  DTypeError,
  div,
  eq,
  exp,
  ge,
  gt,
  le,
  log,
  lt,
  maximum,
  minimum,
  mul,
  ne,
  neg,
  pow,
  reciprocal,
  ShapeError,
  sin,
  sqrt,
  square,
  sub,
  tensor,
  where,
} from '@backprop/core';
import { describe, expect, it } from 'vitest';
import { expectClose, gradsOf, tensorF64 } from './helpers.js';

describe('binary arithmetic', () => {
  it('broadcasts a column against a row and sums gradients back to each shape', () => {
    const a = [[1], [2]];
    const b = [10, 20, 30];
    expect(add(tensor(a), tensor(b)).toArray()).toEqual([
      [11, 21, 31],
      [12, 22, 32],
    ]);
    expect(sub(tensor(a), tensor(b)).toArray()).toEqual([
      [-9, -19, -29],
      [-8, -18, -28],
    ]);
    const [da, db] = gradsOf((x, y) => x.mul(y).sum(), [a, b]);
    expect(da!.toArray()).toEqual([[60], [60]]);
    expect(db!.toArray()).toEqual([3, 3, 3]);
  });

  it('takes plain numbers on either side', () => {
    const x = tensor([1, 2, 4]);
    expect(x.mul(2).toArray()).toEqual([2, 4, 8]);
    expect(sub(1, x).toArray()).toEqual([0, -1, -3]);
    expect(div(1, x).toArray()).toEqual([1, 0.5, 0.25]);
    expect(pow(2, x).toArray()).toEqual([2, 4, 16]);
    expect(x.pow(2).toArray()).toEqual([1, 4, 16]);
    expect(x.add(0.5).dtype).toBe('float32');
    const [dx] = gradsOf((v) => div(1, v).sum(), [[1, 2, 4]]);
    expectClose(dx!, [-1, -0.25, -0.0625]);
  });

  it('div and mul gradients by hand', () => {
    const [dx, dy] = gradsOf((x, y) => x.div(y).sum(), [[6], [3]]);
    expectClose(dx!, [1 / 3]);
    expectClose(dy!, [-6 / 9]);
    const [dp, dq] = gradsOf((p, q) => p.pow(q).sum(), [[2], [3]]);
    expectClose(dp!, [3 * 4]);
    expectClose(dq!, [8 * Math.log(2)]);
  });

  it('pow: the exponent gradient is 0 where the base is 0, not NaN', () => {
    const [dx, dy] = gradsOf(
      (x, y) => x.pow(y).sum(),
      [
        [0, 0],
        [2, 0.5],
      ],
    );
    expect(dx!.data()[0]).toBe(0);
    expect(dy!.toArray()).toEqual([0, 0]);
  });

  it('throws a ShapeError naming the op and both shapes', () => {
    expect(() => add(tensor([1, 2]), tensor([1, 2, 3]))).toThrow(ShapeError);
    expect(() => mul(tensor([1, 2]), tensor([1, 2, 3]))).toThrow(/mul: shapes \[2\] and \[3\]/);
  });
});

describe('dtype promotion', () => {
  const i = tensor([1, 3], { dtype: 'int32' });
  const j = tensor([2, 2], { dtype: 'int32' });

  it('int32 with int32 stays int32, but division is true division in float32', () => {
    expect(add(i, j).dtype).toBe('int32');
    expect(i.mul(3).dtype).toBe('int32');
    const q = div(i, j);
    expect(q.dtype).toBe('float32');
    expect(q.toArray()).toEqual([0.5, 1.5]);
    expect(i.div(2).toArray()).toEqual([0.5, 1.5]);
  });

  it('a fractional number or a float tensor lifts int32 to float', () => {
    expect(i.add(0.5).dtype).toBe('float32');
    expect(i.add(0.5).toArray()).toEqual([1.5, 3.5]);
    expect(add(i, tensor([0.25, 0.25])).dtype).toBe('float32');
    expect(add(i, tensorF64([0.25, 0.25])).dtype).toBe('float64');
    expect(add(tensor([1]), tensorF64([1])).dtype).toBe('float64');
  });

  it('floating unary ops of int32 give float32', () => {
    expect(exp(tensor([0], { dtype: 'int32' })).dtype).toBe('float32');
    expect(sqrt(tensor([4], { dtype: 'int32' })).toArray()).toEqual([2]);
  });

  it('to() converts, and gradients flow back in the source dtype', () => {
    const x = tensor([1.5, -2], { requiresGrad: true });
    const y = x.to('float64');
    expect(y.dtype).toBe('float64');
    y.mul(y).sum().backward();
    expect(x.grad!.dtype).toBe('float32');
    expect(x.grad!.toArray()).toEqual([3, -4]);
    expect(tensor([1.7, -1.7]).to('int32').toArray()).toEqual([1, -1]);
  });
});

describe('unary ops by hand', () => {
  const x = [0.5, 1, 2];

  const cases: [
    string,
    (t: ReturnType<typeof tensor>) => ReturnType<typeof tensor>,
    (v: number) => number,
    (v: number) => number,
  ][] = [
    ['neg', neg, (v) => -v, () => -1],
    ['exp', exp, Math.exp, Math.exp],
    ['log', log, Math.log, (v) => 1 / v],
    ['sqrt', sqrt, Math.sqrt, (v) => 0.5 / Math.sqrt(v)],
    ['sin', sin, Math.sin, Math.cos],
    ['cos', cos, Math.cos, (v) => -Math.sin(v)],
    ['square', square, (v) => v * v, (v) => 2 * v],
    ['reciprocal', reciprocal, (v) => 1 / v, (v) => -1 / (v * v)],
    ['abs', abs, Math.abs, Math.sign],
  ];

  it.each(cases)('%s: values and derivative', (_, op, f, df) => {
    expectClose(op(tensorF64(x)), x.map(f), { atol: 1e-12 });
    const [dx] = gradsOf((t) => op(t).sum(), [x]);
    expectClose(dx!, x.map(df), { atol: 1e-12 });
  });

  it('abs has gradient 0 at 0 and its sign elsewhere', () => {
    expect(gradsOf((t) => t.abs().sum(), [[-2, 0, 3]])[0]!.toArray()).toEqual([-1, 0, 1]);
  });
});

describe('maximum, minimum, clamp, where', () => {
  it('maximum/minimum pick elementwise and split the gradient evenly at ties', () => {
    expect(maximum(tensor([1, 5, 2]), tensor([3, 2, 2])).toArray()).toEqual([3, 5, 2]);
    expect(minimum(tensor([1, 5, 2]), 2).toArray()).toEqual([1, 2, 2]);
    const [da, db] = gradsOf(
      (a, b) => maximum(a, b).sum(),
      [
        [1, 5, 2],
        [3, 2, 2],
      ],
    );
    expect(da!.toArray()).toEqual([0, 1, 0.5]);
    expect(db!.toArray()).toEqual([1, 0, 0.5]);
    const [dc, dd] = gradsOf(
      (a, b) => minimum(a, b).sum(),
      [
        [1, 5, 2],
        [3, 2, 2],
      ],
    );
    expect(dc!.toArray()).toEqual([1, 0, 0.5]);
    expect(dd!.toArray()).toEqual([0, 1, 0.5]);
  });

  it('clamp with both, one or no bound; gradient passes on the closed interval', () => {
    const x = [-2, -1, 0.5, 1, 3];
    expect(clamp(tensor(x), -1, 1).toArray()).toEqual([-1, -1, 0.5, 1, 1]);
    expect(clamp(tensor(x), 0).toArray()).toEqual([0, 0, 0.5, 1, 3]);
    expect(clamp(tensor(x), null, 0).toArray()).toEqual([-2, -1, 0, 0, 0]);
    expect(clamp(tensor(x)).toArray()).toEqual(x);
    // max wins when min > max, as PyTorch
    expect(clamp(tensor([0.5, 2, -1]), 1, 0).toArray()).toEqual([0, 0, 0]);
    expect(gradsOf((t) => t.clamp(-1, 1).sum(), [x])[0]!.toArray()).toEqual([0, 1, 1, 1, 0]);
    expect(gradsOf((t) => t.clamp(undefined, 1).sum(), [x])[0]!.toArray()).toEqual([1, 1, 1, 1, 0]);
  });

  it('clamp keeps int32 for integer bounds and gives float32 for a fractional one, as PyTorch', () => {
    const i = () => tensor([1, 2, 3], { dtype: 'int32' });
    // torch.clamp(int32 [1, 2, 3], 0, 2): int32 [1, 2, 2]; (0.5, 2.5): float32 [1, 2, 2.5]
    expect([clamp(i(), 0, 2).dtype, clamp(i(), 0, 2).toArray()]).toEqual(['int32', [1, 2, 2]]);
    expect([clamp(i(), 0.5, 2.5).dtype, clamp(i(), 0.5, 2.5).toArray()]).toEqual(['float32', [1, 2, 2.5]]);
    // in place, the float32 result cannot be written back: PyTorch's "can't be cast" error
    expect(() => i().clamp_(0.5, 2.5)).toThrow(DTypeError);
  });

  it('where picks by a non-zero condition, broadcasting all three, and routes gradients', () => {
    const cond = tensor([1, 0, 2]);
    expect(where(cond, tensor([[1, 2, 3]]), tensor([[9], [8]])).toArray()).toEqual([
      [1, 9, 3],
      [1, 8, 3],
    ]);
    expect(where(cond, 1, 0.5).toArray()).toEqual([1, 0.5, 1]);
    expect(where(cond, tensor([1, 2, 3]), 0).toArray()).toEqual([1, 0, 3]);
    const [da, db] = gradsOf(
      (a, b) => where(cond, a, b).sum(),
      [
        [1, 2, 3],
        [[4], [5]],
      ],
    );
    expect(da!.toArray()).toEqual([2, 0, 2]);
    expect(db!.toArray()).toEqual([[1], [1]]);
  });
});

describe('comparisons', () => {
  const a = tensor([1, 2, 3]);
  it('give bool masks with broadcasting and numbers', () => {
    expect(eq(a, 2).toArray()).toEqual([false, true, false]);
    expect(ne(a, 2).toArray()).toEqual([true, false, true]);
    expect(lt(a, 2).toArray()).toEqual([true, false, false]);
    expect(le(a, 2).toArray()).toEqual([true, true, false]);
    expect(gt(a, 2).toArray()).toEqual([false, false, true]);
    expect(ge(a, 2).toArray()).toEqual([false, true, true]);
    expect(a.lt(tensor([[2], [3]])).toArray()).toEqual([
      [true, false, false],
      [true, true, false],
    ]);
    expect(Array.from(eq(a, 2).data())).toEqual([0, 1, 0]);
    expect(eq(a, 2).data()).toBeInstanceOf(Uint8Array);
  });

  it('are bool for every operand dtype, and record no graph', () => {
    expect(eq(tensor([1], { dtype: 'int32' }), 1).dtype).toBe('bool');
    expect(eq(a, tensorF64([1, 2, 3])).dtype).toBe('bool');
    const x = tensor([1, 2], { requiresGrad: true });
    const m = x.gt(1);
    expect(m.requiresGrad).toBe(false);
    expect(m.gradFn).toBeNull();
  });
});
