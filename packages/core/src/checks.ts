/**
 * The argument checks every public entry of core runs before it computes or changes anything.
 * One set for all ops, so each kind of mistake gets the same error class and the same wording:
 * a wrong argument type is the built-in `TypeError`, a bad size or shape `ShapeError`, a bad
 * value `ValueError`, an unknown dtype `DTypeError`, and every message starts with the op.
 * Each check is O(1) per argument (a `typeof` or an `instanceof`), except those on shape lists
 * and index lists, which are O(length): none of them reads a tensor's elements.
 */
import { DTYPES, type DType } from './dtype.js';
import { DTypeError, fmtShape, ShapeError, ValueError } from './errors.js';
import { Tensor } from './tensor.js';

/**
 * The most bytes one tensor may take: 4 GiB, so 2^30 float32 or int32 elements, 2^29 float64.
 * Some engines refuse larger ArrayBuffers, and asking for more is almost always a mistake (a
 * padding or a broadcast of the wrong size) that would exhaust memory before anything failed.
 * Below it, element counts also stay within what int32 indices (`gather`, `argmax`) address.
 */
export const MAX_BYTES = 2 ** 32;

/** Bytes per element; typed by DType, so a new dtype without an entry fails to compile. */
export const BYTES: Record<DType, number> = { float32: 4, float64: 8, int32: 4, bool: 1 };

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;

/** How a message shows a bad argument: its kind, and its value when that is short. */
export function describe(v: unknown): string {
  if (v === null) return 'null';
  if (v instanceof Tensor) return `a Tensor of shape ${fmtShape(v.shape)}`;
  if (Array.isArray(v)) return `an array of length ${v.length}`;
  if (ArrayBuffer.isView(v)) return `a ${v.constructor.name}`;
  switch (typeof v) {
    case 'string':
      return `the string ${JSON.stringify(v.length > 24 ? `${v.slice(0, 24)}...` : v)}`;
    case 'number':
    case 'boolean':
      return `${typeof v} ${String(v)}`;
    case 'bigint':
      return `bigint ${String(v)}n`;
    case 'undefined':
      return 'undefined';
    case 'function':
      return 'a function';
    case 'symbol':
      return 'a symbol';
    default:
      return 'an object';
  }
}

/**
 * Throws the TypeError of an argument of the wrong type. The checks on hot paths call it rather
 * than build the message themselves, which keeps them small enough for V8 to inline.
 */
export function wrongType(op: string, name: string, expected: string, v: unknown): never {
  throw new TypeError(`${op}: ${name} must be ${expected}, got ${describe(v)}`);
}

/**
 * Whether `v` is a Tensor (or a subclass such as nn's Parameter). The constructor comparison
 * answers for plain tensors at the cost of a property load; `instanceof`, several times
 * slower in V8 and a measurable share of a 0-d op, runs only for subclasses and non-tensors.
 */
export function isTensor(v: unknown): v is Tensor {
  return typeof v === 'object' && v !== null && (v.constructor === Tensor || v instanceof Tensor);
}

/** Throws a TypeError unless `v` is a Tensor. */
export function expectTensor(op: string, name: string, v: unknown): asserts v is Tensor {
  if (!isTensor(v)) wrongType(op, name, 'a Tensor', v);
}

/** Throws a TypeError unless `v` is a Tensor or a number (an operand of arithmetic). */
export function expectTensorLike(op: string, name: string, v: unknown): asserts v is Tensor | number {
  if (typeof v !== 'number' && !isTensor(v)) wrongType(op, name, 'a Tensor or a number', v);
}

/** Throws a TypeError unless `v` is absent (undefined or null) or a Tensor. */
export function expectOptionalTensor(
  op: string,
  name: string,
  v: unknown,
): asserts v is Tensor | null | undefined {
  if (v != null && !isTensor(v)) wrongType(op, name, 'a Tensor or null', v);
}

/** Throws a TypeError unless `v` is an array of Tensors, naming the first element that is not. */
export function expectTensors(op: string, name: string, v: unknown): asserts v is readonly Tensor[] {
  if (!Array.isArray(v)) wrongType(op, name, 'an array of Tensors', v);
  for (let i = 0; i < v.length; i++) {
    if (!isTensor(v[i])) wrongType(op, `${name}[${i}]`, 'a Tensor', v[i]);
  }
}

