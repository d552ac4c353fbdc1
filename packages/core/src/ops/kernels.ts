import { type BinaryOp, getBackend, type UnaryOp } from '../backend/backend.js';
import { allocate, type DType, floatingOf, promote } from '../dtype.js';
import { broadcastShapes } from '../shape.js';
import { Tensor, type TensorLike } from '../tensor.js';

/** A 0-d tensor of `dtype` holding `value`. */
export function scalarOf(value: number, dtype: DType): Tensor {
  const data = allocate(dtype, 1);
  data[0] = value;
  return new Tensor(data, []);
}

// A plain number takes the tensor's dtype (PyTorch's "weak" scalars), except that a fractional
// number next to an int32 tensor makes it float32.
function numberOperand(value: number, like: Tensor): Tensor {
  const dtype = like.dtype === 'int32' && !Number.isInteger(value) ? 'float32' : like.dtype;
  return scalarOf(value, dtype);
}

/** Turns a pair of tensor-likes into tensors; at least one must be a tensor. */
export function operands(a: TensorLike, b: TensorLike): [Tensor, Tensor] {
  if (typeof a === 'number') {
    const y = b as Tensor;
    return [numberOperand(a, y), y];
  }
  return [a, typeof b === 'number' ? numberOperand(b, a) : b];
}

/** Runs the unary kernel `op` on `x` into a new tensor of `dtype` (default: x's). */
export function unaryKernel(
  op: UnaryOp,
  x: Tensor,
  dtype: DType = x.dtype,
  p0?: number,
  p1?: number,
): Tensor {
  return new Tensor(getBackend().unary(op, x, dtype, p0, p1), x.shape);
}

/** A floating-point unary kernel: int32 input gives float32. */
export function floatKernel(op: UnaryOp, x: Tensor): Tensor {
  return unaryKernel(op, x, floatingOf(x.dtype));
}

/** Runs the binary kernel `op` with broadcasting; `name` is the op named in a shape error. */
export function binaryKernel(op: BinaryOp, a: Tensor, b: Tensor, dtype?: DType, name: string = op): Tensor {
  const shape = broadcastShapes(a.shape, b.shape, name);
  const outDtype = dtype ?? promote(a.dtype, b.dtype);
  return new Tensor(getBackend().binary(op, a, b, shape, outDtype), shape);
}
