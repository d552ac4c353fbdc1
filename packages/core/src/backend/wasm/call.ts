import { allocateUnfilled } from '../../dtype.js';
import type { StridedView } from '../backend.js';
import { isDense } from '../cpu/rows.js';
import { f32View, type WasmKernels, wasmKernels } from './runtime.js';

// Every wasm kernel call has the same shape: check that the operands suit it, lay them out in the
// kernels' memory, copy them in, call, copy the result out; or, where wasm cannot take the call, run
// the cpu kernel. The layout and the memory handling live here once.

/** Bytes per float32. */
export const F32 = 4;

/** Floats a call may lay out in all and still run in the memory runtime.ts keeps between calls. */
export const KEPT_FLOATS = 8 << 20;

/** Whether regions of `sizes` floats, laid out together, fit KEPT_FLOATS. */
export function fitsKept(sizes: readonly number[]): boolean {
  let total = 0;
  for (const n of sizes) total += n;
  return total <= KEPT_FLOATS;
}

/** True for a float32 view whose elements fill [offset, offset + size) of its storage. */
export function denseF32(v: StridedView): boolean {
  return v.storage instanceof Float32Array && isDense(v);
}

/** Copies `count` elements of the storage of `v` from `from` (default: its offset) into `mem` at `at`. */
export function copyIn(mem: Float32Array, at: number, v: StridedView, count: number, from = v.offset): void {
  mem.set(v.storage.subarray(from, from + count), at);
}

/** Copies `count` floats of `mem` from `from` into the storage of `v` at `to` (default: its offset). */
export function copyOut(mem: Float32Array, from: number, v: StridedView, count: number, to = v.offset): void {
  v.storage.set(mem.subarray(from, from + count), to);
}

/** A new float32 storage holding the `count` floats of `mem` from `from`: a result's copy out. */
export function sliceOut(mem: Float32Array, from: number, count: number): Float32Array {
  const out = allocateUnfilled('float32', count) as Float32Array;
  out.set(mem.subarray(from, from + count));
  return out;
}

/** Float offsets of regions of `sizes` floats laid one after another, each on a 16-byte boundary, and their end. */
export function layout<const S extends readonly number[]>(sizes: S): { at: Offsets<S>; end: number } {
  const at: number[] = [];
  let end = 0;
  for (const size of sizes) {
    at.push(end);
    end += Math.ceil(size / 4) * 4;
  }
  return { at: at as Offsets<S>, end };
}

/** One float offset per region. */
export type Offsets<S extends readonly number[]> = { readonly [K in keyof S]: number };

/**
 * Lays out regions of `sizes` floats in the kernels' memory (see `layout`), the last followed by one
 * vector of slack (a vector loop's last store may spill past its end), and runs `call` with their
 * offsets. Returns `call`'s result, or null where WebAssembly SIMD is unavailable or the memory
 * cannot be had: the caller then runs its cpu kernel.
 */
export function inWasm<const S extends readonly number[], T>(
  sizes: S,
  call: (kernels: WasmKernels, mem: Float32Array, at: Offsets<S>) => T,
): T | null {
  const { at, end } = layout(sizes);
  const kernels = wasmKernels((end + 4) * F32);
  return kernels === null ? null : call(kernels, f32View(kernels), at);
}
