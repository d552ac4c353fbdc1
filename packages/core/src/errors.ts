/**
 * Base class of every error backprop throws on bad input. Messages name the op and the shapes
 * or values at fault, and a throwing op leaves every tensor and every `.grad` as it was.
 *
 * @example
 * ```ts
 * try { tensor([[1, 2]]).matmul(tensor([[1, 2]])); } catch (e) { if (e instanceof BackpropError) console.log(e.message); }
 * ```
 */
export class BackpropError extends Error {
  /** Always `'BackpropError'`, so that `err.name` and stack traces say which kind of error it is. */
  override name = 'BackpropError';
}

/**
 * Shapes that do not fit together (broadcasting, matmul, reshape, cat), sizes that are not
 * non-negative integers, and tensors too large to allocate (over 4 GiB), named before allocating.
 *
 * @example
 * ```ts
 * tensor([1, 2]).add(tensor([1, 2, 3])); // throws ShapeError: add: shapes [2] and [3] cannot be broadcast
 * ```
 */
export class ShapeError extends BackpropError {
  /** Always `'ShapeError'`, so that `err.name` and stack traces say which kind of error it is. */
  override name = 'ShapeError';
}

/**
 * A dtype that an op cannot take, such as `requiresGrad` on an int32 tensor.
 *
 * @example
 * ```ts
 * tensor([1], { dtype: 'int32', requiresGrad: true }); // throws DTypeError
 * ```
 */
export class DTypeError extends BackpropError {
  /** Always `'DTypeError'`, so that `err.name` and stack traces say which kind of error it is. */
  override name = 'DTypeError';
}

/**
 * A dim or index outside its range.
 *
 * @example
 * ```ts
 * zeros([2, 3]).sum(5); // throws IndexError: sum: dim 5 is out of range ...
 * ```
 */
export class IndexError extends BackpropError {
  /** Always `'IndexError'`, so that `err.name` and stack traces say which kind of error it is. */
  override name = 'IndexError';
}

/**
 * Misuse of the autograd engine: backward on a non-scalar, through a freed graph, NaN under detectAnomaly.
 *
 * @example
 * ```ts
 * randn([3], { requiresGrad: true }).mul(2).backward(); // throws AutogradError: grad can be implicitly created only for scalar outputs
 * ```
 */
export class AutogradError extends BackpropError {
  /** Always `'AutogradError'`, so that `err.name` and stack traces say which kind of error it is. */
  override name = 'AutogradError';
}

/**
 * A value outside what an op accepts, such as a negative kernel size, a fractional dim or slice
 * bound, or a number that int32 cannot hold.
 *
 * @example
 * ```ts
 * arange(0, 1, 0); // throws ValueError: arange: step must be non-zero
 * ```
 */
export class ValueError extends BackpropError {
  /** Always `'ValueError'`, so that `err.name` and stack traces say which kind of error it is. */
  override name = 'ValueError';
}

/**
 * A tensor on the wrong device: operands of one op on different devices, a synchronous read
 * (`item()`, `data()`, `toArray()`) of a webgpu tensor, or a device that was never started.
 *
 * @example
 * ```ts
 * const x = tensor([1, 2]).to('webgpu');
 * x.add(tensor([1, 2])); // throws DeviceError: add: expected all tensors on one device, got webgpu and cpu
 * ```
 */
export class DeviceError extends BackpropError {
  /** Always `'DeviceError'`, so that `err.name` and stack traces say which kind of error it is. */
  override name = 'DeviceError';
}

/** Formats a shape the way messages print it: `[2,3]`. */
export function fmtShape(shape: readonly number[]): string {
  return `[${shape.join(',')}]`;
}
