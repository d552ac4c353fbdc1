import { type LeafSum, runBackward } from './autograd/backward.js';
import type { GradHook, Node } from './autograd/node.js';
import { bumpVersion, versionOf } from './autograd/version.js';
import { kernelsFor } from './backend/dispatch.js';
import { expectOptions, expectTensorLike, wrongType } from './checks.js';
import { type Device, hostStorage, type Storage } from './device.js';
import { allocate, type DType, dtypeOf, isFloating, type TypedArray } from './dtype.js';
import { AutogradError, DTypeError, fmtShape, ShapeError, ValueError } from './errors.js';
import * as act from './ops/activation.js';
import * as cmp from './ops/compare.js';
import * as ew from './ops/elementwise.js';
import * as inPlace from './ops/in-place.js';
import * as idx from './ops/indexing.js';
import * as mm from './ops/matmul.js';
import * as modern from './ops/modern-activations.js';
import * as mv from './ops/movement.js';
import * as re from './ops/rearrange.js';
import * as red from './ops/reduce.js';
import * as scan from './ops/scan.js';
import * as sc from './ops/scatter.js';
import * as srt from './ops/sort.js';
import * as special from './ops/special.js';
import * as transfer from './ops/transfer.js';
import { readAsync } from './ops/transfer.js';
import { contiguousStrides, isContiguous, type Shape, shapesEqual, sizeOf } from './shape.js';

// 0-d tensors (micrograd-style graphs make millions) share one empty shape and strides array.
const NO_DIMS: readonly number[] = Object.freeze([]);

// What `numberTensor` hands the constructor so that it sets the dtype; never written.
const FLOAT64_DTYPE = new Float64Array(0);
const FLOAT32_DTYPE = new Float32Array(0);

interface Elements {
  elements: Storage | number;
}

/**
 * @internal A 0-d float tensor on the cpu holding `value` (rounded to float32 for that dtype, as a
 * Float32Array would store it), without a typed array until its `storage` is asked for.
 */
export function numberTensor(value: number, dtype: 'float32' | 'float64'): Tensor {
  const t = new Tensor(dtype === 'float64' ? FLOAT64_DTYPE : FLOAT32_DTYPE, NO_DIMS);
  (t as unknown as Elements).elements = dtype === 'float64' ? value : Math.fround(value);
  return t;
}

/** @internal The one number of a 0-d tensor on the cpu (the element at its offset). */
export function scalarValue(t: Tensor): number {
  const elements = (t as unknown as Elements).elements;
  return typeof elements === 'number' ? elements : (elements as TypedArray)[t.offset]!;
}

/**
 * @internal Engine scratch of a leaf that requires grad: the gradient sum of the backward pass that
 * reaches it, so the pass finds it with a field read instead of a lookup (autograd/backward.ts).
 */
export interface LeafSlot {
  current: LeafSum | null;
}

/** @internal The scratch slot of a leaf that requires grad; null for any other tensor. */
export function leafSlot(t: Tensor): LeafSlot | null {
  return t.gradFn === null ? (t as unknown as { leafGrad: LeafSlot | null }).leafGrad : null;
}

/** @internal Points `t` at `storage` (`set_`); the caller sets shape, strides and offset to match. */
export function setStorage(t: Tensor, storage: Storage): void {
  (t as unknown as Elements).elements = storage;
}

/** A tensor or a plain number, which ops treat as a 0-d tensor of the other operand's dtype. */
export type TensorLike = Tensor | number;

/** Nested arrays of numbers (booleans for a bool tensor), as `toArray()` returns and `tensor()` takes. */
export type NestedArray = number | boolean | NestedArray[];

/** Options of `backward()`. */
export interface BackwardCallOptions {
  /** Keep the graph so that backward can run through it again (default false). */
  retainGraph?: boolean;
  /** Record the backward pass so the gradients can be differentiated again (default false). */
  createGraph?: boolean;
}

/** A handle that removes a hook. */
export interface RemovableHandle {
  /** Unregisters the hook; calling it again does nothing. */
  remove(): void;
}

/**
 * An n-dimensional array that records the ops applied to it, so that `backward()` can compute
 * gradients. Storage is a typed array read through `shape`, `strides` and `offset`, so reshape,
 * transpose, slice and expand are views that copy nothing.
 *
 * @example
 * ```ts
 * const x = tensor([1, 2, 3], { requiresGrad: true });
 * const y = x.mul(x).sum();
 * y.backward();
 * x.grad?.toArray(); // [2, 4, 6]
 * ```
 */
