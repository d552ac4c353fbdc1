import { isGradEnabled, withGradMode } from '../autograd/grad-mode.js';
import { bumpVersion } from '../autograd/version.js';
import { kernelsFor } from '../backend/dispatch.js';
import {
  checkAllFit,
  checkFits,
  expectNumber,
  expectOptionalNumber,
  expectTensor,
  expectTensorLike,
} from '../checks.js';
import { type DType, isFloating } from '../dtype.js';
import { AutogradError, DeviceError, DTypeError, fmtShape, ShapeError, ValueError } from '../errors.js';
import { broadcastShapes, shapesEqual } from '../shape.js';
import { setStorage, type Tensor, type TensorLike } from '../tensor.js';
import { relu } from './activation.js';
import { add, clamp, div, mul, sub, where } from './elementwise.js';
import { scalarOf } from './kernels.js';
import { expand } from './movement.js';
import { toDevice } from './transfer.js';

// In-place ops write the out-of-place result into the tensor's storage and bump its version, so
// that a backward pass that saved this storage refuses to run instead of using the new values.
// They are not recorded: writing into a tensor that is part of a graph would need PyTorch's
// history rebase, so it throws and names the out-of-place op to use instead.

function refuseGraphWrite(op: string, target: Tensor, others: readonly TensorLike[]): void {
  if (!isGradEnabled()) return;
  if (target.requiresGrad) {
    throw new AutogradError(
      target.isLeaf
        ? `${op}: a leaf tensor that requires grad (shape ${fmtShape(target.shape)}) is being used in an in-place operation; ` +
            'update parameters inside noGrad(() => ...), or use the out-of-place op'
        : `${op}: in-place ops on a tensor that is part of the graph (the output of ${target.gradFn!.name}, shape ` +
            `${fmtShape(target.shape)}) are not differentiated; use the out-of-place op, or run it inside noGrad`,
    );
  }
  for (const o of others) {
    if (typeof o !== 'number' && o.requiresGrad) {
      throw new AutogradError(
        `${op}: the value written (shape ${fmtShape(o.shape)}) requires grad, but in-place ops are not recorded; ` +
          'use the out-of-place op, or detach() the value',
      );
    }
  }
}

// A broadcast view (stride 0 over a dim longer than 1) stores several elements in one place: a write
// through it is ambiguous.
function refuseOverlap(op: string, target: Tensor): void {
  for (let d = 0; d < target.ndim; d++) {
    if (target.strides[d] === 0 && target.shape[d]! > 1) {
      throw new ValueError(
        `${op}: the tensor (shape ${fmtShape(target.shape)}) is an expanded view in which several elements share ` +
          'one memory location; clone() it before writing in place',
      );
    }
  }
}

// Arithmetic in place keeps the tensor's dtype: a floating result cannot go into an int32 tensor.
function refuseNarrowing(op: string, result: DType, target: Tensor): void {
  if (isFloating(result) && !isFloating(target.dtype)) {
    throw new DTypeError(`${op}: result type ${result} can't be cast to the tensor's dtype ${target.dtype}`);
  }
}

/** Writes `values` (broadcast to the target's shape) into `target` and bumps its version. */
function write(op: string, target: Tensor, values: Tensor): void {
  let src = values;
  if (!shapesEqual(src.shape, target.shape)) {
    const shape = broadcastShapes(src.shape, target.shape, op);
    if (!shapesEqual(shape, target.shape)) {
      throw new ShapeError(
        `${op}: output with shape ${fmtShape(target.shape)} doesn't match the broadcast shape ${fmtShape(shape)}`,
      );
    }
    src = expand(src, target.shape);
  }
  kernelsFor(op, src, target).copy(src, target);
  bumpVersion(target);
}

function operate(op: string, target: Tensor, others: readonly TensorLike[], compute: () => Tensor): Tensor {
  refuseGraphWrite(op, target, others);
  refuseOverlap(op, target);
  const result = withGradMode(false, compute);
  refuseNarrowing(op, result.dtype, target);
  write(op, target, result);
  return target;
}

