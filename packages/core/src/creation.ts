import {
  checkAllFit,
  checkFits,
  checkNumel,
  describe,
  expectDType,
  expectFinite,
  expectInteger,
  expectNumber,
  expectOptions,
  expectShape,
  fits,
} from './checks.js';
import { type Device, expectDevice, float64Error, getDefaultDevice } from './device.js';
import { allocate, type DType, isFloating, type TypedArray } from './dtype.js';
import { DTypeError, fmtShape, ShapeError, ValueError } from './errors.js';
import { toDevice } from './ops/transfer.js';
import { defaultGenerator, Generator } from './random.js';
import { inferShape, type Shape, sizeOf } from './shape.js';
import { type NestedArray, Tensor } from './tensor.js';

/** Options of `tensor()` and the other creation functions. */
export interface TensorOptions {
  /** Element type; `'float32'` unless given (`'int32'` for integer-only `randint`). */
  dtype?: DType;
  /** Makes the new tensor a leaf that records ops and receives `.grad` (floating dtypes only). */
  requiresGrad?: boolean;
  /** Where the tensor lives: `'cpu'` or `'webgpu'`; the default device (`setDefaultDevice`) unless given. */
  device?: Device;
}

/** Options of the random creation functions. */
export interface RandomOptions extends TensorOptions {
  /** Draws from this generator instead of the global one that `manualSeed` seeds. */
  generator?: Generator;
}

/** Data `tensor()` accepts: a number, nested arrays, or a typed array with `{ shape }`. */
export type TensorData = NestedArray | TypedArray | readonly number[];

// Values are made on the host (seeded draws are the same on every device), then moved.
function finish(t: Tensor, options: TensorOptions): Tensor {
  const device = options.device ?? getDefaultDevice();
  const placed = device === 'cpu' ? t : toDevice(t, device);
  return options.requiresGrad ? placed.requiresGrad_(true) : placed;
}

// The options every creation function takes, checked before anything is allocated; returns the dtype.
function checkOptions(op: string, options: TensorOptions, fallback: DType = 'float32'): DType {
  expectOptions(op, options);
  const dtype = options.dtype ?? fallback;
  expectDType(op, dtype);
  if (options.device !== undefined) expectDevice(op, options.device);
  if (dtype === 'float64' && (options.device ?? getDefaultDevice()) === 'webgpu') throw float64Error(op);
  // requiresGrad_ would refuse it too, but only after the storage was allocated and filled.
  if (options.requiresGrad && !isFloating(dtype)) {
    throw new DTypeError(
      `${op}: requiresGrad: only floating-point tensors can require gradients, got ${dtype}`,
    );
  }
  return dtype;
}

function firstLeaf(data: NestedArray): NestedArray | undefined {
  let probe: NestedArray | undefined = data;
  while (Array.isArray(probe)) probe = probe[0];
  return probe;
}

// Reads the shape from the first element at each depth, then checks every sub-array against it.
function shapeOfNested(data: NestedArray): number[] {
  const shape: number[] = [];
  let probe: NestedArray = data;
  while (Array.isArray(probe)) {
    shape.push(probe.length);
    if (probe.length === 0) break;
    probe = probe[0]!;
  }
  return shape;
}

// Element checks make this O(elements), as the copy itself is; creation is not an op's hot path.
function flattenNested(data: NestedArray, shape: readonly number[], out: TypedArray, dtype: DType): void {
  let pos = 0;
  const visit = (node: NestedArray, depth: number, path: number[]): void => {
    if (depth === shape.length) {
      if (typeof node === 'boolean') {
        out[pos++] = node ? 1 : 0;
        return;
      }
      if (typeof node !== 'number') {
        if (Array.isArray(node)) {
          throw new ShapeError(`tensor: ragged nested array: expected a number at index [${path.join(',')}]`);
        }
        throw new TypeError(`tensor: element [${path.join(',')}] must be a number, got ${describe(node)}`);
      }
      // The label is built only for a value that does not fit: this runs once per element.
      if (!fits(dtype, node)) checkFits('tensor', dtype, node, `element [${path.join(',')}] =`);
      // A bool element is true when non-zero (a Uint8Array would keep 2 as 2).
      out[pos++] = dtype === 'bool' ? +(node !== 0) : node;
      return;
    }
    if (!Array.isArray(node) || node.length !== shape[depth]) {
      const got = Array.isArray(node) ? `length ${node.length}` : 'a number';
      throw new ShapeError(
        `tensor: ragged nested array: at index [${path.join(',')}] expected length ${shape[depth]} but got ${got}`,
      );
    }
    node.forEach((child, i) => {
      visit(child, depth + 1, [...path, i]);
    });
  };
  visit(data, 0, []);
}

/**
 * Creates a tensor from a number, nested arrays, or a typed array (with `{ shape }`).
 *
 * @example
 * ```ts
 * const x = tensor([[1, 2], [3, 4]], { requiresGrad: true });
 * const i = tensor([0, 2], { dtype: 'int32' });
 * const v = tensor(new Float64Array([1, 2, 3, 4]), { shape: [2, 2] });
 * ```
 */
