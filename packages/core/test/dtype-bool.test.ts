// The bool dtype: what comparisons return, how it is made, stored, read, converted and promoted,
// and that the webgpu device keeps it (as int32 0/1 words) with the same results.
import { cumsum, DTypeError, full, maskedFill, max, tensor, where, zeros } from '@backprop/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { startWebGPU } from './webgpu-setup.js';

describe('bool tensors', () => {
  it('are made from booleans (inferred) or from numbers (non-zero is true)', () => {
    const inferred = tensor([true, false, true]);
    expect(inferred.dtype).toBe('bool');
    expect(inferred.toArray()).toEqual([true, false, true]);
    expect(tensor([2, 0, -0.5], { dtype: 'bool' }).toArray()).toEqual([true, false, true]);
    expect(tensor(new Float32Array([3, 0]), { dtype: 'bool' }).toArray()).toEqual([true, false]);
    expect(tensor(new Uint8Array([1, 0])).dtype).toBe('bool');
    expect(full([2], 3, { dtype: 'bool' }).toArray()).toEqual([true, true]);
    expect(zeros([2], { dtype: 'bool' }).toArray()).toEqual([false, false]);
  });

  it('read back as a Uint8Array of 0/1, and print as booleans', () => {
    const m = tensor([1, 2, 3]).gt(1);
    expect(m.data()).toBeInstanceOf(Uint8Array);
    expect(Array.from(m.data())).toEqual([0, 1, 1]);
    expect(m.toString()).toBe('tensor([false,true,true], dtype=bool)');
  });

  it('cannot require gradients', () => {
    expect(() => tensor([true], { requiresGrad: true })).toThrow(DTypeError);
    expect(() => tensor([true]).requiresGrad_()).toThrow(
      'only floating-point tensors can require gradients, got bool',
    );
  });

  it('convert to and from other dtypes as PyTorch does', () => {
    expect(tensor([0.5, 0, Number.NaN, -2]).to('bool').toArray()).toEqual([true, false, true, true]);
    const f = tensor([true, false]).to('float32');
    expect(f.dtype).toBe('float32');
    expect(f.toArray()).toEqual([1, 0]);
    expect(tensor([true, false]).to('int32').toArray()).toEqual([1, 0]);
  });

  it('promote in arithmetic: bool < int32 < float32 < float64', () => {
    const m = tensor([true, false]);
    expect(m.add(tensor([0.5, 0.5])).toArray()).toEqual([1.5, 0.5]);
    expect(m.add(2).dtype).toBe('int32');
    expect(m.add(2).toArray()).toEqual([3, 2]);
    expect(m.mul(1.5).dtype).toBe('float32');
    expect(m.mul(tensor([2, 3], { dtype: 'float64' })).dtype).toBe('float64');
  });

  it('two bools stay bool: add is or, mul is and; sub and neg are refused', () => {
    const a = tensor([true, true, false, false]);
    const b = tensor([true, false, true, false]);
    expect(a.add(b).toArray()).toEqual([true, true, true, false]);
    expect(a.mul(b).toArray()).toEqual([true, false, false, false]);
    expect(() => a.sub(b)).toThrow('sub: subtraction of two bool tensors is not supported');
    expect(() => a.neg()).toThrow('neg: negation of a bool tensor is not supported');
  });

  it('sum counts in int32; cumsum too; mean throws; max stays bool', () => {
    const m = tensor([
      [true, false, true],
      [false, false, true],
    ]);
    expect(m.sum().dtype).toBe('int32');
    expect(m.sum(1).toArray()).toEqual([2, 1]);
    expect(cumsum(m, 1).toArray()).toEqual([
      [1, 1, 2],
      [0, 0, 1],
    ]);
    expect(() => m.mean()).toThrow(
      "mean: a bool tensor has no mean (as in PyTorch); convert it first: x.to('float32').mean()",
    );
    expect(max(m, 1).toArray()).toEqual([true, true]);
  });

  it('select in where and maskedFill; numeric conditions still mean non-zero', () => {
    const x = tensor([1, 2, 3]);
    expect(where(x.gt(1), x, 0).toArray()).toEqual([0, 2, 3]);
    expect(where(tensor([2, 0, -1]), x, 9).toArray()).toEqual([1, 9, 3]);
    expect(maskedFill(x, x.ge(2), -1).toArray()).toEqual([1, -1, -1]);
  });

  it('copy_ and fill_ into a bool tensor store true for non-zero values', () => {
    const m = zeros([3], { dtype: 'bool' });
    m.copy_(tensor([0.5, 0, 7]));
    expect(m.toArray()).toEqual([true, false, true]);
    m.fill_(2);
    expect(Array.from(m.data())).toEqual([1, 1, 1]);
  });
});

describe('bool tensors on webgpu', () => {
  beforeAll(startWebGPU, 60_000);

  it('comparisons give bool masks on the device, read back as booleans', async () => {
    const x = tensor([1, 2, 3]).to('webgpu');
    const m = x.gt(1);
    expect(m.dtype).toBe('bool');
    expect(m.device).toBe('webgpu');
    expect(await m.toArrayAsync()).toEqual([false, true, true]);
    expect(Array.from(await m.dataAsync())).toEqual([0, 1, 1]);
  });

  it('uploads, selects, counts and combines as on the cpu', async () => {
    const m = tensor([true, false, true]).to('webgpu');
    const x = tensor([1, 2, 3]).to('webgpu');
    expect(await where(m, x, 0).toArrayAsync()).toEqual([1, 0, 3]);
    expect(await m.sum().itemAsync()).toBe(2);
    expect(await m.add(tensor([false, true, false]).to('webgpu')).toArrayAsync()).toEqual([true, true, true]);
    expect(await m.to('float32').toArrayAsync()).toEqual([1, 0, 1]);
  });

  it('fill_ and copy_ into a bool tensor on the device store true for any non-zero value', async () => {
    const m = tensor([false, false, false]).to('webgpu');
    m.fill_(0.5);
    expect(await m.toArrayAsync()).toEqual([true, true, true]);
    m.copy_(tensor([0, 0.25, -3]));
    expect(await m.toArrayAsync()).toEqual([false, true, true]);
  });
});
