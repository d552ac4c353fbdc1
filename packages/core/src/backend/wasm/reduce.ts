import type { DType, TypedArray } from '../../dtype.js';
import { sizeOf } from '../../shape.js';
import type { ReduceOp, StridedView } from '../backend.js';
import { reduce as cpuReduce } from '../cpu/reduce.js';
import { elementOffsets, isDense } from '../cpu/rows.js';
import { f32View, wasmKernels } from './runtime.js';

// Reductions of dense float32 data that keep trailing dims (a bias gradient's sum over the batch,
// max pooling's max over each window) run in reduce.wat, vectorized across the kept trailing run
// and in the TypeScript kernel's order per output, so the bits are the same. Reductions that end at
// the last dim (a sum of everything, of each row) and everything else run the cpu kernel.

const CODES: Record<ReduceOp, number> = { sum: 0, max: 1, min: 2 };
const MIN = 512; // input elements below which the copies cost more than they save
const MIN_RUN = 8; // shortest kept trailing run worth a vector loop
const MAX = 8 << 20;
const F32 = 4;

const align = (floats: number): number => Math.ceil(floats / 4) * 4;

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
  const dense = x.storage instanceof Float32Array && isDense(x);
  if (outDtype !== 'float32' || !dense || n < MIN || n > MAX || run < MIN_RUN || group === 0) {
    return cpuReduce(op, x, dims, outDtype);
  }
  const kept = x.shape.map((_, d) => d).filter((d) => d < last && !dims.includes(d));
  const [outer, steps] = [offsetsOver(x, kept), offsetsOver(x, dims)];
  // Layout (in 4-byte words): x (+ a vector), outer offsets, step offsets, f64 accumulators, output.
  const atOuter = align(n) + 4;
  const atSteps = atOuter + align(outer.length);
  const atAcc = atSteps + align(steps.length);
  const atOut = atAcc + 2 * align(run);
  const kernels = wasmKernels((atOut + outer.length * run + 4) * F32);
  if (kernels === null) return cpuReduce(op, x, dims, outDtype);
  const mem = f32View(kernels);
  mem.set(x.storage.subarray(x.offset, x.offset + n), 0);
  const words = new Int32Array(mem.buffer);
  words.set(outer, atOuter);
  words.set(steps, atSteps);
  kernels.reduce.tiles(
    CODES[op],
    0,
    atOuter * F32,
    outer.length,
    atSteps * F32,
    steps.length,
    run,
    atAcc * F32,
    atOut * F32,
  );
  return mem.slice(atOut, atOut + outer.length * run);
}
