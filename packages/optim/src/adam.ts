import { kernelsFor, type Tensor } from '@backprop/core';
import { dense, updateInPlace, zerosLike } from './dense.js';
import { Optimizer, type ParamState } from './optimizer.js';
import type { ParamGroup, ParamsInput } from './params.js';
import { checkBetas, checkLr, checkNonNegative, checkOptionsObject } from './validate.js';

/**
 * Options of `Adam` and `AdamW`: PyTorch's keyword arguments in camelCase, with its defaults.
 *
 * @example
 * ```ts
 * new Adam(params, { lr: 3e-4, betas: [0.9, 0.98], weightDecay: 1e-4 });
 * ```
 */
export interface AdamOptions {
  /** Learning rate (default 1e-3). */
  lr?: number;
  /** Decay rates [β1, β2] of the first and second moment averages (default [0.9, 0.999]). */
  betas?: [number, number];
  /** Added to the denominator for stability (default 1e-8). */
  eps?: number;
  /** Adam: L2 penalty added to the gradient (default 0). AdamW: decoupled decay θ ← θ·(1 − lr·wd) (default 1e-2). */
  weightDecay?: number;
  /** Normalize by the running maximum of the second moment (AMSGrad; default false). */
  amsgrad?: boolean;
  /** Maximize the objective instead of minimizing it (default false). */
  maximize?: boolean;
}

type AdamGroupOptions = Required<AdamOptions>;

function adamDefaults(name: string, options: AdamOptions, weightDecay: number): AdamGroupOptions {
  options = checkOptionsObject(name, options);
  return {
    lr: options.lr ?? 1e-3,
    betas: options.betas ? [...options.betas] : [0.9, 0.999],
    eps: options.eps ?? 1e-8,
    weightDecay: options.weightDecay ?? weightDecay,
    amsgrad: options.amsgrad ?? false,
    maximize: options.maximize ?? false,
  };
}

function validateAdam(name: string, o: AdamGroupOptions): void {
  checkLr(name, o.lr);
  checkNonNegative(name, 'eps', o.eps);
  checkBetas(name, o.betas);
  checkNonNegative(name, 'weightDecay', o.weightDecay);
}

function initAdamState(p: Tensor, state: ParamState, amsgrad: boolean): void {
  if (state.step === undefined) {
    state.step = 0;
    state.expAvg = zerosLike(p);
    state.expAvgSq = zerosLike(p);
  }
  if (amsgrad && state.maxExpAvgSq === undefined) state.maxExpAvgSq = zerosLike(p);
}

// One Adam step in torch/optim/adam.py's order. `decoupled` is AdamW: the parameter decays by
// (1 − lr·wd) first and the gradient is left alone; Adam adds wd·θ to the gradient instead.
function adamStep(
  p: Tensor,
  grad: Tensor,
  state: ParamState,
  group: AdamGroupOptions,
  decoupled: boolean,
): void {
  const { lr, betas, eps, weightDecay: wd, amsgrad, maximize } = group;
  const [beta1, beta2] = betas;
  initAdamState(p, state, amsgrad);
  const step = (state.step as number) + 1;
  state.step = step;
  const stepSize = lr / (1 - beta1 ** step);
  const bc2Sqrt = Math.sqrt(1 - beta2 ** step);
  const moments = {
    expAvg: state.expAvg as Tensor,
    expAvgSq: state.expAvgSq as Tensor,
    maxExpAvgSq: amsgrad ? (state.maxExpAvgSq as Tensor) : null,
  };
  const o = {
    stepSize,
    bc2Sqrt,
    beta1,
    beta2,
    eps,
    weightDecay: wd,
    decoupled,
    decay: 1 - lr * wd,
    maximize,
  };
  const g = dense(grad);
  updateInPlace(p, (theta) => kernelsFor('Adam.step', theta, g).adamStep(theta, g, moments, o));
}

/**
 * Adam (Kingma & Ba), as PyTorch: moment averages m ← β1·m + (1 − β1)·g and
 * v ← β2·v + (1 − β2)·g², bias-corrected; θ ← θ − lr/(1 − β1ᵗ) · m / (√v / √(1 − β2ᵗ) + eps).
 * `weightDecay` adds wd·θ to the gradient; `amsgrad` uses the running maximum of v.
 *
 * @example
 * ```ts
 * const opt = new Adam([w, b], { lr: 1e-3, betas: [0.9, 0.999], amsgrad: true });
 * ```
 */
export class Adam extends Optimizer<AdamGroupOptions> {
  constructor(params: ParamsInput<AdamGroupOptions>, options: AdamOptions = {}) {
    super('Adam', params, adamDefaults('Adam', options, 0));
  }

  protected validateOptions(o: AdamGroupOptions): void {
    validateAdam('Adam', o);
  }

  protected updateParam(
    p: Tensor,
    grad: Tensor,
    state: ParamState,
    group: ParamGroup<AdamGroupOptions>,
  ): void {
    adamStep(p, grad, state, group, false);
  }
}

/**
 * AdamW (Loshchilov & Hutter): Adam with decoupled weight decay θ ← θ·(1 − lr·wd) before the
 * Adam step, as PyTorch (default `weightDecay` 1e-2).
 *
 * @example
 * ```ts
 * const opt = new AdamW(params, { lr: 1e-3, weightDecay: 0.01 });
 * ```
 */
export class AdamW extends Optimizer<AdamGroupOptions> {
  constructor(params: ParamsInput<AdamGroupOptions>, options: AdamOptions = {}) {
    super('AdamW', params, adamDefaults('AdamW', options, 1e-2));
  }

  protected validateOptions(o: AdamGroupOptions): void {
    validateAdam('AdamW', o);
  }

  protected updateParam(
    p: Tensor,
    grad: Tensor,
    state: ParamState,
    group: ParamGroup<AdamGroupOptions>,
  ): void {
    adamStep(p, grad, state, group, true);
  }
}
