import type { DType, TypedArray } from '../../dtype.js';
import { sizeOf } from '../../shape.js';
import { type StridedView, type WindowGeometry, windowSizes } from '../backend.js';
import { fold as cpuFold, unfold as cpuUnfold } from '../cpu/conv.js';
import { copyIn, denseF32, F32, fitsKept, inWasm, sliceOut } from './call.js';
import type { WasmKernels } from './runtime.js';

// im2col and col2im for dense float32 NCHW data run in conv.wat (the same walk as the TypeScript
// kernels, without their per-element typed-array dispatch); other dtypes, strided inputs and small
// or huge sizes run the cpu kernels. Both give the same bits.

const MIN = 512; // output elements below which the copies cost more than they save

/** Runs conv.wat's `window` over geometry `g`: unfold when `fold` is 0, fold when 1. */
export function runWindow(
  kernels: WasmKernels,
  fold: 0 | 1,
  img: number,
  cols: number,
  g: WindowGeometry,
): void {
  kernels.conv.window(fold, img * F32, cols * F32, g.batch * g.channels, ...windowSizes(g));
}

const colsSize = (g: WindowGeometry): number =>
  g.batch * g.channels * g.kernel[0] * g.kernel[1] * g.outHeight * g.outWidth;

export function unfold(x: StridedView, g: WindowGeometry, padValue: number, outDtype: DType): TypedArray {
  const [n, m] = [sizeOf(x.shape), colsSize(g)];
  const fits = m >= MIN && fitsKept([n, m]) && outDtype === 'float32' && denseF32(x);
  return (fits ? windowInWasm(0, x, n, m, padValue, g) : null) ?? cpuUnfold(x, g, padValue, outDtype);
}

export function fold(cols: StridedView, g: WindowGeometry, outDtype: DType): TypedArray {
  const [m, n] = [colsSize(g), g.batch * g.channels * g.height * g.width];
  const fits = m >= MIN && fitsKept([m, n]) && outDtype === 'float32' && denseF32(cols);
  return (fits ? windowInWasm(1, cols, m, n, 0, g) : null) ?? cpuFold(cols, g, outDtype);
}

// Copies `input` (`size` floats) in, fills the `outSize` output with `fill`, runs conv.wat's window
// walk (unfold reads the image into columns, fold sums columns into the image), copies out.
function windowInWasm(
  fold: 0 | 1,
  input: StridedView,
  size: number,
  outSize: number,
  fill: number,
  g: WindowGeometry,
): Float32Array | null {
  return inWasm([size, outSize], (kernels, mem, [atIn, atOut]) => {
    copyIn(mem, atIn, input, size);
    mem.fill(fill, atOut, atOut + outSize);
    if (fold) runWindow(kernels, 1, atOut, atIn, g);
    else runWindow(kernels, 0, atIn, atOut, g);
    return sliceOut(mem, atOut, outSize);
  });
}
