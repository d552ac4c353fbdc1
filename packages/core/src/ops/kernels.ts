import type { BinaryOp, UnaryOp } from '../backend/backend.js';
import { UNARY } from '../backend/cpu/loops.js';
import { kernelsFor, onBuiltInCpu } from '../backend/dispatch.js';
import { gpuStarted } from '../backend/webgpu/runtime.js';
import { checkFits, checkNumel, expectTensor, isTensor, operandError } from '../checks.js';
import { allocate, type DType, floatingOf, promote } from '../dtype.js';
import { DTypeError } from '../errors.js';
import { broadcastShapes, type Shape, sizeOf } from '../shape.js';
import { numberTensor, scalarValue, Tensor, type TensorLike } from '../tensor.js';

/** A 0-d tensor of `dtype` holding `value`, on the device of `like` (the cpu without one). */
export function scalarOf(value: number, dtype: DType, like?: Tensor): Tensor {
  // gpuStarted first: until a GPU device exists every tensor is on the cpu (one flag test).
  if (like === undefined || !gpuStarted() || like.device === 'cpu') {
    if (dtype === 'float64' || dtype === 'float32') return numberTensor(value, dtype);
    const data = allocate(dtype, 1);
    data[0] = value;
    return new Tensor(data, []);
  }
  return new Tensor(kernelsFor('scalar', like).full(1, value, dtype), []);
}

// A plain number takes the tensor's dtype (PyTorch's "weak" scalars), except that a fractional
// number next to an int32 or bool tensor makes it float32 and an integer next to a bool tensor
// int32; an integer int32 cannot hold is refused, as PyTorch refuses it, rather than wrapped around.
function numberOperand(value: number, like: Tensor, op: string): Tensor {
  if (like.dtype === 'float32' || like.dtype === 'float64') return scalarOf(value, like.dtype, like);
  if (!Number.isInteger(value)) return scalarOf(value, 'float32', like);
  checkFits(op, 'int32', value);
  return scalarOf(value, 'int32', like);
}

/**
 * Turns a pair of tensor-likes into tensors; at least one must be a tensor. Anything else is a
 * TypeError naming `op`. Kept this small so that V8 inlines it into every binary op and never
 * allocates the pair; a number operand takes the out-of-line path. Callers index the pair rather
 * than destructure it: `const [x, y] = ...` compiles to the iterator protocol, which doubles a
 * binary op's bytecode and keeps V8 from inlining the op into its caller.
 */
export function operands(a: TensorLike, b: TensorLike, op: string): [Tensor, Tensor] {
  return isTensor(a) && isTensor(b) ? [a, b] : mixedOperands(a, b, op);
}

function mixedOperands(a: TensorLike, b: TensorLike, op: string): [Tensor, Tensor] {
  if (typeof b === 'number') {
    if (isTensor(a)) return [a, numberOperand(b, a, op)];
  } else if (typeof a === 'number' && isTensor(b)) {
    return [numberOperand(a, b, op), b];
  }
  throw operandError(op, a, b);
}

/** Runs the unary kernel `op` on `x` into a new tensor of `dtype` (default: x's). */
export function unaryKernel(op: UnaryOp, x: Tensor, dtype?: DType, p0?: number, p1?: number): Tensor {
  // The first thing most unary ops do is call this or floatKernel, so it is their argument check.
  expectTensor(op, 'input', x);
  return runUnary(op, x, dtype ?? x.dtype, p0, p1);
}

/** A floating-point unary kernel: int32 input gives float32. */
export function floatKernel(op: UnaryOp, x: Tensor): Tensor {
  expectTensor(op, 'input', x);
  return runUnary(op, x, floatingOf(x.dtype));
}

// The 0-d fast path and the general one are apart so that this function stays small: V8 inlines a
// whole chain of calls (op, kernel, tensor, node) into the user's loop only while their bytecode
// fits its budget, and a 0-d graph runs this once per node.
function runUnary(op: UnaryOp, x: Tensor, dtype: DType, p0?: number, p1?: number): Tensor {
  if (x.shape.length === 0 && dtype === x.dtype && onBuiltInCpu(x, x)) {
    const one = scalarUnary(op, x, p0 ?? 0, p1 ?? 0);
    if (one !== null) return one;
  }
  return unaryOnBackend(op, x, dtype, p0, p1);
}

