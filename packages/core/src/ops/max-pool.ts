import { attach, type BackwardRule, type RuleTable, recording } from '../autograd/node.js';
import type { WindowGeometry } from '../backend/backend.js';
import { kernelsFor } from '../backend/dispatch.js';
import { Tensor } from '../tensor.js';
import { scatterAddZeros } from './indexing.js';
import { reshape } from './movement.js';
import type { PoolOpName } from './op-names.js';

/**
 * @internal Max pooling of NCHW `x4` over the windows of `g` as one op. The forward is im2col plus a
 * max kernel; the backward gives each window's dy to its first maximum, as PyTorch does: the
 * backend finds those elements, and dy is added there (overlapping windows add up; an infinite or
 * NaN dy reaches its element alone).
 */
export function maxPoolOp(x4: Tensor, g: WindowGeometry): Tensor {
  const backend = kernelsFor('maxPool2d', x4);
  const k = g.kernel[0] * g.kernel[1];
  const l = g.outHeight * g.outWidth;
  const cols = new Tensor(backend.unfold(x4, g, Number.NEGATIVE_INFINITY, x4.dtype), [
    g.batch,
    g.channels,
    k,
    l,
  ]);
  const out = new Tensor(backend.reduce('max', cols, [2], x4.dtype), [
    g.batch,
    g.channels,
    g.outHeight,
    g.outWidth,
  ]);
  if (recording('maxPool2d', out, x4)) attach(out, 'maxPool2d', [x4], [x4, out], RULES.maxPool2d, { out, g });
  return out;
}

// d maxPool: dx[argmax of each window] += dy, a scatter-add (whose own gradient is a gather)
const maxPoolBackward: BackwardRule<{ out: Tensor; g: WindowGeometry }> = (dy, n) => {
  const x4 = n.inputs[0]!;
  const { out, g } = n.params;
  const at = new Tensor(kernelsFor('maxPool2d', x4).maxPoolIndices(x4, out, g), [out.size]);
  return [reshape(scatterAddZeros(reshape(dy, [out.size]), 0, at, [x4.size]), x4.shape)];
};

const RULES = { maxPool2d: maxPoolBackward } satisfies RuleTable<PoolOpName>;
