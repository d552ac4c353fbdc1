import type { DType, TypedArray } from '../../dtype.js';
import { type Shape, sizeOf } from '../../shape.js';
import type { StridedView } from '../backend.js';
import { scatterAdd as cpuScatterAdd } from '../cpu/indexing.js';
import { isDense } from '../cpu/rows.js';
import { copyIn, denseF32, F32, fitsKept, inWasm, sliceOut } from './call.js';

// A flat float32 scatter-add (max pooling's backward gives each window's gradient to its kept
// element this way) in elementwise.wat's `scatterAdd`: measured in a small CNN's step, the
// typed-array loop took about 2 ns an element, more than copying the operands in and out.
const MIN = 512; // output elements below which the copies cost more than they save

/**
 * Zeros of `outShape` with `src` added at `index`: in wasm for a vector of float32 from dense
 * operands, with the cpu kernel's sums in its order (so the same bits), else the cpu kernel. An
 * index out of range is left to the cpu kernel, whose error names it.
 */
export function scatterAdd(
  src: StridedView,
  dim: number,
  index: StridedView,
  outShape: Shape,
  outDtype: DType,
): TypedArray {
  const [n, m] = [sizeOf(outShape), sizeOf(index.shape)];
  const fits =
    outShape.length === 1 &&
    outDtype === 'float32' &&
    n >= MIN &&
    fitsKept([m, m, n]) &&
    denseF32(src) &&
    index.storage instanceof Int32Array &&
    isDense(index);
  return (
    (fits ? scatterAddInWasm(src, index, n, m) : null) ?? cpuScatterAdd(src, dim, index, outShape, outDtype)
  );
}

function scatterAddInWasm(src: StridedView, index: StridedView, n: number, m: number): Float32Array | null {
  return inWasm([m, m, n], (kernels, mem, [atSrc, atIndex, atOut]) => {
    copyIn(mem, atSrc, src, m);
    new Int32Array(mem.buffer).set(index.storage.subarray(index.offset, index.offset + m), atIndex);
    mem.fill(0, atOut, atOut + n);
    const bad = kernels.elementwise.scatterAdd(atSrc * F32, atIndex * F32, atOut * F32, m, n);
    return bad === 0 ? sliceOut(mem, atOut, n) : null;
  });
}
