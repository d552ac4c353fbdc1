import { allocate, type DType, type TypedArray } from '../../dtype.js';
import { fmtShape, IndexError } from '../../errors.js';
import { contiguousStrides, type Shape, sizeOf } from '../../shape.js';
import type { StridedView } from '../backend.js';
import { copy, denseOf } from './elementwise.js';
import { elementOffsets, isDense } from './rows.js';

function checkIndex(op: string, i: number, size: number, dim: number): void {
  if (i < 0 || i >= size || !Number.isInteger(i)) {
    throw new IndexError(`${op}: index ${i} is out of bounds for dim ${dim} of size ${size}`);
  }
}

// Visits each element of index's shape with the storage offsets it reads in `index` and in the
// indexed tensor (whose `dim` coordinate is then replaced by the index value).
function walk(
  op: string,
  indexed: { shape: Shape; strides: readonly number[]; offset: number },
  dim: number,
  index: StridedView,
  visit: (o: number, target: number) => void,
): void {
  const shape = index.shape;
  const idxOffsets = elementOffsets(shape, index.strides, index.offset);
  // The indexed tensor walked over index's shape, with the `dim` stride zeroed: the index adds it back.
  const strides = indexed.strides.map((s, d) => (d === dim ? 0 : s));
  const baseOffsets = elementOffsets(shape, strides, indexed.offset);
  const size = indexed.shape[dim]!;
  const dimStride = indexed.strides[dim]!;
  const id = index.storage;
  for (let o = 0; o < idxOffsets.length; o++) {
    const i = id[idxOffsets[o]!]!;
    checkIndex(op, i, size, dim);
    visit(o, baseOffsets[o]! + i * dimStride);
  }
}

export function gather(x: StridedView, dim: number, index: StridedView, outDtype: DType): TypedArray {
  for (let d = 0; d < x.shape.length; d++) {
    if (d !== dim && index.shape[d]! > x.shape[d]!) {
      throw new IndexError(
        `gather: index shape ${fmtShape(index.shape)} is larger than input shape ${fmtShape(x.shape)} in dim ${d}`,
      );
    }
  }
  const out = allocate(outDtype, sizeOf(index.shape));
  const xd = x.storage;
  walk('gather', x, dim, index, (o, p) => {
    out[o] = xd[p]!;
  });
  return out;
}

export function scatterAdd(
  src: StridedView,
  dim: number,
  index: StridedView,
  outShape: Shape,
  outDtype: DType,
): TypedArray {
  const out = allocate(outDtype, sizeOf(outShape));
  if (outShape.length === 1 && isDense(src) && isDense(index)) {
    addAt(src, index, out);
    return out;
  }
  const srcOffsets = elementOffsets(src.shape, src.strides, src.offset);
  const sd = src.storage;
  const target = { shape: outShape, strides: contiguousStrides(outShape), offset: 0 };
  walk('scatterAdd', target, dim, index, (o, p) => {
    out[p]! += sd[srcOffsets[o]!]!;
  });
  return out;
}

/** A copy of `x` with `src` (read over index's shape) written at `index` along `dim`; the last write wins. */
export function scatter(
  x: StridedView,
  dim: number,
  index: StridedView,
  src: StridedView,
  outDtype: DType,
): TypedArray {
  const out = allocate(outDtype, sizeOf(x.shape));
  const strides = contiguousStrides(x.shape);
  copy(x, { storage: out, shape: x.shape, strides, offset: 0 });
  const srcOffsets = elementOffsets(index.shape, src.strides, src.offset);
  const sd = src.storage;
  walk('scatter', { shape: x.shape, strides, offset: 0 }, dim, index, (o, p) => {
    out[p] = sd[srcOffsets[o]!]!;
  });
  return out;
}

// out[index[i]] += src[i] over dense 1-D operands: max pooling's backward routes every window's
// gradient this way, so it gets a loop without the general walk's offset tables and callback.
function addAt(src: StridedView, index: StridedView, out: TypedArray): void {
  const [sd, so, id, io] = [src.storage, src.offset, index.storage, index.offset];
  const n = sizeOf(index.shape);
  for (let o = 0; o < n; o++) {
    const i = id[io + o]!;
    if (!(i >= 0 && i < out.length)) checkIndex('scatterAdd', i, out.length, 0);
    out[i] = out[i]! + sd[so + o]!;
  }
}

// One block copy per selected slice and outer index when x is dense (a batch's rows), else one
// strided copy per selected slice.
export function indexSelect(x: StridedView, dim: number, index: StridedView, outDtype: DType): TypedArray {
  const [ids, io] = denseOf(index);
  const count = sizeOf(index.shape);
  const size = x.shape[dim]!;
  if (isDense(x)) return denseSelect(x, dim, ids, io, count, outDtype);
  const sliceShape = x.shape.filter((_, d) => d !== dim);
  const sliceStrides = x.strides.filter((_, d) => d !== dim);
  const outShape = x.shape.map((s, d) => (d === dim ? count : s));
  const out = allocate(outDtype, sizeOf(outShape));
  const outStrides = contiguousStrides(outShape);
  const outSliceStrides = outStrides.filter((_, d) => d !== dim);
  for (let k = 0; k < count; k++) {
    const i = ids[io + k]!;
    checkIndex('indexSelect', i, size, dim);
    copy(
      {
        storage: x.storage,
        shape: sliceShape,
        strides: sliceStrides,
        offset: x.offset + i * x.strides[dim]!,
      },
      { storage: out, shape: sliceShape, strides: outSliceStrides, offset: k * outStrides[dim]! },
    );
  }
  return out;
}

function denseSelect(
  x: StridedView,
  dim: number,
  ids: TypedArray,
  io: number,
  count: number,
  outDtype: DType,
): TypedArray {
  const size = x.shape[dim]!;
  const inner = sizeOf(x.shape.slice(dim + 1));
  const outer = sizeOf(x.shape.slice(0, dim));
  const out = allocate(outDtype, outer * count * inner);
  const src = x.storage;
  for (let k = 0; k < count; k++) checkIndex('indexSelect', ids[io + k]!, size, dim);
  for (let o = 0, at = 0; o < outer; o++) {
    const base = x.offset + o * size * inner;
    for (let k = 0; k < count; k++, at += inner) {
      const from = base + ids[io + k]! * inner;
      out.set(src.subarray(from, from + inner), at);
    }
  }
  return out;
}
