import { noGrad, type Tensor, zeros } from '@backprop/core';

// Optimizers update parameters outside autograd through the backend's fused update kernels, which
// read and write dense views. These helpers hand them one.

/** `t`'s values as a dense tensor: `t` itself when contiguous, else a copy (no graph either way). */
export function dense(t: Tensor): Tensor {
  return t.isContiguous() ? t : t.detach().contiguous();
}

/**
 * Runs the in-place `update` on a dense tensor holding `t`'s values; a non-dense `t` (a strided
 * view) is updated through a copy that is then written back with `copy_`. Either way `t`'s version
 * is bumped, so a graph that saved `t` before the update refuses to backpropagate through old values.
 */
export function updateInPlace(t: Tensor, update: (dense: Tensor) => void): void {
  if (t.isContiguous()) {
    update(t);
    t.markWritten();
    return;
  }
  const copy = dense(t);
  update(copy);
  noGrad(() => t.copy_(copy));
}

/** A zero-filled state buffer shaped and typed as `p`. */
export function zerosLike(p: Tensor): Tensor {
  return zeros(p.shape, { dtype: p.dtype, device: p.device });
}

/** A dense copy of `t` with `dtype`, sharing nothing with `t` (state dicts must not alias live state). */
export function cloneAs(t: Tensor, dtype = t.dtype): Tensor {
  return noGrad(() => t.detach().to(dtype).clone());
}
