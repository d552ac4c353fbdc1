import { noGrad, type Tensor, type TypedArray, tensor, zeros } from '@backprop/core';

// Optimizers update parameters outside autograd, element by element in float64 arithmetic, so they
// read and write typed arrays directly. These helpers give a dense window onto a tensor's elements.

/** Elements `a[off]` … `a[off + size - 1]` in row-major order. */
export interface Dense {
  a: TypedArray;
  off: number;
}

/** A dense window to read `t` through: its own storage when dense, else a copy. */
export function readDense(t: Tensor): Dense {
  return t.isContiguous() ? { a: t.storage, off: t.offset } : { a: t.data(), off: 0 };
}

/**
 * Runs `update` on a dense window onto `t` that it may write; a non-dense `t` (a strided view) is
 * updated through a copy that is then written back with `copy_`. Either way `t`'s version is
 * bumped, so a graph that saved `t` before the update refuses to backpropagate through old values.
 */
export function writeDense(t: Tensor, update: (a: TypedArray, off: number) => void): void {
  if (t.isContiguous()) {
    update(t.storage, t.offset);
    t.markWritten();
    return;
  }
  const copy = t.data();
  update(copy, 0);
  noGrad(() => t.copy_(tensor(copy, { shape: t.shape })));
}

/** A zero-filled state buffer shaped and typed as `p`. */
export function zerosLike(p: Tensor): Tensor {
  return zeros(p.shape, { dtype: p.dtype });
}

/** A dense copy of `t` with `dtype`, sharing nothing with `t` (state dicts must not alias live state). */
export function cloneAs(t: Tensor, dtype = t.dtype): Tensor {
  const out = zeros(t.shape, { dtype });
  out.storage.set(t.data());
  return out;
}
