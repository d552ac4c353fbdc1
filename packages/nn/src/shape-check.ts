import { ShapeError, type Tensor } from '@backprop/core';

/** Formats a shape as core's messages do: `[2,3]`. */
export function fmtShape(shape: readonly number[]): string {
  return `[${shape.join(',')}]`;
}

/**
 * Throws unless `x` has one of `ndims` dims (any when null) and `size` along `dim`; the message names the layer,
 * the expected layout and the actual shape, e.g.
 * `Linear(3, 4): expected input with last dim 3, got shape [2,5]`.
 */
export function checkInput(
  layer: string,
  x: Tensor,
  ndims: readonly number[] | null,
  dim: number,
  size: number,
  expected: string,
): void {
  const d = dim < 0 ? x.ndim + dim : dim;
  const ndimOk = ndims === null ? x.ndim >= 1 : ndims.includes(x.ndim);
  if (!ndimOk || x.shape[d] !== size) {
    throw new ShapeError(`${layer}: expected ${expected}, got shape ${fmtShape(x.shape)}`);
  }
}

/** Throws unless `a` and `b` have the same shape (losses never broadcast silently). */
export function checkSameShape(op: string, a: Tensor, b: Tensor, names = ['input', 'target']): void {
  if (fmtShape(a.shape) !== fmtShape(b.shape)) {
    throw new ShapeError(
      `${op}: ${names[0]} of shape ${fmtShape(a.shape)} and ${names[1]} of shape ${fmtShape(b.shape)} must have the same shape`,
    );
  }
}
