import { DTypeError, ShapeError, type Tensor, tensor, ValueError } from '@backprop/core';
import { fmtShape } from '../shape-check.js';

/** An adaptive pooling size: one number for both dims, or `[h, w]` where null keeps the input's size. */
export type AdaptiveSize = number | readonly [number | null, number | null];

/** The output `[h, w]` for an input of height and width `[inH, inW]`; throws a ValueError naming `op`. */
export function resolveAdaptiveSize(
  op: string,
  outputSize: AdaptiveSize,
  input: readonly number[],
): [number, number] {
  const given = typeof outputSize === 'number' ? [outputSize, outputSize] : [...outputSize];
  const sizes = given.map((s, i) => s ?? input[i]!);
  if (given.length !== 2 || !sizes.every((s) => Number.isInteger(s) && s >= 1)) {
    throw new ValueError(
      `${op}: outputSize must be a positive integer or a pair [h, w] of them (null keeps the input's size), got ${JSON.stringify(outputSize)}`,
    );
  }
  return sizes as [number, number];
}

// [out, in]: row i averages input positions floor(i·in/out) .. ceil((i+1)·in/out) − 1, PyTorch's
// adaptive windows, which may overlap and differ in size. Built on the host from sizes only.
function averagingMatrix(inSize: number, outSize: number, like: Tensor): Tensor {
  const m = new Float64Array(outSize * inSize);
  for (let i = 0; i < outSize; i++) {
    const start = Math.floor((i * inSize) / outSize);
    const end = Math.ceil(((i + 1) * inSize) / outSize);
    m.fill(1 / (end - start), i * inSize + start, i * inSize + end);
  }
  return tensor(m, { shape: [outSize, inSize], dtype: like.dtype, device: like.device });
}

/**
 * Adaptive 2-D average pooling over `[N, C, H, W]` (or `[C, H, W]`) input to a fixed output size
 * (PyTorch's `F.adaptive_avg_pool2d`): output row i averages input rows floor(i·H/h) to
 * ceil((i+1)·H/h) − 1, and likewise for columns. The windows' averages are separable, so the op is
 * two matmuls with constant averaging matrices: `A_h · x · A_wᵀ`.
 *
 * @example
 * ```ts
 * adaptiveAvgPool2d(randn([1, 3, 7, 5]), [3, null]).shape; // [1, 3, 3, 5]
 * adaptiveAvgPool2d(randn([2, 8, 6, 6]), 1).shape; // [2, 8, 1, 1], the global average
 * ```
 */
export function adaptiveAvgPool2d(x: Tensor, outputSize: AdaptiveSize): Tensor {
  if (x.ndim !== 3 && x.ndim !== 4) {
    throw new ShapeError(
      `adaptiveAvgPool2d: expected input [N, C, H, W] or [C, H, W], got shape ${fmtShape(x.shape)}`,
    );
  }
  if (x.dtype !== 'float32' && x.dtype !== 'float64') {
    throw new DTypeError(`adaptiveAvgPool2d: needs a float32 or float64 input, got ${x.dtype}`);
  }
  const [inH, inW] = x.shape.slice(-2) as [number, number];
  if (inH === 0 || inW === 0) {
    throw new ShapeError(`adaptiveAvgPool2d: input of shape ${fmtShape(x.shape)} has an empty spatial dim`);
  }
  const [outH, outW] = resolveAdaptiveSize('adaptiveAvgPool2d', outputSize, [inH, inW]);
  const rows = averagingMatrix(inH, outH, x);
  const cols = averagingMatrix(inW, outW, x);
  return rows.matmul(x).matmul(cols.transpose(0, 1));
}
