import { attach, type BackwardRule, type RuleTable, recording } from '../autograd/node.js';
import { kernelsFor } from '../backend/dispatch.js';
import { checkNumel, expectIndexList, expectInteger, expectTensor } from '../checks.js';
import { DTypeError, fmtShape, IndexError, ShapeError } from '../errors.js';
import { normalizeDim, sizeOf } from '../shape.js';
import { Tensor } from '../tensor.js';
import { binaryKernel, scalarOf } from './kernels.js';
import { expand, reshape, unsqueeze } from './movement.js';
import type { IndexingOpName } from './op-names.js';
import { onDeviceOf, positionsOn } from './transfer.js';

function checkIndexTensor(op: string, index: Tensor): void {
  if (index.dtype !== 'int32')
    throw new DTypeError(`${op}: index must be an int32 tensor, got ${index.dtype}`);
}

/**
 * Picks, along `dim`, the elements that `index` names (PyTorch's gather); the result has index's shape.
 *
 * @example
 * ```ts
 * gather(tensor([[1, 2], [3, 4]]), 1, tensor([[1], [0]], { dtype: 'int32' })).toArray(); // [[2], [3]]
 * ```
 */
export function gather(x: Tensor, dim: number, index: Tensor): Tensor {
  expectTensor('gather', 'input', x);
  expectTensor('gather', 'index', index);
  checkNumel('gather', index.size, x.dtype, index.shape);
  checkIndexTensor('gather', index);
  const d = normalizeDim(dim, x.ndim, 'gather');
  if (index.ndim !== x.ndim) {
    throw new ShapeError(
      `gather: index of shape ${fmtShape(index.shape)} must have as many dims as input ${fmtShape(x.shape)}`,
    );
  }
  const out = new Tensor(kernelsFor('gather', x, index).gather(x, d, index, x.dtype), index.shape);
  if (recording('gather', out, x)) attach(out, 'gather', x, null, index, RULES.gather, { d, index });
  return out;
}

// d gather = dy scattered back (added) to the positions it was read from
const gatherBackward: BackwardRule<{ d: number; index: Tensor }> = (dy, { inputs, params }) => [
  scatterAddZeros(dy, params.d, params.index, inputs[0]!.shape),
];

/** @internal The adjoint of gather: zeros of `shape` with `src` added at `index` along `dim`. */
export function scatterAddZeros(src: Tensor, dim: number, index: Tensor, shape: readonly number[]): Tensor {
  const out = new Tensor(
    kernelsFor('scatterAdd', src, index).scatterAdd(src, dim, index, shape, src.dtype),
    shape,
  );
  if (recording('scatterAdd', out, src))
    attach(out, 'scatterAdd', src, null, index, RULES.scatterAdd, { dim, index });
  return out;
}

// d scatterAdd = dy gathered from the positions each source element was added to
const scatterAddBackward: BackwardRule<{ dim: number; index: Tensor }> = (dy, { params }) => [
  gather(dy, params.dim, params.index),
];

/**
 * Picks whole slices along `dim` by a 1-D list of indices (repeats allowed).
 *
 * @example
 * ```ts
 * tensor([[1, 2], [3, 4]]).indexSelect(0, [1, 1]).toArray(); // [[3, 4], [3, 4]]
 * ```
 */
export function indexSelect(x: Tensor, dim: number, index: Tensor | readonly number[]): Tensor {
  expectTensor('indexSelect', 'input', x);
  if (!(index instanceof Tensor)) expectIndexList('indexSelect', 'index', index);
  const idx =
    index instanceof Tensor ? index : onDeviceOf(new Tensor(Int32Array.from(index), [index.length]), x);
  checkIndexTensor('indexSelect', idx);
  if (idx.ndim !== 1)
    throw new ShapeError(`indexSelect: index must be 1-D, got shape ${fmtShape(idx.shape)}`);
  const d = normalizeDim(dim, x.ndim, 'indexSelect');
  const shape = x.shape.map((s, i) => (i === d ? idx.size : s));
  checkNumel('indexSelect', sizeOf(shape), x.dtype, shape);
  const out = new Tensor(kernelsFor('indexSelect', x, idx).indexSelect(x, d, idx, x.dtype), shape);
  if (recording('indexSelect', out, x))
    attach(out, 'indexSelect', x, null, idx, RULES.indexSelect, { d, idx });
  return out;
}

// d indexSelect = dy added back to the slices it was read from (repeats add up): gather's adjoint
const indexSelectBackward: BackwardRule<{ d: number; idx: Tensor }> = (dy, { inputs, params }) => {
  const x = inputs[0]!;
  const { d, idx } = params;
  const lined = reshape(
    idx,
    x.shape.map((_, i) => (i === d ? idx.size : 1)),
  );
  return [scatterAddZeros(dy, d, expand(lined, dy.shape), x.shape)];
};

/**
 * @internal PyTorch's scatter with checked operands: a copy of `x` with `src` (index's shape)
 * written at `index` along `d`.
 */
export function scatterInto(x: Tensor, d: number, index: Tensor, src: Tensor): Tensor {
  const out = new Tensor(kernelsFor('scatter', x, index, src).scatter(x, d, index, src, x.dtype), x.shape);
  if (recording('scatter', out, x, src)) attach(out, 'scatter', x, src, index, RULES.scatter, { d, index });
  return out;
}

// d scatter: to x, dy with the overwritten positions zeroed; to src, dy read where src was written
const scatterBackward: BackwardRule<{ d: number; index: Tensor }> = (dy, { inputs, params }) => {
  const { d, index } = params;
  const zeros = expand(scalarOf(0, dy.dtype, dy), index.shape);
  return [
    inputs[0]!.requiresGrad ? scatterInto(dy, d, index, zeros) : null,
    inputs[1]!.requiresGrad ? gather(dy, d, index) : null,
  ];
};

const RULES = {
  scatter: scatterBackward,
  gather: gatherBackward,
  scatterAdd: scatterAddBackward,
  indexSelect: indexSelectBackward,
} satisfies RuleTable<IndexingOpName>;

/**
 * One-hot encoding of int32 class indices: a float32 tensor with a new last dim of `numClasses`.
 *
 * @example
 * ```ts
 * oneHot(tensor([0, 2], { dtype: 'int32' }), 3).toArray(); // [[1, 0, 0], [0, 0, 1]]
 * ```
 */
export function oneHot(x: Tensor, numClasses: number): Tensor {
  expectTensor('oneHot', 'input', x);
  expectInteger('oneHot', 'numClasses', numClasses, 0);
  checkNumel('oneHot', x.size * numClasses, 'float32', [...x.shape, numClasses]);
  checkIndexTensor('oneHot', x);
  const classes = positionsOn(x, numClasses);
  if (x.device === 'cpu') {
    for (const v of x.data()) {
      if (v < 0 || v >= numClasses) {
        throw new IndexError(`oneHot: class index ${v} is out of range for ${numClasses} classes`);
      }
    }
  } else {
    // The indices are on the GPU: selecting them from the classes records one out of range as a
    // fault, thrown at the next read (see backend/webgpu/faults.ts).
    indexSelect(classes, 0, reshape(x, [x.size]));
  }
  return binaryKernel('eq', unsqueeze(x, -1), classes, 'float32', 'oneHot');
}
