import { BYTES, checkNumel } from './checks.js';
import { DTypeError, ShapeError } from './errors.js';
import { MMAP_THRESHOLD_BYTES, raiseMallocThresholds } from './malloc-thresholds.js';

/**
 * Element types a tensor can hold. `float32` is the default; `int32` holds indices and labels;
 * `bool` holds masks (what comparisons return), stored as 0/1 bytes.
 */
export type DType = 'float32' | 'float64' | 'int32' | 'bool';

/** Every dtype, for checks of a dtype given at run time. */
export const DTYPES: readonly DType[] = ['float32', 'float64', 'int32', 'bool'];

/** The typed array behind each dtype (a Uint8Array of 0/1 for bool). */
export type TypedArray = Float32Array | Float64Array | Int32Array | Uint8Array;

/**
 * Allocates a zero-filled typed array of `dtype`. Every tensor's storage comes from here, so this
 * is where a length the platform cannot allocate becomes a `ShapeError` instead of a bare
 * `RangeError`; `op` names the caller in that error. Ops check their output sizes under their
 * own names before calling a kernel, so `'allocate'` shows only for a size no op foresaw.
 */
export function allocate(dtype: DType, length: number, op = 'allocate'): TypedArray {
  // One cheap test on the hot path (every op allocates): `>>> 0` keeps only a non-negative integer
  // below 2^32 unchanged. The slow path sorts out what is wrong, and tunes malloc at the first
  // allocation large enough to be given fresh pages (malloc-thresholds.ts).
  if (!(length >>> 0 === length && length <= fastLength)) slowLength(op, dtype, length);
  switch (dtype) {
    case 'float32':
      return new Float32Array(length);
    case 'float64':
      return new Float64Array(length);
    case 'int32':
      return new Int32Array(length);
    case 'bool':
      return new Uint8Array(length);
    default:
      // Reached only from untyped JavaScript (or a cast): name the bad dtype instead of crashing later.
      throw new DTypeError(
        `${op}: unknown dtype '${String(dtype)}': use 'float32', 'float64', 'int32' (indices) or 'bool' (masks)`,
      );
  }
}

/**
 * Allocates a typed array of `dtype` whose contents are left as the allocator found them: for a
 * kernel that writes every element before anything reads the array, such as a copy out of
 * WebAssembly memory. Under Node, storages of 4 KiB and more come from `Buffer.allocUnsafeSlow`,
 * which skips the zero fill: measured on a 2-core VM, an 800 KB copy out of wasm memory took 26 µs
 * into such an array against 56 µs for `slice`, whose fresh array is zeroed first and then
 * overwritten. Elsewhere, and below that size, it is `allocate`.
 */
export function allocateUnfilled(dtype: DType, length: number, op = 'allocate'): TypedArray {
  // Undefined for a dtype that is none (untyped callers): `allocate` names it.
  const width: number | undefined = BYTES[dtype];
  const out =
    width !== undefined && length * width >= UNFILLED_MIN_BYTES
      ? (unfilled(dtype, length, width, op) ?? allocate(dtype, length, op))
      : allocate(dtype, length, op);
  if (poisoned) out.fill(dtype === 'int32' ? POISON_INT : dtype === 'bool' ? POISON_BOOL : Number.NaN);
  return out;
}

// Smaller arrays gain nothing measurable; the smallest live on V8's heap, which beats either.
const UNFILLED_MIN_BYTES = 4096;
type UnsafeAlloc = (bytes: number) => { readonly buffer: ArrayBufferLike; readonly byteOffset: number };

function unfilled(dtype: DType, length: number, width: number, op: string): TypedArray | null {
  if (!(length >>> 0 === length && length <= fastLength)) slowLength(op, dtype, length);
  const bytes = length * width;
  const node = (globalThis as { Buffer?: { allocUnsafeSlow?: UnsafeAlloc } }).Buffer;
  if (typeof node?.allocUnsafeSlow !== 'function') return null;
  const { buffer, byteOffset } = node.allocUnsafeSlow(bytes);
  // A storage owns its whole ArrayBuffer, as one from `allocate` does (a polyfill may differ).
  if (!(buffer instanceof ArrayBuffer) || byteOffset !== 0 || buffer.byteLength !== bytes) return null;
  return new ARRAY_OF[dtype](buffer);
}

// The typed array over a whole buffer, by dtype. (`allocate` keeps its switch: one constructor per
// call site is what V8 makes fastest on the path every op takes; these arrays are 4 KiB and up.)
const ARRAY_OF: Record<DType, new (buffer: ArrayBuffer) => TypedArray> = {
  float32: Float32Array,
  float64: Float64Array,
  int32: Int32Array,
  bool: Uint8Array,
};

// Tests fill every unfilled array with values no kernel writes, so an element a kernel forgets
// shows up as NaN (or an impossible index or bool) instead of as a stale number or a lucky zero.
let poisoned = false;
const POISON_INT = -(2 ** 31);
const POISON_BOOL = 0xa5;

/** @internal For tests: make `allocateUnfilled` fill what it returns with NaN, -2^31 or 0xa5. */
export function poisonUnfilled(on: boolean): void {
  poisoned = on;
}

// Lengths up to here fit every dtype (2^29 float64 elements are 4 GiB).
const SMALL = 2 ** 29;

// Lengths allocate() passes without a second look: below malloc's mmap threshold for every dtype
// until the first larger one has raised its thresholds, then anything up to SMALL.
let fastLength = MMAP_THRESHOLD_BYTES / 8;

function slowLength(op: string, dtype: DType, length: number): void {
  checkLength(op, dtype, length);
  if (fastLength < SMALL) {
    raiseMallocThresholds();
    fastLength = SMALL;
  }
}

function checkLength(op: string, dtype: DType, length: number): void {
  if (!(length >= 0 && Number.isInteger(length))) {
    throw new ShapeError(`${op}: cannot allocate ${length} elements: a size must be a non-negative integer`);
  }
  checkNumel(op, length, dtype);
}

/** The dtype of a storage: a typed array's, or the one a GPU buffer was made for. */
export function dtypeOf(data: TypedArray | { readonly dtype: DType }): DType {
  if (data instanceof Float32Array) return 'float32';
  if (data instanceof Float64Array) return 'float64';
  if (data instanceof Uint8Array) return 'bool';
  // An Int32Array has no `dtype` property; a GPU storage names its own.
  return (data as { readonly dtype?: DType }).dtype ?? 'int32';
}

export function isFloating(dtype: DType): boolean {
  return dtype === 'float32' || dtype === 'float64';
}

// The result dtype of a binary op: float64 beats float32 beats int32 beats bool, as in PyTorch.
const RANK: Record<DType, number> = { bool: 0, int32: 1, float32: 2, float64: 3 };

export function promote(a: DType, b: DType): DType {
  if (a === b) return a;
  return RANK[a] > RANK[b] ? a : b;
}

/** The dtype a floating result takes from a possibly-integer input (int32 / int32 divides to float32). */
export function floatingOf(dtype: DType): DType {
  return isFloating(dtype) ? dtype : 'float32';
}
