import { kernelsFor, type Tensor, ValueError } from '@backprop/core';
import { dense, updateInPlace, zerosLike } from './dense.js';
import { Optimizer, type ParamState } from './optimizer.js';
import { describe, type ParamGroup, type ParamsInput } from './params.js';
import { checkLr, checkNonNegative, checkOptionsObject } from './validate.js';

/**
 * Options of `SGD`: PyTorch's keyword arguments in camelCase, with its defaults.
 *
 * @example
 * ```ts
 * new SGD(params, { lr: 0.1, momentum: 0.9, nesterov: true, weightDecay: 5e-4 });
 * ```
 */
export interface SGDOptions {
  /** Learning rate (required). */
  lr: number;
  /** Momentum factor (default 0: plain gradient descent). */
  momentum?: number;
  /** Dampening of the gradient's share of the momentum buffer (default 0). */
  dampening?: number;
  /** Nesterov momentum: step along g + momentum·buf (default false). */
  nesterov?: boolean;
  /** L2 penalty: adds weightDecay·θ to the gradient (default 0). */
  weightDecay?: number;
  /** Maximize the objective instead of minimizing it (default false). */
  maximize?: boolean;
}

type SGDGroupOptions = Required<SGDOptions>;

/**
 * Stochastic gradient descent with momentum, dampening, Nesterov and weight decay, in PyTorch's
 * order (torch/optim/sgd.py): g ← g + wd·θ; buf ← g on the first step, else
 * buf ← momentum·buf + (1 − dampening)·g; g ← g + momentum·buf (Nesterov) or buf; θ ← θ − lr·g.
 * The lecture's exponential average p ← μ·g + (1 − μ)·p is `momentum: 1 − μ, dampening: 1 − μ`.
 *
 * @example
 * ```ts
 * const opt = new SGD([w, b], { lr: 0.1, momentum: 0.9, weightDecay: 5e-4 });
 * opt.zeroGrad();
 * loss().backward();
 * opt.step();
 * ```
 */
export class SGD extends Optimizer<SGDGroupOptions> {
  constructor(params: ParamsInput<SGDGroupOptions>, options: SGDOptions) {
    options = checkOptionsObject('SGD', options, true);
    super('SGD', params, {
      lr: options.lr,
      momentum: options.momentum ?? 0,
      dampening: options.dampening ?? 0,
      nesterov: options.nesterov ?? false,
      weightDecay: options.weightDecay ?? 0,
      maximize: options.maximize ?? false,
    });
  }

  protected validateOptions(o: SGDGroupOptions): void {
    checkLr('SGD', o.lr);
    checkNonNegative('SGD', 'momentum', o.momentum);
    checkNonNegative('SGD', 'weightDecay', o.weightDecay);
    if (typeof o.dampening !== 'number') {
      throw new TypeError(`SGD: dampening must be a number, got ${describe(o.dampening)}`);
    }
    if (Number.isNaN(o.dampening)) {
      throw new ValueError(`SGD: invalid dampening ${String(o.dampening)} (must be a number)`);
    }
    if (o.nesterov && !(o.momentum > 0)) {
      throw new ValueError(`SGD: Nesterov momentum requires a momentum > 0 (got momentum ${o.momentum})`);
    }
    if (o.nesterov && o.dampening !== 0) {
      throw new ValueError(`SGD: Nesterov momentum requires zero dampening (got dampening ${o.dampening})`);
    }
  }

  protected updateParam(
    p: Tensor,
    grad: Tensor,
    state: ParamState,
    group: ParamGroup<SGDGroupOptions>,
  ): void {
    const { lr, momentum, dampening, nesterov, weightDecay, maximize } = group;
    let buf = state.momentumBuffer as Tensor | undefined;
    const first = momentum !== 0 && buf === undefined;
    if (first) {
      // PyTorch clones the (decayed) gradient into the buffer on the first step; the kernel fills it.
      buf = zerosLike(p);
      state.momentumBuffer = buf;
    }
    const g = dense(grad);
    const o = { lr, momentum, dampening, nesterov, weightDecay, maximize, first };
    updateInPlace(p, (theta) =>
      kernelsFor('SGD.step', theta, g).sgdStep(theta, g, momentum !== 0 ? (buf ?? null) : null, o),
    );
  }
}
