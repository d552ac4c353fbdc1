import { DTypeError, indexSelect, ShapeError, type Tensor, ValueError, where } from '@backprop/core';
import { fmtShape } from '../shape-check.js';

/** Options of `embedding`. */
export interface EmbeddingOptions {
  /** A row that gets no gradient (PyTorch's `padding_idx`); negative counts from the end. */
  paddingIdx?: number | null;
}

/** `paddingIdx` as a row index in [0, numEmbeddings), or null; throws a ValueError naming `op`. */
export function resolvePaddingIdx(
  op: string,
  paddingIdx: number | null | undefined,
  rows: number,
): number | null {
  if (paddingIdx === undefined || paddingIdx === null) return null;
  if (!Number.isInteger(paddingIdx) || paddingIdx < -rows || paddingIdx >= rows) {
    throw new ValueError(`${op}: paddingIdx must be an integer in [${-rows}, ${rows}), got ${paddingIdx}`);
  }
  return paddingIdx < 0 ? paddingIdx + rows : paddingIdx;
}

/**
 * Looks up rows of `weight` `[numEmbeddings, embeddingDim]` by the int32 indices in `input` (any
 * shape): the result is `[...input.shape, embeddingDim]` (PyTorch's `F.embedding`). The row at
 * `paddingIdx` is read as it is but receives no gradient.
 *
 * @example
 * ```ts
 * const weight = randn([10, 3], { requiresGrad: true });
 * embedding(tensor([[1, 2], [0, 9]], { dtype: 'int32' }), weight, { paddingIdx: 0 }).shape; // [2, 2, 3]
 * ```
 */
export function embedding(input: Tensor, weight: Tensor, options: EmbeddingOptions = {}): Tensor {
  if (input.dtype !== 'int32') {
    throw new DTypeError(`embedding: input must hold int32 indices, got ${input.dtype}`);
  }
  if (weight.ndim !== 2) {
    throw new ShapeError(
      `embedding: weight must be [numEmbeddings, embeddingDim], got shape ${fmtShape(weight.shape)}`,
    );
  }
  const [rows, dim] = weight.shape as [number, number];
  const paddingIdx = resolvePaddingIdx('embedding', options.paddingIdx, rows);
  // indexSelect takes a 1-D index: look up the flattened indices, then restore input's shape.
  const out = indexSelect(weight, 0, input.reshape([-1])).reshape([...input.shape, dim]);
  if (paddingIdx === null || !out.requiresGrad) return out;
  // Same values everywhere, but positions that read the padding row pass no gradient back.
  return where(input.ne(paddingIdx).unsqueeze(-1), out, out.detach());
}
