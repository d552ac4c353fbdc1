import { ShapeError, type Tensor, ValueError } from '@backprop/core';
import { fmtShape } from '../shape-check.js';

/** A normalized shape given as one size or a list of trailing sizes. */
export type NormalizedShape = number | readonly number[];

/** `normalizedShape` as a non-empty list of positive integers; throws a ValueError naming `op`. */
export function toNormalizedShape(op: string, normalizedShape: NormalizedShape): number[] {
  const shape = typeof normalizedShape === 'number' ? [normalizedShape] : [...normalizedShape];
  if (shape.length === 0 || !shape.every((s) => Number.isInteger(s) && s >= 1)) {
    throw new ValueError(
      `${op}: normalizedShape must be a positive integer or a non-empty list of them, got ${JSON.stringify(normalizedShape)}`,
    );
  }
  return shape;
}

/** Throws a ShapeError naming `op` unless `x`'s trailing dims are `shape`. */
export function checkTrailing(op: string, x: Tensor, shape: readonly number[]): void {
  const tail = x.shape.slice(x.ndim - shape.length);
  if (x.ndim < shape.length || fmtShape(tail) !== fmtShape(shape)) {
    throw new ShapeError(
      `${op}: expected input with trailing dims ${fmtShape(shape)}, got shape ${fmtShape(x.shape)}`,
    );
  }
}

function checkParam(op: string, name: string, p: Tensor | null | undefined, shape: readonly number[]): void {
  if (p && fmtShape(p.shape) !== fmtShape(shape)) {
    throw new ShapeError(`${op}: ${name} must have shape ${fmtShape(shape)}, got ${fmtShape(p.shape)}`);
  }
}

const lastDims = (x: Tensor, count: number): number[] =>
  Array.from({ length: count }, (_, i) => x.ndim - count + i);

// (x - mean) / sqrt(var + eps) over `dims`, with the biased variance, as PyTorch's normalizations.
function standardize(x: Tensor, dims: readonly number[], eps: number): Tensor {
  const centered = x.sub(x.mean(dims, true));
  return centered.div(centered.square().mean(dims, true).add(eps).sqrt());
}

function affine(y: Tensor, weight: Tensor | null | undefined, bias: Tensor | null | undefined): Tensor {
  const scaled = weight ? y.mul(weight) : y;
  return bias ? scaled.add(bias) : scaled;
}

/**
 * Layer normalization over the trailing `normalizedShape` dims (PyTorch's `F.layer_norm`):
 * `(x − mean) / √(var + eps) · weight + bias`, with the biased variance; `weight` and `bias`, when
 * given, have shape `normalizedShape`.
 *
 * @example
 * ```ts
 * layerNorm(randn([2, 5, 4]), [4]).mean(-1); // about 0 in every row
 * layerNorm(x, 4, weight, bias, 1e-6);
 * ```
 */
export function layerNorm(
  x: Tensor,
  normalizedShape: NormalizedShape,
  weight?: Tensor | null,
  bias?: Tensor | null,
  eps = 1e-5,
): Tensor {
  const shape = toNormalizedShape('layerNorm', normalizedShape);
  checkTrailing('layerNorm', x, shape);
  checkParam('layerNorm', 'weight', weight, shape);
  checkParam('layerNorm', 'bias', bias, shape);
  return affine(standardize(x, lastDims(x, shape.length), eps), weight, bias);
}

/**
 * Group normalization (PyTorch's `F.group_norm`): the channels of `x` `[N, C, *]` are split into
 * `numGroups` groups, each normalized over its channels and all spatial positions with the biased
 * variance; then a per-channel `weight` and `bias` (shape `[C]`) when given.
 *
 * @example
 * ```ts
 * groupNorm(randn([2, 6, 4, 4]), 3).shape; // [2, 6, 4, 4]
 * ```
 */
export function groupNorm(
  x: Tensor,
  numGroups: number,
  weight?: Tensor | null,
  bias?: Tensor | null,
  eps = 1e-5,
): Tensor {
  if (!Number.isInteger(numGroups) || numGroups < 1) {
    throw new ValueError(`groupNorm: numGroups must be a positive integer, got ${numGroups}`);
  }
  const channels = x.shape[1] ?? 0;
  if (x.ndim < 2 || channels % numGroups !== 0) {
    throw new ShapeError(
      `groupNorm: expected input [N, C, *] with C divisible by numGroups ${numGroups}, got shape ${fmtShape(x.shape)}`,
    );
  }
  checkParam('groupNorm', 'weight', weight, [channels]);
  checkParam('groupNorm', 'bias', bias, [channels]);
  const grouped = x.reshape([x.shape[0]!, numGroups, -1]);
  const y = standardize(grouped, [2], eps).reshape(x.shape);
  // [C] -> [C, 1, ..., 1], so the per-channel parameters line up with dim 1.
  const perChannel = (p: Tensor | null | undefined) =>
    p ? p.reshape([channels, ...x.shape.slice(2).map(() => 1)]) : p;
  return affine(y, perChannel(weight), perChannel(bias));
}

/** Machine epsilon of a floating dtype, `torch.finfo(dtype).eps`. */
export const machineEpsilon = (dtype: Tensor['dtype']): number => (dtype === 'float64' ? 2 ** -52 : 2 ** -23);

/**
 * Root-mean-square normalization over the trailing `normalizedShape` dims (PyTorch 2.4's
 * `F.rms_norm`): `x / √(mean(x²) + eps) · weight`. `eps` defaults to the machine epsilon of x's
 * dtype (`torch.finfo(x.dtype).eps`).
 *
 * @example
 * ```ts
 * rmsNorm(randn([2, 8]), [8]).square().mean(-1); // about 1 in every row
 * ```
 */
export function rmsNorm(
  x: Tensor,
  normalizedShape: NormalizedShape,
  weight?: Tensor | null,
  eps?: number | null,
): Tensor {
  const shape = toNormalizedShape('rmsNorm', normalizedShape);
  checkTrailing('rmsNorm', x, shape);
  checkParam('rmsNorm', 'weight', weight, shape);
  const meanSquare = x.square().mean(lastDims(x, shape.length), true);
  const y = x.div(meanSquare.add(eps ?? machineEpsilon(x.dtype)).sqrt());
  return weight ? y.mul(weight) : y;
}