export class Tensor {
  // Fields are `declare`d and assigned in the constructor (no class-field initializers): every op
  // makes a tensor, and a constructor without a separate initializer function inlines into it.
  // The storage, or the one number of a 0-d float tensor an op made on the cpu: micrograd-style
  // graphs make millions of those, and a one-element typed array for each took about half of their
  // forward's time. `storage` makes the typed array the first time anything asks for it, and from
  // then on the tensor is like any other (views, in-place writes and version counters share it).
  declare private elements: Storage | number;
  /** Size of each dimension, outermost first (`[]` for a 0-d tensor). */
  declare readonly shape: Shape;
  /** Elements to skip in `storage` to move one step along each dimension (0 for a broadcast dim). */
  declare readonly strides: readonly number[];
  /** Index in `storage` of the first element. */
  declare readonly offset: number;
  /** Element type: `'float32'`, `'float64'`, `'int32'` or `'bool'`. */
  declare readonly dtype: DType;
  /** Number of elements. */
  declare readonly size: number;
  /** Accumulated gradient of a leaf (or of a non-leaf after `retainGrad()`), else null. */
  declare grad: Tensor | null;
  /** The node that produced this tensor, or null for a leaf. */
  declare gradFn: Node | null;
  /** Hooks on a leaf's gradient (a non-leaf keeps them on its `gradFn`). */
  declare hooks: GradHook[] | null;
  // Non-null exactly when this leaf requires grad (see `leafSlot`).
  declare private leafGrad: LeafSlot | null;

  /**
   * Wraps storage without copying. Most code calls `tensor()`, `zeros()` and the like instead.
   *
   * @example
   * ```ts
   * const t = new Tensor(new Float32Array([1, 2, 3, 4]), [2, 2]);
   * ```
   */
  constructor(storage: Storage, shape: Shape, strides?: readonly number[], offset = 0) {
    this.elements = storage;
    this.shape = shape;
    this.size = sizeOf(shape);
    this.strides = strides ?? (shape.length === 0 ? NO_DIMS : contiguousStrides(shape));
    this.offset = offset;
    this.dtype = dtypeOf(storage);
    this.grad = null;
    this.gradFn = null;
    this.hooks = null;
    this.leafGrad = null;
  }

  /**
   * The elements (possibly shared with other views): a typed array on the cpu device, a GPU buffer
   * on webgpu. Writing to it bypasses autograd.
   */
  get storage(): Storage {
    const elements = this.elements;
    return typeof elements === 'number' ? this.materialize(elements) : elements;
  }

  private materialize(value: number): TypedArray {
    const data = allocate(this.dtype, 1);
    data[0] = value;
    this.elements = data;
    return data;
  }

  /** Where the elements are: `'cpu'` (a typed array) or `'webgpu'` (a GPU buffer). */
  get device(): Device {
    // A GPU storage names its device; a typed array or a number has no such property.
    return (this.elements as { readonly device?: Device }).device ?? 'cpu';
  }

  /** Number of dimensions (`shape.length`). */
  get ndim(): number {
    return this.shape.length;
  }

  /** Whether gradients flow to this tensor: set on leaves, inherited by results of recorded ops. */
  get requiresGrad(): boolean {
    return this.gradFn !== null || this.leafGrad !== null;
  }

  /** Same as `requiresGrad_(flag)`: only leaves can change it. */
  set requiresGrad(flag: boolean) {
    this.requiresGrad_(flag);
  }

  /** True for tensors not produced by a recorded op (inputs, parameters). */
  get isLeaf(): boolean {
    return this.gradFn === null;
  }

  /**
   * Sets whether this leaf requires gradients; returns `this`.
   *
   * @example
   * ```ts
   * const w = randn([3]).requiresGrad_();
   * ```
   */
  requiresGrad_(flag = true): this {
    if (this.gradFn !== null) {
      throw new AutogradError(
        'requiresGrad_: can only change requiresGrad of a leaf tensor; use detach() to get a new leaf',
      );
    }
    if (flag && !isFloating(this.dtype)) {
      throw new DTypeError(
        `requiresGrad: only floating-point tensors can require gradients, got ${this.dtype}`,
      );
    }
    if (flag !== (this.leafGrad !== null)) this.leafGrad = flag ? { current: null } : null;
    return this;
  }

