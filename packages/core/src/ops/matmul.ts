import { ownGradient } from '../autograd/backward.js';
import { attach, type BackwardRule, type RuleTable, recording, savedForProduct } from '../autograd/node.js';
import { kernelsFor } from '../backend/dispatch.js';
import { checkNumel, expectTensor } from '../checks.js';
import type { Storage } from '../device.js';
import { promote } from '../dtype.js';
import { fmtShape, ShapeError } from '../errors.js';
import { broadcastShapes, sizeOf } from '../shape.js';
import { Tensor } from '../tensor.js';
import { expand, squeeze, transpose, unsqueeze } from './movement.js';
import type { MatmulOpName } from './op-names.js';

/** Batched product of `[...batch, m, k]` and `[...batch, k, n]` with equal batch shapes (unchecked). */
export function bmm(a: Tensor, b: Tensor): Tensor {
  return productOf(a, b, kernelsFor('matmul', a, b).matmul(a, b, promote(a.dtype, b.dtype)));
}

// The tensor of bmm(a, b) for its computed storage, recorded as bmm records it.
function productOf(a: Tensor, b: Tensor, data: Storage): Tensor {
  const nd = a.ndim;
  const out = new Tensor(data, [...a.shape.slice(0, nd - 1), b.shape[nd - 1]!]);
  if (recording('matmul', out, a, b)) attach(out, 'matmul', a, b, savedForProduct(a, b), RULES.matmul);
  return out;
}

/**
 * `[bmm(a, b), bmm(c, d)]`, the two products computed at once where the backend can (its
 * `matmulPair`): a layer's two gradients, say.
 */
export function bmmPair(a: Tensor, b: Tensor, c: Tensor, d: Tensor): [Tensor, Tensor] {
  const kernels = kernelsFor('matmul', a, b);
  const dtype = promote(a.dtype, b.dtype);
  if (
    kernels.matmulPair === undefined ||
    kernelsFor('matmul', c, d) !== kernels ||
    promote(c.dtype, d.dtype) !== dtype
  ) {
    return [bmm(a, b), bmm(c, d)];
  }
  const [ab, cd] = kernels.matmulPair(a, b, c, d, dtype);
  return [productOf(a, b, ab), productOf(c, d, cd)];
}

// d(A B) = dy B^T, A^T dy: each a fresh product for one input, which a leaf may keep without a copy.
const matmulBackward: BackwardRule = (dy, n) => {
  const a = n.input(0);
  const b = n.input(1);
  if (a.requiresGrad && b.requiresGrad) {
    const [da, db] = bmmPair(dy, transpose(b, -1, -2), transpose(a, -1, -2), dy);
    return [ownGradient(da), ownGradient(db)];
  }
  return [
    a.requiresGrad ? ownGradient(bmm(dy, transpose(b, -1, -2))) : null,
    b.requiresGrad ? ownGradient(bmm(transpose(a, -1, -2), dy)) : null,
  ];
};

const RULES = { matmul: matmulBackward } satisfies RuleTable<MatmulOpName>;

/**
 * Matrix product with PyTorch's rules: 1-D x 1-D is a dot product, a 1-D operand is treated as a
 * row (left) or column (right) vector and that dim removed after, and leading dims are batch dims
 * that broadcast.
 *
 * @example
 * ```ts
 * matmul(tensor([[1, 2], [3, 4]]), tensor([1, 1])).toArray(); // [3, 7]
 * ```
 */
export function matmul(a: Tensor, b: Tensor): Tensor {
  expectTensor('matmul', 'first operand', a);
  expectTensor('matmul', 'second operand', b);
  if (a.ndim === 0 || b.ndim === 0) {
    throw new ShapeError(
      `matmul: both arguments must be at least 1-D, got shapes ${fmtShape(a.shape)} and ${fmtShape(b.shape)}`,
    );
  }
  const a2 = a.ndim === 1 ? unsqueeze(a, 0) : a;
  const b2 = b.ndim === 1 ? unsqueeze(b, -1) : b;
  const [m, k] = a2.shape.slice(-2) as [number, number];
  const [k2, n] = b2.shape.slice(-2) as [number, number];
  if (k !== k2) {
    throw new ShapeError(
      `matmul: shapes ${fmtShape(a.shape)} and ${fmtShape(b.shape)} cannot be multiplied (${k} != ${k2})`,
    );
  }
  const batch = broadcastShapes(a2.shape.slice(0, -2), b2.shape.slice(0, -2), 'matmul');
  checkNumel('matmul', sizeOf(batch) * m * n, promote(a.dtype, b.dtype), [...batch, m, n]);
  let out = bmm(expand(a2, [...batch, m, k]), expand(b2, [...batch, k, n]));
  if (a.ndim === 1) out = squeeze(out, -2);
  if (b.ndim === 1) out = squeeze(out, -1);
  return out;
}

/**
 * Transpose of a 2-D tensor (1-D and 0-d are returned as they are).
 *
 * @example
 * ```ts
 * tensor([[1, 2, 3]]).t().shape; // [3, 1]
 * ```
 */
export function t(x: Tensor): Tensor {
  expectTensor('t', 'input', x);
  if (x.ndim > 2)
    throw new ShapeError(`t: expects a tensor of at most 2 dims, got shape ${fmtShape(x.shape)}`);
  return x.ndim < 2 ? x : transpose(x, 0, 1);
}
