import { allocateUnfilled, dtypeOf, type TypedArray } from '../../dtype.js';
import { contiguousStrides, sizeOf } from '../../shape.js';
import type { MaxPooled, StridedView, WindowGeometry } from '../backend.js';
import { maxPool as cpuMaxPool } from '../cpu/pool.js';
import { copyIn, denseF32, F32, fitsKept, inWasm, KEPT_FLOATS } from './call.js';
import { unfold } from './conv.js';
import { reduce } from './reduce.js';

// Max pooling of dense float32 NCHW data with 2x2 windows at stride 2 (the common pooling) runs in
// conv.wat's `maxpool2x2`, four windows at a time and as many images per call as fit, keeping each
// window's value and index together as backend/cpu/pool.ts does (the same elements, so the same
// bits). Other windows run im2col and a max reduction in wasm when no indices are wanted
// (inference), else the cpu kernel's single pass; other dtypes, strided inputs, small sizes, and
// other windows too large for the kept memory run the cpu kernel.

const MIN = 512; // input elements below which the copies cost more than they save

export function maxPool(x: StridedView, g: WindowGeometry, withIndices: boolean): MaxPooled<TypedArray> {
  const [n, m] = [sizeOf(x.shape), g.batch * g.channels * g.outHeight * g.outWidth];
  if (n >= MIN && denseF32(x) && isTwoByTwo(g)) {
    return maxPool2x2(x, g, withIndices) ?? cpuMaxPool(x, g, withIndices);
  }
  const fits = n >= MIN && fitsKept([n, m, m]) && denseF32(x);
  if (!fits || withIndices) return cpuMaxPool(x, g, withIndices);
  const k = g.kernel[0] * g.kernel[1];
  const colsShape = [g.batch, g.channels, k, g.outHeight * g.outWidth];
  const dtype = dtypeOf(x.storage);
  const cols = unfold(x, g, Number.NEGATIVE_INFINITY, dtype);
  const view = { storage: cols, shape: colsShape, strides: contiguousStrides(colsShape), offset: 0 };
  return { values: reduce('max', view, [2], dtype), indices: null };
}

function isTwoByTwo(g: WindowGeometry): boolean {
  const [[kh, kw], [sh, sw], [ph, pw], [dh, dw]] = [g.kernel, g.stride, g.padding, g.dilation];
  return kh === 2 && kw === 2 && sh === 2 && sw === 2 && ph === 0 && pw === 0 && dh === 1 && dw === 1;
}

// As many images per call as fit the kept memory (one at least); each call's indices are counted
// from the elements before its first image.
function maxPool2x2(x: StridedView, g: WindowGeometry, withIndices: boolean): MaxPooled<TypedArray> | null {
  const image = g.channels * g.height * g.width;
  const pooled = g.channels * g.outHeight * g.outWidth;
  const perCall = Math.max(1, Math.floor(KEPT_FLOATS / (image + 2 * pooled)));
  const values = allocateUnfilled('float32', g.batch * pooled) as Float32Array;
  const indices = withIndices ? (allocateUnfilled('int32', g.batch * pooled) as Int32Array) : null;
  for (let first = 0; first < g.batch; first += perCall) {
    const images = Math.min(perCall, g.batch - first);
    const [n, m] = [images * image, images * pooled];
    const done = inWasm([n, m, m], (kernels, mem, [atX, atOut, atAt]) => {
      copyIn(mem, atX, x, n, x.offset + first * image);
      const planes = images * g.channels;
      kernels.conv.maxpool2x2(
        atX * F32,
        atOut * F32,
        atAt * F32,
        planes,
        g.height,
        g.width,
        g.outHeight,
        g.outWidth,
        first * image,
      );
      values.set(mem.subarray(atOut, atOut + m), first * pooled);
      indices?.set(new Int32Array(mem.buffer, atAt * F32, m), first * pooled);
      return true;
    });
    if (done === null) return null;
  }
  return { values, indices };
}
