import { DeviceError, noGrad, stack, Tensor, ValueError } from '@backprop/core';
import { describe, gradFits, gradMismatch } from './params.js';

/**
 * Options of `clipGradNorm_`.
 *
 * @example
 * ```ts
 * clipGradNorm_(params, 1.0, 2, { errorIfNonfinite: true });
 * ```
 */
export interface ClipGradNormOptions {
  /** Throw when the total norm is NaN or infinite instead of scaling by it (default false). */
  errorIfNonfinite?: boolean;
}

// The gradients of `params`, each checked against its parameter before any is scaled.
function gradsOf(op: string, params: Tensor | Iterable<Tensor>): Tensor[] {
  if (
    !(params instanceof Tensor) &&
    (params === null || typeof params !== 'object' || !(Symbol.iterator in params))
  ) {
    throw new TypeError(`${op}: params must be a Tensor or an iterable of Tensors, got ${describe(params)}`);
  }
  const list: unknown[] = params instanceof Tensor ? [params] : [...params];
  const grads: Tensor[] = [];
  list.forEach((p, i) => {
    if (!(p instanceof Tensor))
      throw new TypeError(`${op}: parameter ${i} is not a Tensor (got ${describe(p)})`);
    if (p.grad === null) return;
    if (!gradFits(p, p.grad)) throw gradMismatch(op, `parameter ${i}`, p, p.grad);
    grads.push(p.grad);
  });
  return grads;
}

// ‖x‖_p of numbers: the largest |x| for p = ∞.
function pNorm(values: readonly number[], p: number): number {
  let acc = 0;
  for (const v of values)
    acc = p === Number.POSITIVE_INFINITY ? Math.max(acc, Math.abs(v)) : acc + Math.abs(v) ** p;
  if (p === Number.POSITIVE_INFINITY) return acc;
  return p === 2 ? Math.sqrt(acc) : acc ** (1 / p);
}

// ‖g‖_p of one gradient, summed in float64 by tensor ops (a host number: the sync point of clipping).
function gradNorm(g: Tensor, p: number): number {
  const a = noGrad(() => g.detach().to('float64').abs());
  if (a.size === 0) return 0;
  if (p === Number.POSITIVE_INFINITY) return a.max().item();
  const sum = p === 2 ? a.square().sum() : a.pow(p).sum();
  return p === 2 ? Math.sqrt(sum.item()) : sum.item() ** (1 / p);
}

/**
 * Scales the gradients of `params` in place so that their total `normType`-norm (the norm of the
 * per-parameter norms, as if all gradients were one vector) is at most `maxNorm`, as PyTorch's
 * `clip_grad_norm_`: each gradient is multiplied by min(1, maxNorm / (total + 1e-6)). Returns the
 * total norm before clipping: a number for cpu parameters, a 0-d tensor on the device for webgpu
 * ones (no host read inside a training step). Parameters without a gradient are ignored; a `.grad` whose shape or
 * dtype differs from its parameter's throws before any gradient is scaled.
 *
 * @example
 * ```ts
 * loss.backward();
 * const norm = clipGradNorm_([w, b], 1.0);
 * opt.step();
 * ```
 */
export function clipGradNorm_(
  params: Tensor | Iterable<Tensor>,
  maxNorm: number,
  normType = 2,
  options: ClipGradNormOptions = {},
): number | Tensor {
  if (!(maxNorm >= 0)) throw new ValueError(`clipGradNorm_: maxNorm must be >= 0, got ${maxNorm}`);
  if (!(normType > 0))
    throw new ValueError(`clipGradNorm_: normType must be > 0 or Infinity, got ${normType}`);
  const grads = gradsOf('clipGradNorm_', params);
  if (grads.length === 0) return 0;
  if (grads[0]!.device !== 'cpu') return clipOnDevice(grads, maxNorm, normType, options);
  const total = pNorm(
    grads.map((g) => gradNorm(g, normType)),
    normType,
  );
  if (options.errorIfNonfinite && !Number.isFinite(total)) {
    throw new ValueError(
      `clipGradNorm_: the total norm of order ${normType} of the gradients is ${total}, so they cannot be clipped; ` +
        'pass errorIfNonfinite: false to clip anyway',
    );
  }
  const coef = maxNorm / (total + 1e-6);
  // PyTorch multiplies by clamp(coef, max=1); a factor of 1 changes nothing, NaN must still spread.
  if (!(coef >= 1)) {
    noGrad(() => {
      for (const g of grads) g.mul_(coef);
    });
  }
  return total;
}

// On the GPU the norm stays there (a host number would stall the queue every step): the same
// arithmetic in tensor ops, in float32, returning the total norm as a 0-d tensor.
function clipOnDevice(
  grads: Tensor[],
  maxNorm: number,
  normType: number,
  options: ClipGradNormOptions,
): Tensor {
  if (options.errorIfNonfinite) {
    throw new DeviceError(
      'clipGradNorm_: errorIfNonfinite needs the norm on the host, which webgpu gradients give only asynchronously; ' +
        'check await norm.itemAsync() instead',
    );
  }
  const inf = normType === Number.POSITIVE_INFINITY;
  return noGrad(() => {
    const norms = grads.map((g) => {
      const a = g.detach().abs().reshape([g.size]);
      if (inf) return a.size === 0 ? a.sum() : a.max();
      return normType === 2
        ? a.square().sum().sqrt()
        : a
            .pow(normType)
            .sum()
            .pow(1 / normType);
    });
    const all = stack(norms);
    const total = inf
      ? all.max()
      : normType === 2
        ? all.square().sum().sqrt()
        : all
            .pow(normType)
            .sum()
            .pow(1 / normType);
    // min(1, maxNorm / (total + 1e-6)): a factor of 1 changes nothing; NaN still spreads.
    const coef = total.add(1e-6).reciprocal().mul(maxNorm).clamp(null, 1);
    for (const g of grads) g.mul_(coef);
    return total;
  });
}

/**
 * Clamps every gradient element of `params` to [−clipValue, clipValue] in place, as PyTorch's
 * `clip_grad_value_`. Parameters without a gradient are ignored; a `.grad` whose shape or dtype
 * differs from its parameter's throws before any gradient is clamped.
 *
 * @example
 * ```ts
 * loss.backward();
 * clipGradValue_([w, b], 0.5);
 * ```
 */
export function clipGradValue_(params: Tensor | Iterable<Tensor>, clipValue: number): void {
  if (!(clipValue >= 0)) throw new ValueError(`clipGradValue_: clipValue must be >= 0, got ${clipValue}`);
  const grads = gradsOf('clipGradValue_', params);
  noGrad(() => {
    for (const g of grads) g.clamp_(-clipValue, clipValue);
  });
}
