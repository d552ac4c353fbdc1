import { describe, wrongType } from './checks.js';
import { fmtShape, IndexError, ShapeError, ValueError } from './errors.js';

/** A tensor's sizes, one per dim (`[]` for a 0-d tensor). */
export type Shape = readonly number[];

/** Number of elements of a shape (1 for the 0-d shape `[]`). */
export function sizeOf(shape: Shape): number {
  let n = 1;
  for (let i = 0; i < shape.length; i++) n *= shape[i]!;
  return n;
}

/** Row-major strides of a contiguous tensor of `shape`. */
export function contiguousStrides(shape: Shape): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i]!;
  }
  return strides;
}

export function shapesEqual(a: Shape, b: Shape): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** NumPy broadcasting of two shapes; `op` names the caller in the error. */
export function broadcastShapes(a: Shape, b: Shape, op: string): Shape {
  if (shapesEqual(a, b)) return a;
  if (b.length === 0) return a;
  if (a.length === 0) return b;
  const n = Math.max(a.length, b.length);
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const da = a[a.length - n + i] ?? 1;
    const db = b[b.length - n + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) {
      throw new ShapeError(
        `${op}: shapes ${fmtShape(a)} and ${fmtShape(b)} cannot be broadcast (dim ${i - n}: ${da} vs ${db})`,
      );
    }
    out[i] = da === 1 ? db : da;
  }
  return out;
}

/**
 * Resolves a possibly negative dim against `ndim`, naming `op` when it is not a number
 * (TypeError), not an integer (ValueError) or out of range (IndexError).
 */
export function normalizeDim(dim: number, ndim: number, op: string): number {
  if (!Number.isInteger(dim)) {
    if (typeof dim !== 'number') wrongType(op, 'dim', 'an integer', dim);
    throw new ValueError(`${op}: dim must be an integer, got ${dim}`);
  }
  const lo = ndim === 0 ? -1 : -ndim;
  const hi = ndim === 0 ? 0 : ndim - 1;
  if (dim < lo || dim > hi) {
    throw new IndexError(
      `${op}: dim ${dim} is out of range for a tensor of ${ndim} dims (expected ${lo}..${hi})`,
    );
  }
  return dim < 0 ? dim + Math.max(ndim, 1) : dim;
}

/** Resolves an optional dim or dim list to sorted, distinct, non-negative dims (all dims when absent). */
export function normalizeDims(
  dim: number | readonly number[] | undefined,
  ndim: number,
  op: string,
): number[] {
  if (dim !== undefined && typeof dim !== 'number' && !Array.isArray(dim)) {
    throw new TypeError(`${op}: dim must be an integer or an array of integers, got ${describe(dim)}`);
  }
  // An empty list reduces over every dim, as PyTorch does.
  if (dim === undefined || (typeof dim !== 'number' && dim.length === 0)) {
    return Array.from({ length: ndim }, (_, i) => i);
  }
  const list = typeof dim === 'number' ? [dim] : dim;
  const dims = list.map((d) => normalizeDim(d, ndim, op));
  const sorted = [...new Set(dims)].sort((x, y) => x - y);
  if (sorted.length !== dims.length) throw new IndexError(`${op}: dim ${fmtShape(list)} repeats a dim`);
  // A 0-d tensor reduces over its single implicit dim, which leaves nothing to remove from its shape.
  return ndim === 0 ? [] : sorted;
}

/** The shape left after reducing `dims`, keeping them as size 1 when `keepDim`. */
export function reducedShape(shape: Shape, dims: readonly number[], keepDim: boolean): number[] {
  const out: number[] = [];
  for (let i = 0; i < shape.length; i++) {
    if (dims.includes(i)) {
      if (keepDim) out.push(1);
    } else out.push(shape[i]!);
  }
  return out;
}

/** Resolves a single `-1` in a reshape target against the element count. */
export function inferShape(shape: readonly number[], size: number, op: string): number[] {
  if (!Array.isArray(shape))
    throw new TypeError(`${op}: shape must be an array of sizes, got ${describe(shape)}`);
  let infer = -1;
  let known = 1;
  for (let i = 0; i < shape.length; i++) {
    const d = shape[i]!;
    if (typeof d !== 'number') throw new TypeError(`${op}: shape[${i}] must be a number, got ${describe(d)}`);
    if (d === -1) {
      if (infer !== -1) throw new ShapeError(`${op}: only one dim can be -1, got ${fmtShape(shape)}`);
      infer = i;
    } else if (!Number.isInteger(d) || d < 0) {
      throw new ShapeError(`${op}: invalid size ${d} in shape ${fmtShape(shape)}`);
    } else known *= d;
  }
  const out = [...shape];
  if (infer !== -1) {
    if (known === 0 || size % known !== 0) {
      throw new ShapeError(`${op}: shape ${fmtShape(shape)} is invalid for a tensor of ${size} elements`);
    }
    out[infer] = size / known;
  } else if (known !== size) {
    throw new ShapeError(`${op}: shape ${fmtShape(shape)} is invalid for a tensor of ${size} elements`);
  }
  return out;
}

/** True when `strides` are the row-major strides of `shape` (size-1 dims may have any stride). */
export function isContiguous(shape: Shape, strides: readonly number[]): boolean {
  let expected = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    const d = shape[i]!;
    if (d !== 1 && strides[i] !== expected) return false;
    expected *= d;
  }
  return true;
}