/**
 * The TypeError of a binary op whose operands are not a Tensor and a Tensor or number. `a` and
 * `b` are the operands as given; the message names the first that is wrong.
 */
export function operandError(op: string, a: unknown, b: unknown): TypeError {
  if (!isTensor(a) && typeof a !== 'number') {
    return new TypeError(`${op}: first operand must be a Tensor or a number, got ${describe(a)}`);
  }
  if (typeof a === 'number' && typeof b === 'number') {
    return new TypeError(`${op}: one operand must be a Tensor, got two numbers (${a} and ${b})`);
  }
  return new TypeError(`${op}: second operand must be a Tensor or a number, got ${describe(b)}`);
}

/** Throws a TypeError unless `v` is an array of numbers, naming the first element that is not. */
export function expectNumbers(op: string, name: string, v: unknown): asserts v is readonly number[] {
  if (!Array.isArray(v)) wrongType(op, name, 'an array of numbers', v);
  for (let i = 0; i < v.length; i++) {
    if (typeof v[i] !== 'number') wrongType(op, `${name}[${i}]`, 'a number', v[i]);
  }
}

/**
 * Checks a list of indices given as numbers: an array (TypeError) of integers (ValueError) that
 * int32 can hold (ValueError: converting them would wrap 2^32 + 1 around to the valid index 1).
 */
export function expectIndexList(op: string, name: string, v: unknown): asserts v is readonly number[] {
  expectNumbers(op, name, v);
  for (let i = 0; i < v.length; i++) {
    const k = v[i]!;
    if (!Number.isInteger(k)) throw new ValueError(`${op}: ${name}[${i}] must be an integer, got ${k}`);
    if (!fits('int32', k)) checkFits(op, 'int32', k, `${name}[${i}] =`);
  }
}

/** Throws a TypeError unless `v` is a number (NaN and infinities pass: they are numbers). */
export function expectNumber(op: string, name: string, v: unknown): asserts v is number {
  if (typeof v !== 'number') wrongType(op, name, 'a number', v);
}

/** Throws a TypeError unless `v` is absent (undefined or null) or a number. */
export function expectOptionalNumber(
  op: string,
  name: string,
  v: unknown,
): asserts v is number | null | undefined {
  if (v != null && typeof v !== 'number') {
    wrongType(op, name, 'a number or null', v);
  }
}

/** Throws a TypeError unless `v` is a finite number, a ValueError when it is NaN or infinite. */
export function expectFinite(op: string, name: string, v: unknown): asserts v is number {
  expectNumber(op, name, v);
  if (!Number.isFinite(v)) throw new ValueError(`${op}: ${name} must be finite, got ${v}`);
}

/**
 * Throws a TypeError unless `v` is a number, a ValueError unless it is an integer `>= min`
 * (NaN, infinities and fractions are not integers).
 */
export function expectInteger(
  op: string,
  name: string,
  v: unknown,
  min = Number.NEGATIVE_INFINITY,
): asserts v is number {
  expectNumber(op, name, v);
  if (!Number.isInteger(v) || v < min) {
    const range = min === Number.NEGATIVE_INFINITY ? 'an integer' : `an integer >= ${min}`;
    throw new ValueError(`${op}: ${name} must be ${range}, got ${v}`);
  }
}

/**
 * Checks an optional slice bound: absent (undefined or null), an integer, or an infinity (which
 * clamps to an end, as a huge Python index does). NaN and fractions are ValueErrors.
 */
export function expectBound(op: string, name: string, v: unknown): asserts v is number | null | undefined {
  expectOptionalNumber(op, name, v);
  if (typeof v === 'number' && !Number.isInteger(v) && Math.abs(v) !== Number.POSITIVE_INFINITY) {
    throw new ValueError(`${op}: ${name} must be an integer, got ${v}`);
  }
}

/** Throws a TypeError unless `v` is absent (undefined) or a plain options object. */
export function expectOptions(op: string, v: unknown): void {
  if (v !== undefined && (v === null || typeof v !== 'object' || Array.isArray(v))) {
    wrongType(op, 'options', 'an object', v);
  }
}

