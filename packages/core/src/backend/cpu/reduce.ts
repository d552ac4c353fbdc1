import { allocate, type DType, type TypedArray } from '../../dtype.js';
import { IndexError, ValueError } from '../../errors.js';
import { sizeOf } from '../../shape.js';
import type { ReduceOp, StridedView } from '../backend.js';
import { planRows } from './rows.js';

// A view of `x` with the kept dims first and the reduced dims last, so each output element owns
// one consecutive run of rows in the walk.
function reducedLast(x: StridedView, dims: readonly number[]): StridedView {
  const kept = x.shape.map((_, i) => i).filter((i) => !dims.includes(i));
  const order = [...kept, ...dims];
  return {
    storage: x.storage,
    offset: x.offset,
    shape: order.map((i) => x.shape[i]!),
    strides: order.map((i) => x.strides[i]!),
  };
}

export function reduce(op: ReduceOp, x: StridedView, dims: readonly number[], outDtype: DType): TypedArray {
  const view = reducedLast(x, dims);
  const group = dims.reduce((n, d) => n * x.shape[d]!, 1);
  const outSize = group === 0 ? sizeOf(x.shape.filter((_, i) => !dims.includes(i))) : sizeOf(x.shape) / group;
  const out = allocate(outDtype, outSize);
  if (group === 0) {
    if (op !== 'sum' && outSize > 0) throw new ValueError(`${op}: cannot reduce over a zero-size dim`);
    return out;
  }
  const { rows, inner, innerStrides, bases } = planRows(view.shape, [view]);
  const rowsPerOut = rows / outSize;
  const s = innerStrides[0]!;
  const base = bases[0]!;
  const xd = x.storage;
  for (let o = 0, r = 0; o < outSize; o++) {
    let acc = op === 'sum' ? 0 : op === 'max' ? -Infinity : Infinity;
    for (let k = 0; k < rowsPerOut; k++, r++) {
      let p = base[r]!;
      if (op === 'sum') for (let j = 0; j < inner; j++, p += s) acc += xd[p]!;
      else if (op === 'max')
        for (let j = 0; j < inner; j++, p += s) {
          const v = xd[p]!;
          if (v > acc || Number.isNaN(v)) acc = v;
        }
      else
        for (let j = 0; j < inner; j++, p += s) {
          const v = xd[p]!;
          if (v < acc || Number.isNaN(v)) acc = v;
        }
    }
    out[o] = acc;
  }
  return out;
}

export function argReduce(op: 'argmax' | 'argmin', x: StridedView, dim: number): Int32Array {
  const len = x.shape[dim]!;
  if (len === 0) throw new IndexError(`${op}: cannot take ${op} over a zero-size dim`);
  const view = reducedLast(x, [dim]);
  const { rows, innerStrides, bases } = planRows(view.shape, [view]);
  const out = new Int32Array(rows);
  const s = innerStrides[0]!;
  const xd = x.storage;
  const better = op === 'argmax' ? (v: number, b: number) => v > b : (v: number, b: number) => v < b;
  for (let r = 0; r < rows; r++) {
    let p = bases[0]![r]!;
    let best = xd[p]!;
    let at = 0;
    for (let j = 1; j < len; j++) {
      p += s;
      const v = xd[p]!;
      if (Number.isNaN(best)) break;
      if (better(v, best) || Number.isNaN(v)) {
        best = v;
        at = j;
      }
    }
    out[r] = at;
  }
  return out;
}
