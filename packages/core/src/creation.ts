import { allocate, type DType, type TypedArray } from './dtype.js';
import { fmtShape, ShapeError, ValueError } from './errors.js';
import { defaultGenerator, type Generator } from './random.js';
import { type Shape, sizeOf } from './shape.js';
import { type NestedArray, Tensor } from './tensor.js';

/** Options of `tensor()` and the other creation functions. */
export interface TensorOptions {
  /** Element type; `'float32'` unless given (`'int32'` for integer-only `randint`). */
  dtype?: DType;
  /** Makes the new tensor a leaf that records ops and receives `.grad` (floating dtypes only). */
  requiresGrad?: boolean;
}

/** Options of the random creation functions. */
export interface RandomOptions extends TensorOptions {
  /** Draws from this generator instead of the global one that `manualSeed` seeds. */
  generator?: Generator;
}

/** Data `tensor()` accepts: a number, nested arrays, or a typed array with `{ shape }`. */
export type TensorData = NestedArray | TypedArray | readonly number[];

function finish(t: Tensor, options: TensorOptions): Tensor {
  return options.requiresGrad ? t.requiresGrad_(true) : t;
}

function checkShape(op: string, shape: Shape): void {
  if (!shape.every((d) => Number.isInteger(d) && d >= 0)) {
    throw new ShapeError(`${op}: shape ${fmtShape(shape)} must hold non-negative integers`);
  }
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

function flattenNested(data: NestedArray, shape: readonly number[], out: TypedArray): void {
  let pos = 0;
  const visit = (node: NestedArray, depth: number, path: number[]): void => {
    if (depth === shape.length) {
      if (typeof node !== 'number') {
        throw new ShapeError(`tensor: ragged nested array: expected a number at index [${path.join(',')}]`);
      }
      out[pos++] = node;
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
  if (ArrayBuffer.isView(data)) {
    const shape = options.shape ?? [data.length];
    checkShape('tensor', shape);
    if (sizeOf(shape) !== data.length) {
      throw new ShapeError(`tensor: shape ${fmtShape(shape)} does not hold ${data.length} elements`);
    }
    const storage = allocate(options.dtype ?? dtypeOfArray(data), data.length);
    storage.set(data);
    return finish(new Tensor(storage, [...shape]), options);
  }
  const nested = data as NestedArray;
  const shape = shapeOfNested(nested);
  const storage = allocate(options.dtype ?? 'float32', sizeOf(shape));
  flattenNested(nested, shape, storage);
  const t = new Tensor(storage, shape);
  if (options.shape) return finish(t.reshape(options.shape).detach(), options);
  return finish(t, options);
}

function dtypeOfArray(data: TypedArray): DType {
  return data instanceof Float64Array ? 'float64' : data instanceof Int32Array ? 'int32' : 'float32';
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
  return tensor(value, options);
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
  checkShape('full', shape);
  const storage = allocate(options.dtype ?? 'float32', sizeOf(shape));
  if (value !== 0) storage.fill(value);
  return finish(new Tensor(storage, [...shape]), options);
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
  return full(shape, 0, options);
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
  return full(shape, 1, options);
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
  const [lo, hi] = end === undefined ? [0, start] : [start, end];
  if (step === 0) throw new ValueError('arange: step must be non-zero');
  const n = Math.max(Math.ceil((hi - lo) / step), 0);
  const storage = allocate(options.dtype ?? 'float32', n);
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
  if (!Number.isInteger(steps) || steps < 0)
    throw new ValueError(`linspace: steps must be a non-negative integer, got ${steps}`);
  const storage = allocate(options.dtype ?? 'float32', steps);
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
  const storage = allocate(options.dtype ?? 'float32', n * m);
  for (let i = 0; i < Math.min(n, m); i++) storage[i * m + i] = 1;
  return finish(new Tensor(storage, [n, m]), options);
}

function randomTensor(
  op: string,
  shape: Shape,
  options: RandomOptions,
  draw: (g: Generator) => number,
): Tensor {
  checkShape(op, shape);
  const g = options.generator ?? defaultGenerator;
  const storage = allocate(options.dtype ?? 'float32', sizeOf(shape));
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
  return randomTensor('rand', shape, options, (g) => g.random());
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
  return randomTensor('randn', shape, options, (g) => g.normal());
}

/**
 * Uniform integers in [low, high), as int32 (PyTorch's argument order).
 *
 * @example
 * ```ts
 * randint(0, 10, [5]).dtype; // 'int32'
 * ```
 */
export function randint(low: number, high: number, shape: Shape, options: RandomOptions = {}): Tensor {
  if (!(high > low)) throw new ValueError(`randint: high (${high}) must be greater than low (${low})`);
  return randomTensor('randint', shape, { dtype: 'int32', ...options }, (g) => g.integer(low, high));
}