/** Throws a DTypeError unless `v` is one of the dtypes, naming the op and what was given. */
export function expectDType(op: string, v: unknown): asserts v is DType {
  if (!DTYPES.includes(v as DType)) {
    const got = typeof v === 'string' ? `'${v}'` : describe(v);
    throw new DTypeError(
      `${op}: unknown dtype ${got}: use 'float32', 'float64', 'int32' (indices) or 'bool' (masks)`,
    );
  }
}

/**
 * Throws a ShapeError when a tensor of `count` elements of `dtype` would take more than
 * `MAX_BYTES`, naming the op, the count and the shape when given. Called before allocating, so
 * a refused call leaves memory and state as they were.
 */
export function checkNumel(op: string, count: number, dtype: DType, shape?: readonly number[]): void {
  // Every op calls this: the common answer needs no per-dtype lookup and no message code.
  if (count > MAX_BYTES / 8 && count * BYTES[dtype] > MAX_BYTES) tooLarge(op, count, dtype, shape);
}

function tooLarge(op: string, count: number, dtype: DType, shape: readonly number[] | undefined): never {
  const of = shape === undefined ? '' : ` (shape ${fmtShape(shape)})`;
  throw new ShapeError(
    `${op}: a ${dtype} tensor of ${count} elements${of} is too large: ` +
      `at most ${MAX_BYTES / BYTES[dtype]} elements (${MAX_BYTES / 2 ** 30} GiB) fit in one tensor`,
  );
}

/**
 * Checks a shape given as an argument: an array (TypeError otherwise) of non-negative integer
 * sizes (ShapeError otherwise). Returns the element count; whether that many can be allocated is
 * `checkNumel`'s question (a broadcast view allocates nothing).
 */
export function expectShape(op: string, shape: unknown, name = 'shape'): number {
  if (!Array.isArray(shape)) wrongType(op, name, 'an array of sizes', shape);
  let count = 1;
  for (let i = 0; i < shape.length; i++) {
    const d: unknown = shape[i];
    if (typeof d !== 'number') wrongType(op, `${name}[${i}]`, 'a number', d);
    // Safe integers keep size and offset arithmetic exact; whether they fit is checkNumel's question.
    if (!Number.isSafeInteger(d) || d < 0) {
      throw new ShapeError(
        `${op}: invalid size ${d} at ${name}[${i}] of ${fmtShape(shape)}: sizes must be non-negative integers`,
      );
    }
    // A zero size makes the count 0 even after an overflowing product (Infinity * 0 would be NaN).
    count = d === 0 ? 0 : count * d;
  }
  return count;
}

/**
 * Whether `value` fits `dtype`. Only int32 can refuse a number: NaN, the infinities and numbers
 * outside [-2^31, 2^31 - 1] after truncation toward zero (fractions truncate, as PyTorch's
 * conversion does). Floating dtypes take every number (float32 rounds, and overflows to
 * infinity, as PyTorch).
 */
export function fits(dtype: DType, value: number): boolean {
  return dtype !== 'int32' || (value > INT32_MIN - 1 && value < INT32_MAX + 1);
}

/** Throws a ValueError unless `value` fits `dtype` (see `fits`), naming the op and `what`. */
export function checkFits(op: string, dtype: DType, value: number, what = 'value'): void {
  if (!fits(dtype, value)) {
    throw new ValueError(
      `${op}: ${what} ${value} does not fit dtype int32 (integers from ${INT32_MIN} to ${INT32_MAX})`,
    );
  }
}

/**
 * Throws a ValueError at the first element of `values` that does not fit `dtype`, naming the op and
 * the element; nothing to check unless values that are not int32 go into int32 (`tensor()` of a
 * float array, `copy_` into an int32 tensor, `to('int32')`), where the typed array's own conversion
 * would wrap 1e12 to -727379968 and NaN to 0.
 */
export function checkAllFit(op: string, dtype: DType, values: ArrayLike<number>): void {
  if (dtype !== 'int32' || values instanceof Int32Array) return;
  for (let i = 0; i < values.length; i++) {
    if (!fits(dtype, values[i]!)) checkFits(op, dtype, values[i]!, `element ${i} =`);
  }
}
