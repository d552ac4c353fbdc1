import { DTypeError, ShapeError, type Tensor, tensor, ValueError } from '@backprop/core';
import { fmtShape } from '../shape-check.js';

/** Interpolation modes of `interpolate` and `Upsample`. */
export type InterpolateMode = 'nearest' | 'bilinear';

/** Options of `interpolate` and `Upsample`: exactly one of `size` and `scaleFactor`. */
export interface InterpolateOptions {
  /** Output height and width, one number or `[h, w]`. */
  size?: number | readonly [number, number] | null;
  /** Multiplier of the input's height and width, one number or `[sh, sw]`; the output is floor(in · s). */
  scaleFactor?: number | readonly [number, number] | null;
  /** `'nearest'` (default) or `'bilinear'`. */
  mode?: InterpolateMode;
  /** Bilinear only: align the corner pixels' centers (default false, PyTorch's half-pixel rule). */
  alignCorners?: boolean | null;
}

interface Axis {
  inSize: number;
  outSize: number;
  /** The given scale factor, which PyTorch uses (as 1/s) for source coordinates when it is given. */
  scale: number | null;
}

const pairOf = (v: number | readonly number[]): number[] => (typeof v === 'number' ? [v, v] : [...v]);

/** Throws a ValueError naming `op` unless the options are valid for `interpolate`. */
export function checkInterpolateOptions(op: string, options: InterpolateOptions): void {
  const { size, scaleFactor, mode = 'nearest', alignCorners } = options;
  if (mode !== 'nearest' && mode !== 'bilinear') {
    throw new ValueError(`${op}: mode must be 'nearest' or 'bilinear', got ${JSON.stringify(mode)}`);
  }
  if (mode === 'nearest' && alignCorners != null) {
    throw new ValueError(`${op}: alignCorners can only be set with mode 'bilinear'`);
  }
  if ((size == null) === (scaleFactor == null)) {
    throw new ValueError(`${op}: give exactly one of size and scaleFactor`);
  }
  const given = pairOf((size ?? scaleFactor)!);
  const ok =
    size != null
      ? given.every((s) => Number.isInteger(s) && s >= 1)
      : given.every((s) => s > 0 && Number.isFinite(s));
  if (given.length !== 2 || !ok) {
    const what = size != null ? 'size must be a positive integer' : 'scaleFactor must be a positive number';
    throw new ValueError(`${op}: ${what} or a pair of them, got ${JSON.stringify(size ?? scaleFactor)}`);
  }
}

function axes(x: Tensor, options: InterpolateOptions): [Axis, Axis] {
  const { size, scaleFactor } = options;
  const given = pairOf((size ?? scaleFactor)!);
  const axis = (i: 0 | 1): Axis => {
    const inSize = x.shape[2 + i]!;
    if (size != null) return { inSize, outSize: given[i]!, scale: null };
    const outSize = Math.floor(inSize * given[i]!);
    if (outSize < 1) {
      throw new ShapeError(
        `interpolate: scaleFactor ${JSON.stringify(scaleFactor)} gives an empty output for input ${fmtShape(x.shape)}`,
      );
    }
    return { inSize, outSize, scale: given[i]! };
  };
  return [axis(0), axis(1)];
}

const f32 = Math.fround;

// PyTorch's 'nearest': src = min(floor(dst · scale), in − 1), with scale = 1/scaleFactor when given,
// else in/out, computed in float32 as PyTorch does (it decides some indices); same size copies.
function nearestIndices({ inSize, outSize, scale }: Axis): number[] {
  if (outSize === inSize) return Array.from({ length: outSize }, (_, i) => i);
  const s = f32(scale !== null ? 1 / scale : inSize / outSize);
  return Array.from({ length: outSize }, (_, i) => Math.min(Math.floor(f32(i * s)), inSize - 1));
}

// PyTorch's bilinear source coordinate along one axis: corner-aligned, or the half-pixel rule
// src = (dst + 0.5) · scale − 0.5 clamped at 0; the two taps floor(src) and the next (or the last).
function linearTaps({ inSize, outSize, scale }: Axis, alignCorners: boolean) {
  const step = alignCorners
    ? outSize > 1
      ? (inSize - 1) / (outSize - 1)
      : 0
    : scale !== null
      ? 1 / scale
      : inSize / outSize;
  const lo: number[] = [];
  const hi: number[] = [];
  const frac: number[] = [];
  for (let i = 0; i < outSize; i++) {
    const src = alignCorners ? step * i : Math.max(step * (i + 0.5) - 0.5, 0);
    const i0 = Math.min(Math.floor(src), inSize - 1);
    lo.push(i0);
    hi.push(i0 < inSize - 1 ? i0 + 1 : i0);
    frac.push(src - i0);
  }
  return { lo, hi, frac };
}

// w0 · x[lo] + w1 · x[hi] along `dim` (2 or 3): two row (or column) selections and constant weights.
function lerpAlong(x: Tensor, dim: 2 | 3, axis: Axis, alignCorners: boolean): Tensor {
  const { lo, hi, frac } = linearTaps(axis, alignCorners);
  const shape = dim === 2 ? [axis.outSize, 1] : [axis.outSize];
  const weights = (values: number[]) => tensor(values, { shape, dtype: x.dtype, device: x.device });
  const a = x.indexSelect(dim, lo).mul(weights(frac.map((f) => 1 - f)));
  return a.add(x.indexSelect(dim, hi).mul(weights(frac)));
}

/**
 * Resizes NCHW images (PyTorch's `F.interpolate` for 4-D input) to `size` or by `scaleFactor`.
 * `'nearest'` copies pixel floor(dst · in/out) (1/scaleFactor when given, as PyTorch); `'bilinear'`
 * blends the four nearest pixels, with corner pixels aligned when `alignCorners` is true and
 * PyTorch's half-pixel rule otherwise. Indices and weights depend on sizes only; the pixels are
 * picked with `indexSelect`, so the op runs on any device and its gradient comes for free.
 *
 * @example
 * ```ts
 * interpolate(randn([1, 3, 4, 4]), { scaleFactor: 2 }).shape; // [1, 3, 8, 8]
 * interpolate(randn([1, 3, 4, 4]), { size: [6, 5], mode: 'bilinear', alignCorners: true }).shape; // [1, 3, 6, 5]
 * ```
 */
export function interpolate(x: Tensor, options: InterpolateOptions): Tensor {
  checkInterpolateOptions('interpolate', options);
  if (x.ndim !== 4) {
    throw new ShapeError(`interpolate: expected input [N, C, H, W], got shape ${fmtShape(x.shape)}`);
  }
  const [h, w] = axes(x, options);
  if ((options.mode ?? 'nearest') === 'nearest') {
    return x.indexSelect(2, nearestIndices(h)).indexSelect(3, nearestIndices(w));
  }
  if (x.dtype !== 'float32' && x.dtype !== 'float64') {
    throw new DTypeError(`interpolate: bilinear mode needs a float32 or float64 input, got ${x.dtype}`);
  }
  const alignCorners = options.alignCorners === true;
  return lerpAlong(lerpAlong(x, 2, h, alignCorners), 3, w, alignCorners);
}
