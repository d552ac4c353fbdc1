import { allocate, type DType, type TypedArray } from '../../dtype.js';
import { contiguousStrides, sizeOf } from '../../shape.js';
import type { StridedView } from '../backend.js';
import { elementOffsets } from './rows.js';

// Kernels that work along one dim, a line at a time: running sums and products, and sorting.

interface Lines {
  /** Storage offset in x of each line's first element. */
  readonly from: Int32Array;
  /** Offset in the dense output of each line's first element. */
  readonly to: Int32Array;
  /** Line length, x's step along it and the output's. */
  readonly length: number;
  readonly step: number;
  readonly outStep: number;
}

function linesOf(x: StridedView, dim: number): Lines {
  const without = <T>(list: readonly T[]) => list.filter((_, d) => d !== dim);
  const outStrides = contiguousStrides(x.shape);
  const outer = without(x.shape);
  return {
    from: elementOffsets(outer, without(x.strides), x.offset),
    to: elementOffsets(outer, without(outStrides), 0),
    length: x.shape[dim]!,
    step: x.strides[dim]!,
    outStep: outStrides[dim]!,
  };
}

/** Running sum or product of `x` along `dim`, from the end of each line when `reverse`. */
export function cumulative(
  op: 'sum' | 'prod',
  x: StridedView,
  dim: number,
  reverse: boolean,
  outDtype: DType,
): TypedArray {
  const out = allocate(outDtype, sizeOf(x.shape));
  const { from, to, length, step, outStep } = linesOf(x, dim);
  const xd = x.storage;
  const first = reverse ? length - 1 : 0;
  const dir = reverse ? -1 : 1;
  for (let l = 0; l < from.length; l++) {
    let p = from[l]! + first * step;
    let o = to[l]! + first * outStep;
    // Accumulated in float64 (as PyTorch's cpu kernel accumulates float32 in double).
    let acc = op === 'sum' ? 0 : 1;
    for (let j = 0; j < length; j++, p += dir * step, o += dir * outStep) {
      acc = op === 'sum' ? acc + xd[p]! : acc * xd[p]!;
      out[o] = acc;
    }
  }
  return out;
}

/**
 * The int32 indices that sort each line of `x` along `dim`, stably (equal values keep their index
 * order, descending too); NaN sorts above every number, as PyTorch's sort.
 */
export function argsort(x: StridedView, dim: number, descending: boolean): TypedArray {
  const out = allocate('int32', sizeOf(x.shape));
  const { from, to, length, step, outStep } = linesOf(x, dim);
  const xd = x.storage;
  const values = new Float64Array(length);
  const order = Array.from({ length }, (_, i) => i);
  const ascending = (a: number, b: number) => compareNaNLast(values[a]!, values[b]!);
  const descendingOrder = (a: number, b: number) => compareNaNLast(values[b]!, values[a]!);
  for (let l = 0; l < from.length; l++) {
    for (let j = 0, p = from[l]!; j < length; j++, p += step) {
      values[j] = xd[p]!;
      order[j] = j;
    }
    // Array.prototype.sort is stable (ES2019), which gives the index order at ties.
    order.sort(descending ? descendingOrder : ascending);
    for (let j = 0, o = to[l]!; j < length; j++, o += outStep) out[o] = order[j]!;
  }
  return out;
}

function compareNaNLast(a: number, b: number): number {
  if (a < b) return -1;
  if (a > b) return 1;
  if (a === b) return 0;
  // At least one NaN: NaN is the largest, and NaNs tie.
  return Number.isNaN(a) ? (Number.isNaN(b) ? 0 : 1) : -1;
}
