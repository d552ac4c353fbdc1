import { ownGradient } from '../autograd/backward.js';
import {
  attachAll,
  type BackwardRule,
  type RuleTable,
  recordingAll,
  savedForProduct,
} from '../autograd/node.js';
import { kernelsFor } from '../backend/dispatch.js';
import { expectOptionalTensor, expectTensor } from '../checks.js';
import { promote } from '../dtype.js';
import { fmtShape, ShapeError } from '../errors.js';
import { sizeOf } from '../shape.js';
import { Tensor } from '../tensor.js';
import { bmm, bmmPair } from './matmul.js';
import { reshape, transpose } from './movement.js';
import type { LinearOpName } from './op-names.js';
import { sum } from './reduce.js';

function checkLinear(x: Tensor, weight: Tensor, bias: Tensor | null): void {
  const inF = weight.shape[1];
  if (weight.ndim !== 2 || x.ndim === 0 || x.shape[x.ndim - 1] !== inF) {
    throw new ShapeError(
      `linear: expected input [*, in] and weight [out, in], got input ${fmtShape(x.shape)} and weight ${fmtShape(weight.shape)}`,
    );
  }
  if (bias && (bias.ndim !== 1 || bias.shape[0] !== weight.shape[0])) {
    throw new ShapeError(
      `linear: bias must have shape [${weight.shape[0]}] to match weight ${fmtShape(weight.shape)}, got ${fmtShape(bias.shape)}`,
    );
  }
}

/**
 * Affine map over the last dim, `x Wᵀ + b`, as PyTorch's `F.linear`: input `[*, in]`, weight
 * `[out, in]`, optional bias `[out]`, output `[*, out]`. One fused op: the weight's gradient
 * `dyᵀ x` comes out dense in the weight's own layout, so no transposed view has to be copied.
 *
 * @example
 * ```ts
 * linear(ones([4, 3]), ones([2, 3]), tensor([1, 2])).toArray(); // [[4, 5], [4, 5], [4, 5], [4, 5]]
 * ```
 */
export function linear(x: Tensor, weight: Tensor, bias: Tensor | null = null): Tensor {
  expectTensor('linear', 'input', x);
  expectTensor('linear', 'weight', weight);
  expectOptionalTensor('linear', 'bias', bias);
  checkLinear(x, weight, bias);
  const [outF, inF] = weight.shape as [number, number];
  const lead = x.shape.slice(0, -1);
  const m = sizeOf(lead);
  // Raw values only: detached views, so the forward records nothing but this op's own node.
  const x2 = reshape(x.detach(), [m, inF]);
  const dtype = promote(promote(x.dtype, weight.dtype), bias?.dtype ?? x.dtype);
  const data = kernelsFor('linear', x2, weight, bias ?? undefined).matmul(
    x2,
    transpose(weight.detach(), 0, 1),
    dtype,
    bias ?? undefined,
  );
  const out = new Tensor(data, [...lead, outF]);
  const inputs = bias ? [x, weight, bias] : [x, weight];
  if (recordingAll('linear', out, inputs))
    attachAll(out, 'linear', inputs, savedForProduct(x, weight), RULES.linear);
  return out;
}

// dx = dy W, dW = dyᵀ x (dense [out, in]), db = dy summed over the rows; each is a fresh tensor
// handed to one input only, so the engine may keep it as `.grad` without copying.
// Both products are 2-D with matching sizes, so they go to bmm (pairs) directly rather than through
// matmul's checks and broadcasting.
const linearBackward: BackwardRule = (dy, n) => {
  const x = n.input(0);
  const weight = n.input(1);
  const bias = n.inputs[2];
  const [outF, inF] = weight.shape as [number, number];
  const m = sizeOf(x.shape.slice(0, -1));
  const dy2 = reshape(dy, [m, outF]);
  // dW's operands only where dW is wanted: reshaping a strided x copies it.
  const dwOperands = () => [transpose(dy2, 0, 1), reshape(x, [m, inF])] as const;
  const [dx, dw] =
    x.requiresGrad && weight.requiresGrad
      ? bmmPair(dy2, weight, ...dwOperands())
      : [x.requiresGrad ? bmm(dy2, weight) : null, weight.requiresGrad ? bmm(...dwOperands()) : null];
  return [
    dx && ownGradient(reshape(dx, x.shape)),
    dw && ownGradient(dw),
    bias?.requiresGrad ? ownGradient(sum(dy2, 0)) : null,
  ];
};

const RULES = { linear: linearBackward } satisfies RuleTable<LinearOpName>;
