// A 0-d float result of an op on the cpu holds its number until something asks for `storage`
// (tensor.ts): from then on it must behave exactly as a tensor made with a typed array. These tests
// reach the number-held state the way users do, through ops on `scalar()`s, and check what they can
// see: the storage, in-place writes, views, version counters, set_ and saved-tensor checks.
import { noGrad, scalar, type Tensor, tensor } from '@backprop/core';
import { describe, expect, it } from 'vitest';

const x64 = (): Tensor => scalar(1.5, { dtype: 'float64' }).mul(scalar(3, { dtype: 'float64' }));

describe('a 0-d op result on the cpu', () => {
  it('hands out a one-element typed array of its dtype holding its value', () => {
    const t = x64();
    expect(t.storage).toBeInstanceOf(Float64Array);
    expect(Array.from(t.storage as Float64Array)).toEqual([4.5]);
    // The same array every time: a write through it is a write to the tensor.
    expect(t.storage).toBe(t.storage);
    expect(t.device).toBe('cpu');
    expect(t.dtype).toBe('float64');
  });

  it('rounds a float32 value as a Float32Array stores it', () => {
    const t = scalar(0.1).add(scalar(0.2));
    const expected = Math.fround(Math.fround(0.1) + Math.fround(0.2));
    expect(t.item()).toBe(expected);
    expect(t.storage).toBeInstanceOf(Float32Array);
    expect((t.storage as Float32Array)[0]).toBe(expected);
    // The next op reads the rounded number, not the float64 sum.
    expect(t.sub(scalar(expected)).item()).toBe(0);
  });

  it('sees a write made through its storage in later ops', () => {
    const t = x64();
    (t.storage as Float64Array)[0] = 10;
    expect(t.item()).toBe(10);
    expect(t.mul(2).item()).toBe(20);
    expect(t.tanh().item()).toBe(Math.tanh(10));
  });

  it('shares its storage and version counter with a view made before any write', () => {
    const t = x64();
    const view = t.detach();
    expect(view.storage).toBe(t.storage);
    view.add_(1);
    expect(t.item()).toBe(5.5);
    expect(t._version).toBe(1);
    expect(view._version).toBe(1);
  });

  it('counts in-place writes from zero', () => {
    const t = x64();
    expect(t._version).toBe(0);
    t.mul_(2);
    t.add_(1);
    expect(t._version).toBe(2);
    expect(t.item()).toBe(10);
  });

  it('lets set_ share its storage', () => {
    const source = x64();
    const target = scalar(0, { dtype: 'float64' });
    noGrad(() => target.set_(source));
    source.add_(1);
    expect(target.item()).toBe(5.5);
    expect(target.storage).toBe(source.storage);
  });

  it('is refused by backward once written after an op saved it', () => {
    const w = scalar(2, { dtype: 'float64', requiresGrad: true });
    const h = w.mul(3);
    const out = h.tanh(); // saves its output
    const hh = out.detach();
    hh.add_(1); // the same storage as out
    expect(() => out.mul(h).backward()).toThrow(/tanh.*modified by an inplace operation/s);
  });

  it('gives a leaf a 0-d gradient that accumulates like any other', () => {
    const w = scalar(2, { dtype: 'float64', requiresGrad: true });
    w.mul(w).backward();
    expect(w.grad!.item()).toBe(4);
    w.mul(w).mul(w).backward();
    expect(w.grad!.item()).toBe(16);
    (w.grad!.storage as Float64Array)[0] = 1;
    w.mul(3).backward();
    expect(w.grad!.item()).toBe(4);
  });

  it('is unchanged for int32 and bool, and for one-element tensors of higher rank', () => {
    const i = scalar(3, { dtype: 'int32' }).add(scalar(4, { dtype: 'int32' }));
    expect(i.storage).toBeInstanceOf(Int32Array);
    expect(i.item()).toBe(7);
    const b = scalar(1).gt(0);
    expect(b.storage).toBeInstanceOf(Uint8Array);
    const v = tensor([2]).mul(tensor([5]));
    expect(v.storage).toBeInstanceOf(Float32Array);
    expect(v.item()).toBe(10);
  });
});
