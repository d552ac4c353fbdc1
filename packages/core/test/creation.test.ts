import {
  arange,
  DTypeError,
  eye,
  full,
  Generator,
  linspace,
  manualSeed,
  ones,
  rand,
  randint,
  randn,
  ShapeError,
  scalar,
  tensor,
  ValueError,
  zeros,
} from '@backprop/core';
import { describe, expect, it } from 'vitest';

describe('tensor and scalar', () => {
  it('read nested arrays (float32 by default) and typed arrays with a shape', () => {
    const x = tensor([
      [1, 2],
      [3, 4],
    ]);
    expect(x.shape).toEqual([2, 2]);
    expect(x.dtype).toBe('float32');
    expect(x.storage).toBeInstanceOf(Float32Array);
    const y = tensor(new Float64Array([1, 2, 3, 4, 5, 6]), { shape: [2, 3] });
    expect(y.dtype).toBe('float64');
    expect(y.toArray()).toEqual([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expect(tensor(new Int32Array([1, 2])).dtype).toBe('int32');
    expect(tensor([1.9, -1.9], { dtype: 'int32' }).toArray()).toEqual([1, -1]);
  });

  it('scalar and a bare number give 0-d tensors', () => {
    expect(scalar(3).shape).toEqual([]);
    expect(scalar(3, { dtype: 'float64' }).dtype).toBe('float64');
    expect(tensor(2.5).item()).toBe(2.5);
  });

  it('requiresGrad makes a leaf; int32 cannot require grad', () => {
    const w = tensor([1], { requiresGrad: true });
    expect(w.requiresGrad).toBe(true);
    expect(w.isLeaf).toBe(true);
    expect(() => tensor([1], { dtype: 'int32', requiresGrad: true })).toThrow(DTypeError);
  });

  it('rejects ragged arrays and a shape that does not fit the data', () => {
    expect(() => tensor([[1, 2], [3]])).toThrow(
      /ragged nested array: at index \[1\] expected length 2 but got length 1/,
    );
    expect(() => tensor(new Float32Array(5), { shape: [2, 3] })).toThrow(ShapeError);
  });
});

describe('zeros, ones, full, arange, linspace, eye', () => {
  it('fill with the value in the dtype asked for', () => {
    expect(zeros([2, 3]).toArray()).toEqual([
      [0, 0, 0],
      [0, 0, 0],
    ]);
    expect(ones([2], { dtype: 'int32' }).storage).toBeInstanceOf(Int32Array);
    expect(ones([2], { dtype: 'float64' }).toArray()).toEqual([1, 1]);
    expect(full([2, 2], 7).toArray()).toEqual([
      [7, 7],
      [7, 7],
    ]);
    expect(zeros([]).shape).toEqual([]);
    expect(zeros([0, 3]).size).toBe(0);
    // -0 keeps its sign in float dtypes (torch.full([2], -0.0) is [-0., -0.]); int32 and bool store 0.
    expect(Array.from(full([2], -0).data(), (v) => Object.is(v, -0))).toEqual([true, true]);
    expect(Object.is(scalar(-0, { dtype: 'float64' }).item(), -0)).toBe(true);
    expect(Object.is(full([1], -0, { dtype: 'int32' }).item(), 0)).toBe(true);
    expect(full([1], -0, { dtype: 'bool' }).toArray()).toEqual([false]);
    expect(() => zeros([2, -1])).toThrow(/zeros|full/);
  });

  it('arange counts up to, not including, the end, by any step', () => {
    expect(arange(4).toArray()).toEqual([0, 1, 2, 3]);
    expect(arange(1, 2, 0.25).toArray()).toEqual([1, 1.25, 1.5, 1.75]);
    expect(arange(5, 0, -2).toArray()).toEqual([5, 3, 1]);
    expect(arange(3, 3).shape).toEqual([0]);
    expect(arange(3, undefined, 1, { dtype: 'int32' }).dtype).toBe('int32');
    expect(() => arange(0, 1, 0)).toThrow(ValueError);
  });

  it('linspace includes both ends', () => {
    expect(linspace(0, 1, 5).toArray()).toEqual([0, 0.25, 0.5, 0.75, 1]);
    expect(linspace(2, 2, 1).toArray()).toEqual([2]);
    expect(linspace(0, 1, 0).shape).toEqual([0]);
    expect(linspace(-1, 1, 3, { dtype: 'float64' }).dtype).toBe('float64');
  });

  it('eye: square or rectangular identity', () => {
    expect(eye(2).toArray()).toEqual([
      [1, 0],
      [0, 1],
    ]);
    expect(eye(2, 3).toArray()).toEqual([
      [1, 0, 0],
      [0, 1, 0],
    ]);
    expect(eye(2, 2, { dtype: 'int32' }).dtype).toBe('int32');
  });
});

const stats = (xs: ArrayLike<number>) => {
  const a = Array.from(xs);
  const m = a.reduce((s, v) => s + v, 0) / a.length;
  const sd = Math.sqrt(a.reduce((s, v) => s + (v - m) ** 2, 0) / (a.length - 1));
  return { m, sd, lo: Math.min(...a), hi: Math.max(...a) };
};

describe('random draws', () => {
  it('rand is uniform in [0, 1) and randn standard normal over 10k draws', () => {
    manualSeed(1234);
    const u = stats(rand([10_000], { dtype: 'float64' }).data());
    expect(u.lo).toBeGreaterThanOrEqual(0);
    expect(u.hi).toBeLessThan(1);
    expect(Math.abs(u.m - 0.5)).toBeLessThan(0.02);
    const n = stats(randn([10_000], { dtype: 'float64' }).data());
    expect(Math.abs(n.m)).toBeLessThan(0.05);
    expect(Math.abs(n.sd - 1)).toBeLessThan(0.05);
  });

  it('randint draws int32 values in [low, high), reaching both ends', () => {
    const r = randint(-2, 3, [1000], { generator: new Generator(7) });
    expect(r.dtype).toBe('int32');
    expect(new Set(r.data())).toEqual(new Set([-2, -1, 0, 1, 2]));
    expect(randint(0, 5, [3], { dtype: 'float32' }).dtype).toBe('float32');
    expect(() => randint(3, 3, [1])).toThrow(/randint: high \(3\) must be greater than low \(3\)/);
  });

  it('dtype, shape and requiresGrad options', () => {
    expect(randn([2, 3]).dtype).toBe('float32');
    expect(rand([2], { dtype: 'float64' }).storage).toBeInstanceOf(Float64Array);
    const w = randn([3], { requiresGrad: true });
    expect(w.requiresGrad).toBe(true);
    expect(randn([0, 4]).shape).toEqual([0, 4]);
  });

  it('manualSeed makes draws reproducible', () => {
    manualSeed(42);
    const a = [...randn([5]).data(), ...rand([3]).data(), ...randint(0, 100, [3]).data()];
    manualSeed(42);
    const b = [...randn([5]).data(), ...rand([3]).data(), ...randint(0, 100, [3]).data()];
    expect(b).toEqual(a);
    manualSeed(43);
    expect([...randn([5]).data()]).not.toEqual(a.slice(0, 5));
  });

  it('a Generator has its own stream, untouched by the global one', () => {
    const g1 = new Generator(5);
    const first = randn([4], { generator: g1 }).data();
    manualSeed(5);
    randn([100]);
    const g2 = new Generator(5);
    randn([7]);
    expect(randn([4], { generator: g2 }).data()).toEqual(first);
    const next1 = rand([3], { generator: g1 }).data();
    rand([50]);
    expect(rand([3], { generator: g2 }).data()).toEqual(next1);
  });

  it('a Generator state can be saved and restored', () => {
    const g = new Generator(9);
    randn([3], { generator: g });
    const state = g.getState();
    const a = randn([5], { generator: g }).data();
    g.setState(state);
    expect(randn([5], { generator: g }).data()).toEqual(a);
  });
});