export function tensor(data: TensorData, options: TensorOptions & { shape?: Shape } = {}): Tensor {
  if (ArrayBuffer.isView(data)) return fromTypedArray(data, options);
  if (typeof data !== 'number' && !Array.isArray(data)) {
    throw new TypeError(
      `tensor: data must be a number, a nested array of numbers or a typed array, got ${describe(data)}`,
    );
  }
  const nested = data as NestedArray;
  const shape = shapeOfNested(nested);
  // Booleans make a bool tensor unless a dtype is given (PyTorch's inference).
  const dtype = checkOptions('tensor', options, typeof firstLeaf(nested) === 'boolean' ? 'bool' : 'float32');
  const size = sizeOf(shape);
  // options.shape may hold one -1, as reshape's does.
  const target = options.shape ? inferShape(options.shape, size, 'tensor') : shape;
  const storage = allocate(dtype, size, 'tensor');
  flattenNested(nested, shape, storage, dtype);
  return finish(new Tensor(storage, target), options);
}

function fromTypedArray(data: ArrayBufferView, options: TensorOptions & { shape?: Shape }): Tensor {
  if (data instanceof DataView || data instanceof BigInt64Array || data instanceof BigUint64Array) {
    throw new TypeError(`tensor: data must hold numbers, got ${describe(data)}`);
  }
  const values = data as TypedArray;
  const dtype = checkOptions('tensor', options, dtypeOfArray(values));
  const shape = options.shape ?? [values.length];
  expectShape('tensor', shape);
  if (sizeOf(shape) !== values.length) {
    throw new ShapeError(`tensor: shape ${fmtShape(shape)} does not hold ${values.length} elements`);
  }
  checkAllFit('tensor', dtype, values);
  const storage = allocate(dtype, values.length, 'tensor');
  if (dtype === 'bool' && !(values instanceof Uint8Array)) {
    for (let i = 0; i < values.length; i++) storage[i] = +(values[i] !== 0);
  } else storage.set(values);
  return finish(new Tensor(storage, [...shape]), options);
}

function dtypeOfArray(data: TypedArray): DType {
  if (data instanceof Float64Array) return 'float64';
  if (data instanceof Int32Array) return 'int32';
  return data instanceof Uint8Array ? 'bool' : 'float32';
}

/**
 * A 0-d tensor holding `value`.
 *
 * @example
 * ```ts
 * const lr = scalar(0.1);
 * ```
 */
export function scalar(value: number, options: TensorOptions = {}): Tensor {
  return filled('scalar', [], value, options);
}

// full() under the caller's name, so that zeros([1e6, 1e6]) names zeros.
function filled(op: string, shape: Shape, value: number, options: TensorOptions): Tensor {
  const count = expectShape(op, shape);
  expectNumber(op, 'value', value);
  const dtype = checkOptions(op, options);
  checkNumel(op, count, dtype, shape);
  checkFits(op, dtype, value);
  const storage = allocate(dtype, count, op);
  // allocate zero-fills; -0 is filled too, so that a float dtype keeps its sign (int32 and bool store 0).
  if (value !== 0) storage.fill(dtype === 'bool' ? 1 : value);
  else if (Object.is(value, -0)) storage.fill(-0);
  return finish(new Tensor(storage, [...shape]), options);
}

/**
 * A tensor of `shape` filled with `value`.
 *
 * @example
 * ```ts
 * full([2, 2], 7).toArray(); // [[7, 7], [7, 7]]
 * ```
 */
export function full(shape: Shape, value: number, options: TensorOptions = {}): Tensor {
  return filled('full', shape, value, options);
}

/**
 * A tensor of zeros.
 *
 * @example
 * ```ts
 * zeros([2, 3]).shape; // [2, 3]
 * ```
 */
export function zeros(shape: Shape, options: TensorOptions = {}): Tensor {
  return filled('zeros', shape, 0, options);
}

/**
 * A tensor of ones.
 *
 * @example
 * ```ts
 * ones([3]).toArray(); // [1, 1, 1]
 * ```
 */
export function ones(shape: Shape, options: TensorOptions = {}): Tensor {
  return filled('ones', shape, 1, options);
}

/**
 * Values from `start` up to (not including) `end` by `step`; `arange(n)` counts from 0.
 *
 * @example
 * ```ts
 * arange(4).toArray(); // [0, 1, 2, 3]
 * arange(1, 2, 0.25).toArray(); // [1, 1.25, 1.5, 1.75]
 * ```
 */
export function arange(start: number, end?: number, step = 1, options: TensorOptions = {}): Tensor {
  expectFinite('arange', 'start', start);
  if (end !== undefined) expectFinite('arange', 'end', end);
  expectFinite('arange', 'step', step);
  const dtype = checkOptions('arange', options);
  const [lo, hi] = end === undefined ? [0, start] : [start, end];
  if (step === 0) throw new ValueError('arange: step must be non-zero');
  if ((hi - lo) * step < 0) {
    throw new ValueError(
      `arange: the range from ${lo} to ${hi} cannot be walked by step ${step} (wrong sign)`,
    );
  }
  const n = Math.ceil((hi - lo) / step);
  checkNumel('arange', n, dtype);
  if (n > 0) {
    checkFits('arange', dtype, lo, 'start');
    checkFits('arange', dtype, lo + (n - 1) * step, 'last value');
  }
  const storage = allocate(dtype, n, 'arange');
  for (let i = 0; i < n; i++) storage[i] = lo + i * step;
  return finish(new Tensor(storage, [n]), options);
}