function unaryOnBackend(op: UnaryOp, x: Tensor, dtype: DType, p0?: number, p1?: number): Tensor {
  // Only a broadcast view can be larger than a tensor may be.
  checkNumel(op, x.size, dtype, x.shape);
  return new Tensor(kernelsFor(op, x).unary(op, x, dtype, p0, p1), x.shape);
}

// 0-d floating-point tensors on the built-in cpu backends (micrograd-style graphs make millions of
// them) skip the broadcast, the size checks and the kernel dispatch: the op on one number, the same
// IEEE operation as the cpu kernel's loop (backend/cpu/loops.ts), so the same bits. A custom
// backend set with setBackend, or a tensor on a GPU, takes the general path.
function scalarUnary(op: UnaryOp, x: Tensor, p0: number, p1: number): Tensor | null {
  const dtype = x.dtype;
  if (dtype !== 'float64' && dtype !== 'float32') return null;
  return numberTensor(UNARY[op](scalarValue(x), p0, p1), dtype);
}

// One numberTensor call for all four ops: each call site of it is inlined on its own (see runUnary).
function scalarBinary(op: BinaryOp, a: Tensor, b: Tensor): Tensor | null {
  const dtype = a.dtype;
  if (b.dtype !== dtype || (dtype !== 'float64' && dtype !== 'float32')) return null;
  const x = scalarValue(a);
  const y = scalarValue(b);
  let value: number;
  if (op === 'add') value = x + y;
  else if (op === 'mul') value = x * y;
  else if (op === 'sub') value = x - y;
  else if (op === 'div') value = x / y;
  else return null;
  return numberTensor(value, dtype);
}

/** Runs the binary kernel `op` with broadcasting; `name` is the op named in a shape error. */
export function binaryKernel(op: BinaryOp, a: Tensor, b: Tensor, dtype?: DType, name: string = op): Tensor {
  if (
    a.shape.length === 0 &&
    b.shape.length === 0 &&
    (dtype === undefined || dtype === a.dtype) &&
    onBuiltInCpu(a, b)
  ) {
    const one = scalarBinary(op, a, b);
    if (one !== null) return one;
  }
  return binaryOnBackend(op, a, b, dtype, name);
}

// binaryKernel's general path, apart to keep binaryKernel small (see runUnary).
function binaryOnBackend(op: BinaryOp, a: Tensor, b: Tensor, dtype: DType | undefined, name: string): Tensor {
  const shape = broadcastShapes(a.shape, b.shape, name);
  const outDtype = dtype ?? promote(a.dtype, b.dtype);
  if (outDtype === 'bool' && !COMPARISONS.has(op)) return boolArithmetic(op, a, b, name);
  checkBroadcastSize(name, a, b, shape, outDtype);
  return new Tensor(kernelsFor(name, a, b).binary(op, a, b, shape, outDtype), shape);
}

const COMPARISONS = new Set<BinaryOp>(['eq', 'ne', 'lt', 'le', 'gt', 'ge']);

// Arithmetic of two bool tensors stays bool, as PyTorch's: add and maximum are a logical or, mul
// and minimum a logical and (worked out in int32, then compared with 0); subtraction is refused.
function boolArithmetic(op: BinaryOp, a: Tensor, b: Tensor, name: string): Tensor {
  if (op === 'sub') {
    throw new DTypeError(
      `${name}: subtraction of two bool tensors is not supported; use ne(a, b) for a logical xor`,
    );
  }
  const counts = binaryKernel(op, a, b, 'int32', name);
  return binaryKernel('ne', counts, scalarOf(0, 'int32', counts), 'bool', name);
}

// The broadcast result's element count against the dtype's limit, for binaryOnBackend.
function checkBroadcastSize(name: string, a: Tensor, b: Tensor, shape: Shape, dtype: DType): void {
  // Usually the shape is an operand's own (same shapes, or a number operand): no product to take.
  const count = shape === a.shape ? a.size : shape === b.shape ? b.size : sizeOf(shape);
  checkNumel(name, count, dtype, shape);
}
