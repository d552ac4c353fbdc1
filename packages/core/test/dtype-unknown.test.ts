import { describe, expect, it } from 'vitest';
import { type DType, DTypeError, tensor, zeros } from '../src/index.js';

// From untyped JavaScript a PyTorch habit such as 'int64' must fail with a DTypeError naming it.
describe('unknown dtypes', () => {
  const int64 = 'int64' as unknown as DType;

  it('tensor() names the bad dtype', () => {
    expect(() => tensor([1, 2], { dtype: int64 })).toThrow(DTypeError);
    expect(() => tensor([1, 2], { dtype: int64 })).toThrow("unknown dtype 'int64'");
  });

  it('zeros() and to() name it too', () => {
    expect(() => zeros([2], { dtype: int64 })).toThrow("unknown dtype 'int64'");
    expect(() => tensor([1, 2]).to(int64)).toThrow(DTypeError);
  });
});
