import { kernelsFor, type Tensor } from '@backprop/core';
import { dense, updateInPlace, zerosLike } from './dense.js';
import { Optimizer, type ParamState } from './optimizer.js';
import type { ParamGroup, ParamsInput } from './params.js';
import { checkLr, checkNonNegative, checkOptionsObject } from './validate.js';

/**
 * Options of `RMSprop`: PyTorch's keyword arguments in camelCase, with its defaults.
 *
 * @example
 * ```ts
 * new RMSprop(params, { lr: 1e-3, alpha: 0.9, centered: true });
 * ```
 */
export interface RMSpropOptions {
  /** Learning rate (default 1e-2). */
  lr?: number;
  /** Smoothing constant of the squared-gradient average (default 0.99). */
  alpha?: number;
  /** Added to the denominator for stability (default 1e-8). */
  eps?: number;
  /** L2 penalty added to the gradient (default 0). */
  weightDecay?: number;
  /** Momentum factor (default 0). */
  momentum?: number;
  /** Normalize by an estimate of the gradient's variance instead of its second moment (default false). */
  centered?: boolean;
  /** Maximize the objective instead of minimizing it (default false). */
  maximize?: boolean;
}

type RMSpropGroupOptions = Required<RMSpropOptions>;

/**
 * RMSprop as PyTorch: v ← α·v + (1 − α)·g²; with `centered`, also ḡ ← α·ḡ + (1 − α)·g and the
 * denominator uses v − ḡ²; d = √(·) + eps; θ ← θ − lr·g/d, or with momentum
 * buf ← momentum·buf + g/d and θ ← θ − lr·buf.
 *
 * @example
 * ```ts
 * const opt = new RMSprop(params, { lr: 0.01, momentum: 0.9, centered: true });
 * ```
 */
export class RMSprop extends Optimizer<RMSpropGroupOptions> {
  constructor(params: ParamsInput<RMSpropGroupOptions>, options: RMSpropOptions = {}) {
    options = checkOptionsObject('RMSprop', options);
    super('RMSprop', params, {
      lr: options.lr ?? 1e-2,
      alpha: options.alpha ?? 0.99,
      eps: options.eps ?? 1e-8,
      weightDecay: options.weightDecay ?? 0,
      momentum: options.momentum ?? 0,
      centered: options.centered ?? false,
      maximize: options.maximize ?? false,
    });
  }

  protected validateOptions(o: RMSpropGroupOptions): void {
    checkLr('RMSprop', o.lr);
    checkNonNegative('RMSprop', 'eps', o.eps);
    checkNonNegative('RMSprop', 'momentum', o.momentum);
    checkNonNegative('RMSprop', 'weightDecay', o.weightDecay);
    checkNonNegative('RMSprop', 'alpha', o.alpha);
  }

  protected updateParam(
    p: Tensor,
    grad: Tensor,
    state: ParamState,
    group: ParamGroup<RMSpropGroupOptions>,
  ): void {
    const { lr, alpha, eps, weightDecay: wd, momentum, centered, maximize } = group;
    state.step = ((state.step as number | undefined) ?? 0) + 1;
    state.squareAvg ??= zerosLike(p);
    if (momentum > 0) state.momentumBuffer ??= zerosLike(p);
    if (centered) state.gradAvg ??= zerosLike(p);
    const buffers = {
      squareAvg: state.squareAvg as Tensor,
      momentumBuffer: momentum > 0 ? (state.momentumBuffer as Tensor) : null,
      gradAvg: centered ? (state.gradAvg as Tensor) : null,
    };
    const g = dense(grad);
    const o = { lr, alpha, eps, weightDecay: wd, momentum, maximize };
    updateInPlace(p, (theta) => kernelsFor('RMSprop.step', theta, g).rmspropStep(theta, g, buffers, o));
  }
}