/**
 * `steps` evenly spaced values from `start` to `end`, both included.
 *
 * @example
 * ```ts
 * linspace(0, 1, 5).toArray(); // [0, 0.25, 0.5, 0.75, 1]
 * ```
 */
export function linspace(start: number, end: number, steps: number, options: TensorOptions = {}): Tensor {
  expectNumber('linspace', 'start', start);
  expectNumber('linspace', 'end', end);
  expectInteger('linspace', 'steps', steps, 0);
  const dtype = checkOptions('linspace', options);
  checkNumel('linspace', steps, dtype);
  if (steps > 0) {
    checkFits('linspace', dtype, start, 'start');
    checkFits('linspace', dtype, end, 'end');
  }
  const storage = allocate(dtype, steps, 'linspace');
  const delta = steps > 1 ? (end - start) / (steps - 1) : 0;
  for (let i = 0; i < steps; i++) storage[i] = i === steps - 1 && steps > 1 ? end : start + i * delta;
  return finish(new Tensor(storage, [steps]), options);
}

/**
 * The identity matrix (`n` by `m`, square by default).
 *
 * @example
 * ```ts
 * eye(2).toArray(); // [[1, 0], [0, 1]]
 * ```
 */
export function eye(n: number, m = n, options: TensorOptions = {}): Tensor {
  expectInteger('eye', 'n', n, 0);
  expectInteger('eye', 'm', m, 0);
  const dtype = checkOptions('eye', options);
  checkNumel('eye', n * m, dtype, [n, m]);
  const storage = allocate(dtype, n * m, 'eye');
  for (let i = 0; i < Math.min(n, m); i++) storage[i * m + i] = 1;
  return finish(new Tensor(storage, [n, m]), options);
}

function randomTensor(
  op: string,
  shape: Shape,
  options: RandomOptions,
  draw: (g: Generator) => number,
): Tensor {
  const count = expectShape(op, shape);
  const dtype = checkOptions(op, options);
  checkNumel(op, count, dtype, shape);
  const g = options.generator ?? defaultGenerator;
  if (!(g instanceof Generator))
    throw new TypeError(`${op}: generator must be a Generator, got ${describe(g)}`);
  const storage = allocate(dtype, count, op);
  for (let i = 0; i < storage.length; i++) storage[i] = draw(g);
  return finish(new Tensor(storage, [...shape]), options);
}

/**
 * Uniform draws in [0, 1).
 *
 * @example
 * ```ts
 * rand([2, 2], { generator: new Generator(1) });
 * ```
 */
export function rand(shape: Shape, options: RandomOptions = {}): Tensor {
  floatingDraws('rand', options);
  return randomTensor('rand', shape, options, (g) => g.random());
}

// Continuous draws have no int32 form: PyTorch raises "not implemented for 'Int'" rather than
// returning the zeros that truncating them would give.
function floatingDraws(op: string, options: RandomOptions): void {
  expectOptions(op, options);
  if (options.dtype === 'int32') {
    throw new DTypeError(
      `${op}: draws are floating-point and int32 cannot hold them; use randint for integers`,
    );
  }
}

/**
 * Standard normal draws.
 *
 * @example
 * ```ts
 * manualSeed(0);
 * const w = randn([3, 2], { requiresGrad: true });
 * ```
 */
export function randn(shape: Shape, options: RandomOptions = {}): Tensor {
  floatingDraws('randn', options);
  return randomTensor('randn', shape, options, (g) => g.normal());
}

/**
 * Uniform integers in [low, high), as int32 (PyTorch's argument order). `low` and `high` must be
 * integers with `low < high`; for int32 the range must lie within int32 (a floating `dtype`
 * allows up to 2^53).
 *
 * @example
 * ```ts
 * randint(0, 10, [5]).dtype; // 'int32'
 * ```
 */
export function randint(low: number, high: number, shape: Shape, options: RandomOptions = {}): Tensor {
  expectInteger('randint', 'low', low);
  expectInteger('randint', 'high', high);
  expectOptions('randint', options);
  if (!(high > low)) throw new ValueError(`randint: high (${high}) must be greater than low (${low})`);
  const dtype = options.dtype ?? 'int32';
  // high is exclusive, so int32 takes up to 2^31; a float draw is exact up to 2^53.
  const limit = dtype === 'int32' ? 2 ** 31 : Number.MAX_SAFE_INTEGER;
  if (low < -limit || high > limit) {
    throw new ValueError(`randint: range [${low}, ${high}) does not fit dtype ${dtype} (limit ${limit})`);
  }
  return randomTensor('randint', shape, { ...options, dtype }, (g) => g.integer(low, high));
}
