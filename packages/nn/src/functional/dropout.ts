import { type Generator, rand, ShapeError, type Tensor, ValueError, where } from '@backprop/core';
import { fmtShape } from '../shape-check.js';

/** Options of `dropout` and `dropout2d`. */
export interface Dropout2dOptions {
  /** Apply dropout (default true); false returns the input, as in eval mode. */
  training?: boolean;
  /** Generator for the mask (default: the global one `manualSeed` seeds). */
  generator?: Generator | undefined;
}

/** Options of `dropout` (those of `dropout2d`). */
export type DropoutFunctionOptions = Dropout2dOptions;

/**
 * Dropout (PyTorch's `F.dropout`): in training, zeroes each element with probability `p` and scales
 * the rest by 1 / (1 − p), so the expected output equals the input. The mask is drawn on the host
 * from the seeded generator (the same numbers on every device) and put on x's device.
 *
 * @example
 * ```ts
 * dropout(ones([4]), 0.5); // some zeros, the rest 2
 * dropout(ones([4]), 0.5, { training: false }); // [1, 1, 1, 1]
 * ```
 */
export function dropout(x: Tensor, p = 0.5, options: DropoutFunctionOptions = {}): Tensor {
  if (!(p >= 0 && p <= 1)) throw new ValueError(`dropout: p must be in [0, 1], got ${p}`);
  const { training = true, generator } = options;
  if (!training || p === 0) return x;
  if (p === 1) return x.mul(0);
  const dtype = x.dtype === 'float64' ? 'float64' : 'float32';
  const u = rand(x.shape, { dtype, device: x.device, generator });
  // u >= p keeps an element with probability 1 − p; the mask is a constant, so gradients are masked
  // too. The bool mask becomes x's float dtype before scaling, so float64 keeps 1 / (1 − p) exact.
  return x.mul(
    u
      .ge(p)
      .to(dtype)
      .mul(1 / (1 - p)),
  );
}

/**
 * Channel dropout (PyTorch's `F.dropout2d`) of `[N, C, H, W]` or `[C, H, W]` input: in training,
 * zeroes each whole channel with probability `p` and scales the others by 1 / (1 − p). One mask
 * value per channel is drawn on the host from the seeded generator and put on x's device. (For
 * 3-D input PyTorch still drops along dim 1 as for `[N, C, L]`, with a warning that this will
 * change; here 3-D input is one unbatched image, the documented meaning.)
 *
 * @example
 * ```ts
 * dropout2d(ones([2, 4, 3, 3]), 0.5); // each of the 8 channels all 0 or all 2
 * ```
 */
export function dropout2d(x: Tensor, p = 0.5, options: Dropout2dOptions = {}): Tensor {
  if (!(p >= 0 && p <= 1)) throw new ValueError(`dropout2d: p must be in [0, 1], got ${p}`);
  if (x.ndim !== 3 && x.ndim !== 4) {
    throw new ShapeError(
      `dropout2d: expected input [N, C, H, W] or [C, H, W], got shape ${fmtShape(x.shape)}`,
    );
  }
  const { training = true, generator } = options;
  if (!training || p === 0) return x;
  if (p === 1) return x.mul(0);
  const dtype = x.dtype === 'float64' ? 'float64' : 'float32';
  const shape = [...x.shape.slice(0, -2), 1, 1];
  const u = rand(shape, { dtype, device: x.device, generator });
  // u >= p keeps a channel with probability 1 − p; where() passes gradients only where it keeps.
  return where(u.ge(p), x.mul(1 / (1 - p)), 0);
}