  /**
   * The single value of a one-element tensor (a number: 1 or 0 for a bool tensor).
   *
   * @example
   * ```ts
   * tensor([[3]]).item(); // 3
   * ```
   */
  item(): number {
    checkItem(this);
    return hostStorage(this, 'item', 'itemAsync')[this.offset]!;
  }

  /**
   * The single value of a one-element tensor on any device, once the work queued for it is done.
   *
   * @example
   * ```ts
   * await loss.itemAsync(); // 0.6931
   * ```
   */
  async itemAsync(): Promise<number> {
    checkItem(this);
    return (await this.dataAsync())[0]!;
  }

  /**
   * A contiguous typed-array copy of the elements in row-major order.
   *
   * @example
   * ```ts
   * tensor([[1, 2], [3, 4]]).t().data(); // Float32Array [1, 3, 2, 4]
   * ```
   */
  data(): TypedArray {
    const storage = hostStorage(this, 'data', 'dataAsync');
    if (this.isContiguous()) return storage.slice(this.offset, this.offset + this.size);
    return this.contiguous(true).storage as TypedArray;
  }

  /**
   * A contiguous typed-array copy of the elements on any device: on webgpu, once the work queued
   * for this tensor is done (the copy back to the host is the only wait).
   *
   * @example
   * ```ts
   * await tensor([1, 2]).to('webgpu').mul(3).dataAsync(); // Float32Array [3, 6]
   * ```
   */
  dataAsync(): Promise<TypedArray> {
    return readAsync(this);
  }

  /**
   * The elements as nested arrays on any device (see `dataAsync`).
   *
   * @example
   * ```ts
   * await tensor([[1, 2]]).to('webgpu').toArrayAsync(); // [[1, 2]]
   * ```
   */
  async toArrayAsync(): Promise<NestedArray> {
    return nest(await this.dataAsync(), this.shape, this.dtype === 'bool');
  }

  /**
   * The elements as nested arrays (a number for a 0-d tensor); a bool tensor gives `true`/`false`.
   *
   * @example
   * ```ts
   * tensor([[1, 2], [3, 4]]).toArray(); // [[1, 2], [3, 4]]
   * tensor([1, 2]).gt(1).toArray(); // [false, true]
   * ```
   */
  toArray(): NestedArray {
    hostStorage(this, 'toArray', 'toArrayAsync');
    return nest(this.data(), this.shape, this.dtype === 'bool');
  }

  /** True when the elements are row-major and dense in storage. */
  isContiguous(): boolean {
    return isContiguous(this.shape, this.strides);
  }

  /**
   * A tensor with the same values laid out densely: `this` if already so (unless `forceCopy`).
   * Differentiable.
   *
   * @example
   * ```ts
   * const c = x.t().contiguous();
   * ```
   */
  contiguous(forceCopy = false): Tensor {
    return mv.contiguous(this, forceCopy);
  }

  /**
   * Computes the gradient of this tensor with respect to every leaf that requires one and adds it
   * to their `.grad`. A non-scalar needs `gradient` (dL/d(this), same shape).
   *
   * @example
   * ```ts
   * const x = tensor(3, { requiresGrad: true });
   * x.mul(x).backward();
   * x.grad?.item(); // 6
   * ```
   */
  backward(gradient?: TensorLike, options: BackwardCallOptions = {}): void {
    if (gradient !== undefined) expectTensorLike('backward', 'gradient', gradient);
    expectOptions('backward', options);
    if (!this.requiresGrad) {
      throw new AutogradError(
        `backward: tensor of shape ${fmtShape(this.shape)} does not require grad and has no gradFn`,
      );
    }
    let seed: Tensor;
    if (gradient === undefined) {
      if (this.size !== 1) {
        throw new AutogradError(
          `backward: grad can be implicitly created only for scalar outputs, got shape ${fmtShape(this.shape)}; ` +
            'pass a gradient of the same shape',
        );
      }
      seed = full(this, 1, this.shape);
    } else {
      seed = typeof gradient === 'number' ? full(this, gradient, []) : gradient;
      if (!shapesEqual(seed.shape, this.shape)) {
        throw new ShapeError(
          `backward: gradient of shape ${fmtShape(seed.shape)} does not match tensor of shape ${fmtShape(this.shape)}`,
        );
      }
    }
    runBackward([this], [seed], options);
  }

  /**
   * A new leaf sharing this tensor's storage, cut from the graph.
   *
   * @example
   * ```ts
   * const target = prediction.detach();
   * ```
   */
  detach(): Tensor {
    return new Tensor(this.storage, this.shape, this.strides, this.offset);
  }

