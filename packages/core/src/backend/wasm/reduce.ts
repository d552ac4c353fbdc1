import type { DType, TypedArray } from '../../dtype.js';
import { sizeOf } from '../../shape.js';
import type { ReduceOp, StridedView } from '../backend.js';
import { reduce as cpuReduce } from '../cpu/reduce.js';
import { elementOffsets } from '../cpu/rows.js';
import { copyIn, denseF32, F32, fitsKept, inWasm, sliceOut } from './call.js';

// Reductions of dense float32 data that keep trailing dims (a bias gradient's sum over the batch,
// max pooling's max over each window) run in reduce.wat, vectorized across the kept trailing run
// and in the TypeScript kernel's order per output, so the bits are the same. Reductions that end at
// the last dim (a sum of everything, of each row) and everything else run the cpu kernel.

const CODES: Record<ReduceOp, number> = { sum: 0, max: 1, min: 2 };
const MIN = 512; // input elements below which the copies cost more than they save
const MIN_RUN = 8; // shortest kept trailing run worth a vector loop

/** Offsets of `dims` of dense `x` (relative to its offset), in row-major order of those dims. */
function offsetsOver(x: StridedView, dims: readonly number[]): Int32Array {
  return elementOffsets(
    dims.map((d) => x.shape[d]!),
    dims.map((d) => x.strides[d]!),
    0,
  );
}

export function reduce(op: ReduceOp, x: StridedView, dims: readonly number[], outDtype: DType): TypedArray {
  const n = sizeOf(x.shape);
  const last = dims.length === 0 ? x.shape.length : dims[dims.length - 1]!;
  const run = sizeOf(x.shape.slice(last + 1));
  const group = sizeOf(dims.map((d) => x.shape[d]!));
  if (outDtype !== 'float32' || !denseF32(x) || n < MIN || !fitsKept([n]) || run < MIN_RUN || group === 0) {
    return cpuReduce(op, x, dims, outDtype);
  }
  return reduceInWasm(op, x, dims, last, run) ?? cpuReduce(op, x, dims, outDtype);
}

// Apart from reduce, whose closure would otherwise give every call (small ones too) a heap context.
function reduceInWasm(
  op: ReduceOp,
  x: StridedView,
  dims: readonly number[],
  last: number,
  run: number,
): Float32Array | null {
  const n = sizeOf(x.shape);
  const kept = x.shape.map((_, d) => d).filter((d) => d < last && !dims.includes(d));
  const [outer, steps] = [offsetsOver(x, kept), offsetsOver(x, dims)];
  // Regions (in 4-byte words): x (+ a vector), outer offsets, step offsets, f64 accumulators (for
  // the run rounded up to whole vectors: reduce.wat's loop fills them a vector at a time), output.
  const sizes = [n + 4, outer.length, steps.length, 2 * Math.ceil(run / 4) * 4, outer.length * run] as const;
  return inWasm(sizes, (kernels, mem, [atX, atOuter, atSteps, atAcc, atOut]) => {
    copyIn(mem, atX, x, n);
    const words = new Int32Array(mem.buffer);
    words.set(outer, atOuter);
    words.set(steps, atSteps);
    kernels.reduce.tiles(
      CODES[op],
      atX * F32,
      atOuter * F32,
      outer.length,
      atSteps * F32,
      steps.length,
      run,
      atAcc * F32,
      atOut * F32,
    );
    return sliceOut(mem, atOut, outer.length * run);
  });
}
