import { stack, type Tensor } from '@backprop/core';
import type { Dataset, Example } from './dataset.js';
import { TensorDataset } from './dataset.js';

/**
 * @internal Rows `indices` of `t` (along dim 0) as one tensor: a run of consecutive indices is a
 * view (no copy), anything else one `indexSelect` (a block copy per row in the backend).
 */
export function takeRows(t: Tensor, indices: readonly number[]): Tensor {
  const first = indices[0] ?? 0;
  if (isRun(indices)) return t.slice(0, first, first + indices.length);
  return t.indexSelect(0, indices);
}

function isRun(indices: readonly number[]): boolean {
  for (let k = 1; k < indices.length; k++) if (indices[k] !== indices[k - 1]! + 1) return false;
  return true;
}

/** @internal The examples `indices` of `dataset` as one `[x, y]` batch (stacked along a new dim 0). */
export function collate(dataset: Dataset, indices: readonly number[]): Example {
  if (dataset instanceof TensorDataset) return [takeRows(dataset.x, indices), takeRows(dataset.y, indices)];
  const examples = indices.map((i) => dataset.get(i));
  return [stack(examples.map((e) => e[0])), stack(examples.map((e) => e[1]))];
}