  /**
   * A copy with its own storage; gradients flow back through it.
   *
   * @example
   * ```ts
   * const y = x.clone();
   * ```
   */
  clone(): Tensor {
    return mv.contiguous(this, true);
  }

  /**
   * Keeps `.grad` for this non-leaf on the next backward passes.
   *
   * @example
   * ```ts
   * const h = x.mul(2); h.retainGrad(); h.sum().backward(); h.grad; // ones
   * ```
   */
  retainGrad(): this {
    if (this.gradFn) this.gradFn.retained = this;
    else if (!this.requiresGrad) {
      throw new AutogradError(
        'retainGrad: cannot retain the gradient of a tensor that does not require grad',
      );
    }
    return this;
  }

  /**
   * Registers `fn` to run on this tensor's gradient during backward; it may return a replacement.
   *
   * @example
   * ```ts
   * const handle = x.registerHook((g) => g.mul(2));
   * handle.remove();
   * ```
   */
  registerHook(fn: GradHook): RemovableHandle {
    if (typeof fn !== 'function') wrongType('registerHook', 'hook', 'a function', fn);
    if (!this.requiresGrad) {
      throw new AutogradError(
        "registerHook: cannot register a hook on a tensor that doesn't require gradient",
      );
    }
    const owner = this.gradFn ?? this;
    owner.hooks ??= [];
    owner.hooks.push(fn);
    return {
      remove: () => {
        const i = owner.hooks?.indexOf(fn) ?? -1;
        if (i >= 0) owner.hooks!.splice(i, 1);
      },
    };
  }

  /**
   * Clears the gradient (sets `.grad` to null, as PyTorch's `set_to_none`).
   *
   * @example
   * ```ts
   * w.zeroGrad();
   * ```
   */
  zeroGrad(): void {
    this.grad = null;
  }

  /**
   * How many in-place writes this tensor's storage has had (PyTorch's `_version`); views share it.
   * Backward refuses to use a saved tensor whose storage was written after the op saved it.
   *
   * @example
   * ```ts
   * const t = zeros([2]); t.add_(1); t._version; // 1
   * ```
   */
  get _version(): number {
    return versionOf(this);
  }

  /**
   * Copies `src` (broadcast to this shape, converted to this dtype) into this tensor's storage;
   * returns `this`. Not recorded: on a tensor that requires grad it throws unless run inside `noGrad`.
   *
   * @example
   * ```ts
   * noGrad(() => w.copy_(w.sub(w.grad!.mul(0.1))));
   * ```
   */
  copy_(src: TensorLike): this {
    inPlace.copy_(this, src);
    return this;
  }

  /**
   * Makes this tensor share `source`'s storage, shape, strides and offset (PyTorch's `set_`); the
   * object stays the same, so an optimizer holding it sees the change. Same dtype only; on a
   * tensor that requires grad it throws unless run inside `noGrad`. Returns `this`.
   *
   * @example
   * ```ts
   * noGrad(() => w.set_(w.detach().to('webgpu'))); // what model.to('webgpu') does per parameter
   * ```
   */
  set_(source: Tensor): this {
    inPlace.set_(this, source);
    return this;
  }

  /**
   * Fills this tensor with `value` in place; returns `this`.
   *
   * @example
   * ```ts
   * b.fill_(0);
   * ```
   */
  fill_(value: number): this {
    inPlace.fill_(this, value);
    return this;
  }

  /**
   * Sets every element to zero in place; returns `this`.
   *
   * @example
   * ```ts
   * buffer.zero_();
   * ```
   */
  zero_(): this {
    inPlace.zero_(this);
    return this;
  }

  /**
   * `this += other` in place (broadcasting `other` to this shape); returns `this`.
   *
   * @example
   * ```ts
   * noGrad(() => w.add_(step));
   * ```
   */
  add_(other: TensorLike): this {
    inPlace.add_(this, other);
    return this;
  }

  /**
   * `this -= other` in place; returns `this`.
   *
   * @example
   * ```ts
   * noGrad(() => w.sub_(w.grad!.mul(0.1)));
   * ```
   */
  sub_(other: TensorLike): this {
    inPlace.sub_(this, other);
    return this;
  }

  /**
   * `this *= other` in place; returns `this`.
   *
   * @example
   * ```ts
   * noGrad(() => w.mul_(0.99));
   * ```
   */
  mul_(other: TensorLike): this {
    inPlace.mul_(this, other);
    return this;
  }

