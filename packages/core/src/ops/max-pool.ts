import { isGradEnabled } from '../autograd/grad-mode.js';
import { attach, type BackwardRule, type RuleTable, recording, SAVES_NOTHING } from '../autograd/node.js';
import type { WindowGeometry } from '../backend/backend.js';
import { kernelsFor } from '../backend/dispatch.js';
import { sizeOf } from '../shape.js';
import { Tensor } from '../tensor.js';
import { scatterAddZeros } from './indexing.js';
import { reshape } from './movement.js';
import type { PoolOpName } from './op-names.js';

/**
 * @internal Max pooling of NCHW `x4` over the windows of `g` as one op. The backend keeps, with
 * each window's value, the element it came from when a backward may follow; the backward gives each
 * window's dy to that element, as PyTorch does (overlapping windows add up; an infinite or NaN dy
 * reaches its element alone).
 */
export function maxPoolOp(x4: Tensor, g: WindowGeometry): Tensor {
  const backend = kernelsFor('maxPool2d', x4);
  const pooled = backend.maxPool(x4, g, isGradEnabled() && x4.requiresGrad);
  const out = new Tensor(pooled.values, [g.batch, g.channels, g.outHeight, g.outWidth]);
  if (recording('maxPool2d', out, x4)) {
    const at = new Tensor(pooled.indices!, [out.size]);
    attach(out, 'maxPool2d', x4, null, SAVES_NOTHING, RULES.maxPool2d, { at, g });
  }
  return out;
}

// d maxPool: dx[kept element of each window] += dy, a scatter-add (whose own gradient is a gather)
const maxPoolBackward: BackwardRule<{ at: Tensor; g: WindowGeometry }> = (dy, n) => {
  const { at, g } = n.params;
  const inputShape = [g.batch, g.channels, g.height, g.width];
  return [reshape(scatterAddZeros(reshape(dy, [at.size]), 0, at, [sizeOf(inputShape)]), inputShape)];
};

const RULES = { maxPool2d: maxPoolBackward } satisfies RuleTable<PoolOpName>;