function copyInto(op: string, target: Tensor, src: TensorLike): Tensor {
  refuseGraphWrite(op, target, [src]);
  refuseOverlap(op, target);
  const host = target.device === 'cpu';
  // A bool target takes true for every non-zero value: a number becomes a bool scalar, a tensor a
  // mask (a plain copy would store 2 as 2, and an int32 scalar on the GPU would truncate 0.5 to 0).
  const bool = target.dtype === 'bool';
  const numberType = isFloating(target.dtype) || bool ? target.dtype : host ? 'float64' : 'int32';
  const values =
    typeof src === 'number'
      ? scalarOf(bool ? +(src !== 0) : src, numberType, target)
      : bool && src.dtype !== 'bool'
        ? src.ne(0)
        : src;
  // copy_ converts any dtype as PyTorch does, but a value an int32 tensor cannot hold is refused.
  if (typeof src === 'number') checkFits(op, target.dtype, src);
  else if (target.dtype === 'int32' && values.device === 'cpu') checkAllFit(op, target.dtype, values.data());
  write(op, target, values.device === target.device ? values : toTargetDevice(op, values, target));
  return target;
}

// copy_ copies across devices, as PyTorch's does: host values are converted to the target's dtype
// and uploaded. GPU values reach the host only asynchronously, so the other way is refused.
function toTargetDevice(op: string, values: Tensor, target: Tensor): Tensor {
  if (target.device === 'cpu') {
    throw new DeviceError(
      `${op}: cannot copy a webgpu tensor into a cpu tensor synchronously; read it with await src.dataAsync() and copy that`,
    );
  }
  return toDevice(values.dtype === target.dtype ? values : values.to(target.dtype), target.device);
}

/**
 * `target.set_(source)`: see `Tensor.set_`. Makes `target` a view of `source`'s storage with its
 * shape, strides and offset (how `Module.to(device)` moves a parameter and keeps the object).
 */
export function set_(target: Tensor, source: Tensor): Tensor {
  expectTensor('set_', 'source', source);
  refuseGraphWrite('set_', target, [source]);
  if (source.dtype !== target.dtype) {
    throw new DTypeError(
      `set_: the source's dtype ${source.dtype} differs from the tensor's dtype ${target.dtype}`,
    );
  }
  const fields = target as unknown as {
    -readonly [K in 'shape' | 'strides' | 'offset' | 'size']: Tensor[K];
  };
  setStorage(target, source.storage);
  fields.shape = source.shape;
  fields.strides = source.strides;
  fields.offset = source.offset;
  fields.size = source.size;
  bumpVersion(target);
  return target;
}

/** `target.copy_(src)`: see `Tensor.copy_`. */
export function copy_(target: Tensor, src: TensorLike): Tensor {
  expectTensorLike('copy_', 'src', src);
  return copyInto('copy_', target, src);
}

/** `target.fill_(value)`: see `Tensor.fill_`. */
export function fill_(target: Tensor, value: number): Tensor {
  expectNumber('fill_', 'value', value);
  return copyInto('fill_', target, value);
}

/** `target.zero_()`: see `Tensor.zero_`. */
export function zero_(target: Tensor): Tensor {
  return copyInto('zero_', target, 0);
}

// add_, sub_, mul_ and div_: the out-of-place op's result written back into the target.
function arithmetic(op: string, compute: (a: Tensor, b: TensorLike) => Tensor) {
  return (target: Tensor, other: TensorLike): Tensor => {
    expectTensorLike(op, 'other', other);
    return operate(op, target, [other], () => compute(target, other));
  };
}

/** `target.add_(other)`: see `Tensor.add_`. */
export const add_ = arithmetic('add_', add);
/** `target.sub_(other)`: see `Tensor.sub_`. */
export const sub_ = arithmetic('sub_', sub);
/** `target.mul_(other)`: see `Tensor.mul_`. */
export const mul_ = arithmetic('mul_', mul);
/** `target.div_(other)`: see `Tensor.div_`. */
export const div_ = arithmetic('div_', div);

/** `target.clamp_(min, max)`: see `Tensor.clamp_`. */
export function clamp_(target: Tensor, min?: number | null, max?: number | null): Tensor {
  expectOptionalNumber('clamp_', 'min', min);
  expectOptionalNumber('clamp_', 'max', max);
  return operate('clamp_', target, [], () => clamp(target, min, max));
}

/** `target.relu_()`: see `Tensor.relu_`. */
export function relu_(target: Tensor): Tensor {
  return operate('relu_', target, [], () => relu(target));
}

/** `target.maskedFill_(mask, value)`: see `Tensor.maskedFill_`. */
export function maskedFill_(target: Tensor, mask: Tensor, value: number): Tensor {
  expectTensor('maskedFill_', 'mask', mask);
  expectNumber('maskedFill_', 'value', value);
  // A plain number takes the tensor's dtype unless it is fractional next to int32, which then refuses.
  return operate('maskedFill_', target, [], () => where(mask, value, target));
}