  /**
   * `this /= other` in place (a floating result into an int32 tensor throws); returns `this`.
   *
   * @example
   * ```ts
   * total.div_(count);
   * ```
   */
  div_(other: TensorLike): this {
    inPlace.div_(this, other);
    return this;
  }

  /**
   * Clamps every element into `[min, max]` in place; returns `this`.
   *
   * @example
   * ```ts
   * noGrad(() => w.clamp_(-1, 1));
   * ```
   */
  clamp_(min?: number | null, max?: number | null): this {
    inPlace.clamp_(this, min, max);
    return this;
  }

  /**
   * `max(this, 0)` in place; returns `this`.
   *
   * @example
   * ```ts
   * tensor([-1, 2]).relu_().toArray(); // [0, 2]
   * ```
   */
  relu_(): this {
    inPlace.relu_(this);
    return this;
  }

  /**
   * Writes `value` where `mask` (broadcast to this shape) is non-zero, in place; returns `this`.
   *
   * @example
   * ```ts
   * scores.maskedFill_(padding, -Infinity);
   * ```
   */
  maskedFill_(mask: Tensor, value: number): this {
    inPlace.maskedFill_(this, mask, value);
    return this;
  }

  /**
   * Records a write to this tensor's storage made outside the in-place methods (a backend kernel
   * that updates a parameter in place, code that writes `storage` directly), so that a graph which
   * saved the old values refuses to backpropagate through them, as after any in-place op.
   *
   * @example
   * ```ts
   * w.storage[0] = 0; // bypasses autograd
   * w.markWritten(); // a backward through a graph that saved w now throws instead of using 0
   * ```
   */
  markWritten(): void {
    bumpVersion(this);
  }

  /** `tensor([[1,2]], dtype=float64, requiresGrad=true)`-style text, also used by Node's `console.log`. */
  toString(): string {
    const grad = this.requiresGrad ? ', requiresGrad=true' : '';
    const dtype = this.dtype === 'float32' ? '' : `, dtype=${this.dtype}`;
    // A GPU tensor's values are not readable synchronously: its text says where and what it is.
    if (this.device !== 'cpu')
      return `tensor(<shape ${fmtShape(this.shape)} on ${this.device}>${dtype}${grad})`;
    return `tensor(${JSON.stringify(this.toArray())}${dtype}${grad})`;
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }

  // Ops: one-liners into ops/, where each op's forward and backward live.
  /** {@inheritDoc @backprop/core!add} */
  add(other: TensorLike): Tensor {
    return ew.add(this, other);
  }
  /** {@inheritDoc @backprop/core!sub} */
  sub(other: TensorLike): Tensor {
    return ew.sub(this, other);
  }
  /** {@inheritDoc @backprop/core!mul} */
  mul(other: TensorLike): Tensor {
    return ew.mul(this, other);
  }
  /** {@inheritDoc @backprop/core!div} */
  div(other: TensorLike): Tensor {
    return ew.div(this, other);
  }
  /** {@inheritDoc @backprop/core!neg} */
  neg(): Tensor {
    return ew.neg(this);
  }
  /** {@inheritDoc @backprop/core!pow} */
  pow(exponent: TensorLike): Tensor {
    return ew.pow(this, exponent);
  }
  /** {@inheritDoc @backprop/core!exp} */
  exp(): Tensor {
    return ew.exp(this);
  }
  /** {@inheritDoc @backprop/core!log} */
  log(): Tensor {
    return ew.log(this);
  }
  /** {@inheritDoc @backprop/core!sqrt} */
  sqrt(): Tensor {
    return ew.sqrt(this);
  }
  /** {@inheritDoc @backprop/core!abs} */
  abs(): Tensor {
    return ew.abs(this);
  }
  /** {@inheritDoc @backprop/core!sin} */
  sin(): Tensor {
    return ew.sin(this);
  }
  /** {@inheritDoc @backprop/core!cos} */
  cos(): Tensor {
    return ew.cos(this);
  }
  /** {@inheritDoc @backprop/core!square} */
  square(): Tensor {
    return ew.square(this);
  }
  /** {@inheritDoc @backprop/core!reciprocal} */
  reciprocal(): Tensor {
    return ew.reciprocal(this);
  }
  /** {@inheritDoc @backprop/core!maximum} */
  maximum(other: TensorLike): Tensor {
    return ew.maximum(this, other);
  }
  /** {@inheritDoc @backprop/core!minimum} */
  minimum(other: TensorLike): Tensor {
    return ew.minimum(this, other);
  }
  /** {@inheritDoc @backprop/core!clamp} */
  clamp(min?: number | null, max?: number | null): Tensor {
    return ew.clamp(this, min, max);
  }
  /**
   * Converts to another dtype, or copies to another device (`'cpu'`, `'webgpu'`); returns `this`
   * when nothing changes. Differentiable between float dtypes and from cpu to webgpu and back.
   *
   * @example
   * ```ts
   * tensor([1.5]).to('float64').dtype; // 'float64'
   * tensor([1.5]).to('webgpu').device; // 'webgpu' (after await initWebGPU())
   * ```
   */
  to(target: DType | Device): Tensor {
    return target === 'cpu' || target === 'webgpu' ? transfer.toDevice(this, target) : ew.to(this, target);
  }
  /** {@inheritDoc @backprop/core!eq} */
  eq(other: TensorLike): Tensor {
    return cmp.eq(this, other);
  }
  /** {@inheritDoc @backprop/core!ne} */
  ne(other: TensorLike): Tensor {
    return cmp.ne(this, other);
  }
  /** {@inheritDoc @backprop/core!lt} */
  lt(other: TensorLike): Tensor {
    return cmp.lt(this, other);
  }
  /** {@inheritDoc @backprop/core!le} */
  le(other: TensorLike): Tensor {
    return cmp.le(this, other);
  }
  /** {@inheritDoc @backprop/core!gt} */
  gt(other: TensorLike): Tensor {
    return cmp.gt(this, other);
  }
  /** {@inheritDoc @backprop/core!ge} */
  ge(other: TensorLike): Tensor {
    return cmp.ge(this, other);
  }
  /** {@inheritDoc @backprop/core!relu} */
  relu(): Tensor {
    return act.relu(this);
  }
  /** {@inheritDoc @backprop/core!sigmoid} */
  sigmoid(): Tensor {
    return act.sigmoid(this);
  }
  /** {@inheritDoc @backprop/core!tanh} */
  tanh(): Tensor {
    return act.tanh(this);
  }
  /** {@inheritDoc @backprop/core!leakyRelu} */
  leakyRelu(slope?: number): Tensor {
    return act.leakyRelu(this, slope);
  }
  /** {@inheritDoc @backprop/core!elu} */
  elu(alpha?: number): Tensor {
    return act.elu(this, alpha);
  }
  /** {@inheritDoc @backprop/core!softplus} */
  softplus(): Tensor {
    return act.softplus(this);
  }
  /** {@inheritDoc @backprop/core!step} */
  step(): Tensor {
    return act.step(this);
  }
  /** {@inheritDoc @backprop/core!softmax} */
  softmax(dim: number): Tensor {
    return act.softmax(this, dim);
  }
  /** {@inheritDoc @backprop/core!logSoftmax} */
  logSoftmax(dim: number): Tensor {
    return act.logSoftmax(this, dim);
  }
  /** {@inheritDoc @backprop/core!logsumexp} */
  logsumexp(dim?: number | readonly number[], keepDim?: boolean): Tensor {
    return act.logsumexp(this, dim, keepDim);
  }
  /** {@inheritDoc @backprop/core!sum} */
  sum(dim?: number | readonly number[], keepDim?: boolean): Tensor {
    return red.sum(this, dim, keepDim);
  }
  /** {@inheritDoc @backprop/core!mean} */
  mean(dim?: number | readonly number[], keepDim?: boolean): Tensor {
    return red.mean(this, dim, keepDim);
  }
  /** {@inheritDoc @backprop/core!max} */
  max(dim?: number | readonly number[], keepDim?: boolean): Tensor {
    return red.max(this, dim, keepDim);
  }
  /** {@inheritDoc @backprop/core!min} */
  min(dim?: number | readonly number[], keepDim?: boolean): Tensor {
    return red.min(this, dim, keepDim);
  }
  /** {@inheritDoc @backprop/core!argmax} */
  argmax(dim?: number, keepDim?: boolean): Tensor {
    return red.argmax(this, dim, keepDim);
  }
  /** {@inheritDoc @backprop/core!argmin} */
  argmin(dim?: number, keepDim?: boolean): Tensor {
    return red.argmin(this, dim, keepDim);
  }
  /** {@inheritDoc @backprop/core!var} */
  var(dim?: number | readonly number[], keepDim?: boolean, options?: red.VarOptions): Tensor {
    return red.variance(this, dim, keepDim, options);
  }
  /** {@inheritDoc @backprop/core!variance} */
  variance(dim?: number | readonly number[], keepDim?: boolean, options?: red.VarOptions): Tensor {
    return red.variance(this, dim, keepDim, options);
  }
  /** {@inheritDoc @backprop/core!std} */
  std(dim?: number | readonly number[], keepDim?: boolean, options?: red.VarOptions): Tensor {
    return red.std(this, dim, keepDim, options);
  }
  /** {@inheritDoc @backprop/core!norm} */
  norm(dim?: number | readonly number[], keepDim?: boolean): Tensor {
    return red.norm(this, dim, keepDim);
  }
  /** {@inheritDoc @backprop/core!matmul} */
  matmul(other: Tensor): Tensor {
    return mm.matmul(this, other);
  }
  /** {@inheritDoc @backprop/core!t} */
  t(): Tensor {
    return mm.t(this);
  }
  /** {@inheritDoc @backprop/core!reshape} */
  reshape(shape: readonly number[]): Tensor {
    return mv.reshape(this, shape);
  }
  /** {@inheritDoc @backprop/core!view} */
  view(shape: readonly number[]): Tensor {
    return mv.view(this, shape);
  }
  /** {@inheritDoc @backprop/core!flatten} */
  flatten(startDim?: number, endDim?: number): Tensor {
    return mv.flatten(this, startDim, endDim);
  }
  /** {@inheritDoc @backprop/core!squeeze} */
  squeeze(dim?: number): Tensor {
    return mv.squeeze(this, dim);
  }
  /** {@inheritDoc @backprop/core!unsqueeze} */
  unsqueeze(dim: number): Tensor {
    return mv.unsqueeze(this, dim);
  }
  /** {@inheritDoc @backprop/core!transpose} */
  transpose(dim0: number, dim1: number): Tensor {
    return mv.transpose(this, dim0, dim1);
  }
  /** {@inheritDoc @backprop/core!permute} */
  permute(dims: readonly number[]): Tensor {
    return mv.permute(this, dims);
  }
  /** {@inheritDoc @backprop/core!expand} */
  expand(shape: readonly number[]): Tensor {
    return mv.expand(this, shape);
  }
  /** {@inheritDoc @backprop/core!slice} */
  slice(dim: number, start?: number | null, end?: number | null, step?: number): Tensor {
    return mv.slice(this, dim, start, end, step);
  }
  /** {@inheritDoc @backprop/core!pad} */
  pad(padding: readonly number[], value?: number): Tensor {
    return mv.pad(this, padding, value);
  }
  /** {@inheritDoc @backprop/core!gather} */
  gather(dim: number, index: Tensor): Tensor {
    return idx.gather(this, dim, index);
  }
  /** {@inheritDoc @backprop/core!indexSelect} */
  indexSelect(dim: number, index: Tensor | readonly number[]): Tensor {
    return idx.indexSelect(this, dim, index);
  }
  /** {@inheritDoc @backprop/core!oneHot} */
  oneHot(numClasses: number): Tensor {
    return idx.oneHot(this, numClasses);
  }
  /** {@inheritDoc @backprop/core!split} */
  split(sizeOrSizes: number | readonly number[], dim?: number): Tensor[] {
    return re.split(this, sizeOrSizes, dim);
  }
  /** {@inheritDoc @backprop/core!chunk} */
  chunk(chunks: number, dim?: number): Tensor[] {
    return re.chunk(this, chunks, dim);
  }
  /** {@inheritDoc @backprop/core!narrow} */
  narrow(dim: number, start: number, length: number): Tensor {
    return re.narrow(this, dim, start, length);
  }
  /** {@inheritDoc @backprop/core!flip} */
  flip(dims: number | readonly number[]): Tensor {
    return re.flip(this, dims);
  }
  /** {@inheritDoc @backprop/core!roll} */
  roll(shifts: number | readonly number[], dims?: number | readonly number[]): Tensor {
    return re.roll(this, shifts, dims);
  }
  /** {@inheritDoc @backprop/core!repeat} */
  repeat(reps: readonly number[]): Tensor {
    return re.repeat(this, reps);
  }
  /** {@inheritDoc @backprop/core!tril} */
  tril(k?: number): Tensor {
    return re.tril(this, k);
  }
  /** {@inheritDoc @backprop/core!triu} */
  triu(k?: number): Tensor {
    return re.triu(this, k);
  }
  /** {@inheritDoc @backprop/core!outer} */
  outer(other: Tensor): Tensor {
    return re.outer(this, other);
  }
  /** {@inheritDoc @backprop/core!cumsum} */
  cumsum(dim: number): Tensor {
    return scan.cumsum(this, dim);
  }
  /** {@inheritDoc @backprop/core!cumprod} */
  cumprod(dim: number): Tensor {
    return scan.cumprod(this, dim);
  }
  /** {@inheritDoc @backprop/core!sort} */
  sort(dim?: number, descending?: boolean): srt.SortResult {
    return srt.sort(this, dim, descending);
  }
  /** {@inheritDoc @backprop/core!argsort} */
  argsort(dim?: number, descending?: boolean): Tensor {
    return srt.argsort(this, dim, descending);
  }
  /** {@inheritDoc @backprop/core!topk} */
  topk(k: number, dim?: number, largest?: boolean): srt.SortResult {
    return srt.topk(this, k, dim, largest);
  }
  /** {@inheritDoc @backprop/core!scatter} */
  scatter(dim: number, index: Tensor, src: TensorLike): Tensor {
    return sc.scatter(this, dim, index, src);
  }
  /** {@inheritDoc @backprop/core!scatterAdd} */
  scatterAdd(dim: number, index: Tensor, src: Tensor): Tensor {
    return sc.scatterAdd(this, dim, index, src);
  }
  /** {@inheritDoc @backprop/core!indexAdd} */
  indexAdd(dim: number, index: Tensor, src: Tensor, options?: sc.IndexAddOptions): Tensor {
    return sc.indexAdd(this, dim, index, src, options);
  }
  /** {@inheritDoc @backprop/core!maskedFill} */
  maskedFill(mask: Tensor, value: TensorLike): Tensor {
    return sc.maskedFill(this, mask, value);
  }
  /** {@inheritDoc @backprop/core!erf} */
  erf(): Tensor {
    return special.erf(this);
  }
  /** {@inheritDoc @backprop/core!log1p} */
  log1p(): Tensor {
    return special.log1p(this);
  }
  /** {@inheritDoc @backprop/core!expm1} */
  expm1(): Tensor {
    return special.expm1(this);
  }
  /** {@inheritDoc @backprop/core!rsqrt} */
  rsqrt(): Tensor {
    return special.rsqrt(this);
  }
  /** {@inheritDoc @backprop/core!gelu} */
  gelu(options?: modern.GeluOptions): Tensor {
    return modern.gelu(this, options);
  }
  /** {@inheritDoc @backprop/core!silu} */
  silu(): Tensor {
    return modern.silu(this);
  }
  /** {@inheritDoc @backprop/core!mish} */
  mish(): Tensor {
    return modern.mish(this);
  }
  /** {@inheritDoc @backprop/core!logSigmoid} */
  logSigmoid(): Tensor {
    return modern.logSigmoid(this);
  }
  /** {@inheritDoc @backprop/core!hardtanh} */
  hardtanh(minVal?: number, maxVal?: number): Tensor {
    return modern.hardtanh(this, minVal, maxVal);
  }
  /** {@inheritDoc @backprop/core!amax} */
  amax(dim?: number | readonly number[], keepDim?: boolean): Tensor {
    return red.amax(this, dim, keepDim);
  }
  /** {@inheritDoc @backprop/core!amin} */
  amin(dim?: number | readonly number[], keepDim?: boolean): Tensor {
    return red.amin(this, dim, keepDim);
  }
}

// A one-element tensor of `like`'s dtype and device holding `value`.
function full(like: Tensor, value: number, shape: Shape): Tensor {
  return new Tensor(kernelsFor('backward', like).full(1, value, like.dtype), shape);
}

function checkItem(t: Tensor): void {
  if (t.size !== 1) {
    throw new ValueError(
      `item: only one-element tensors can be converted to a number, got shape ${fmtShape(t.shape)}`,
    );
  }
}

// Nested arrays of the row-major `flat` in `shape` (booleans when `bool`).
function nest(flat: TypedArray, shape: Shape, bool: boolean): NestedArray {
  const value = (i: number): NestedArray => (bool ? flat[i] !== 0 : flat[i]!);
  if (shape.length === 0) return value(0);
  let pos = 0;
  const build = (d: number): NestedArray[] => {
    const n = shape[d]!;
    const out: NestedArray[] = new Array(n);
    for (let i = 0; i < n; i++) out[i] = d === shape.length - 1 ? value(pos++) : build(d + 1);
    return out;
  };
  return build(0);
}
