import { full, kernelsFor, type Tensor } from '@backprop/core';
import { dense, updateInPlace } from './dense.js';
import { Optimizer, type ParamState } from './optimizer.js';
import type { ParamGroup, ParamsInput } from './params.js';
import { checkLr, checkNonNegative, checkOptionsObject } from './validate.js';

/**
 * Options of `Adagrad`: PyTorch's keyword arguments in camelCase, with its defaults.
 *
 * @example
 * ```ts
 * new Adagrad(params, { lr: 0.1, lrDecay: 1e-3, initialAccumulatorValue: 0.1 });
 * ```
 */
export interface AdagradOptions {
  /** Learning rate (default 1e-2). */
  lr?: number;
  /** The step t uses lr / (1 + (t − 1)·lrDecay) (default 0). */
  lrDecay?: number;
  /** L2 penalty added to the gradient (default 0). */
  weightDecay?: number;
  /** Starting value of the sum of squared gradients (default 0). */
  initialAccumulatorValue?: number;
  /** Added to the denominator for stability (default 1e-10). */
  eps?: number;
  /** Maximize the objective instead of minimizing it (default false). */
  maximize?: boolean;
}

type AdagradGroupOptions = Required<AdagradOptions>;

/**
 * Adagrad as PyTorch: s ← s + g², θ ← θ − clr·g/(√s + eps) with clr = lr / (1 + (t − 1)·lrDecay).
 * As in PyTorch, each parameter's state (step 0, s = initialAccumulatorValue) exists from the start.
 *
 * @example
 * ```ts
 * const opt = new Adagrad(params, { lr: 0.1, lrDecay: 1e-3 });
 * ```
 */
export class Adagrad extends Optimizer<AdagradGroupOptions> {
  constructor(params: ParamsInput<AdagradGroupOptions>, options: AdagradOptions = {}) {
    options = checkOptionsObject('Adagrad', options);
    super('Adagrad', params, {
      lr: options.lr ?? 1e-2,
      lrDecay: options.lrDecay ?? 0,
      weightDecay: options.weightDecay ?? 0,
      initialAccumulatorValue: options.initialAccumulatorValue ?? 0,
      eps: options.eps ?? 1e-10,
      maximize: options.maximize ?? false,
    });
  }

  protected validateOptions(o: AdagradGroupOptions): void {
    checkLr('Adagrad', o.lr);
    checkNonNegative('Adagrad', 'lrDecay', o.lrDecay);
    checkNonNegative('Adagrad', 'weightDecay', o.weightDecay);
    checkNonNegative('Adagrad', 'initialAccumulatorValue', o.initialAccumulatorValue);
    checkNonNegative('Adagrad', 'eps', o.eps);
  }

  protected override initGroupState(group: ParamGroup<AdagradGroupOptions>): void {
    for (const p of group.params) {
      const state = this.state.get(p) ?? {};
      this.initState(p, state, group.initialAccumulatorValue);
      this.state.set(p, state);
    }
  }

  private initState(p: Tensor, state: ParamState, initialAccumulatorValue: number): void {
    if (state.sum !== undefined) return;
    state.step = 0;
    state.sum = full(p.shape, initialAccumulatorValue, { dtype: p.dtype, device: p.device });
  }

  protected updateParam(
    p: Tensor,
    grad: Tensor,
    state: ParamState,
    group: ParamGroup<AdagradGroupOptions>,
  ): void {
    const { lr, lrDecay, weightDecay: wd, eps, maximize } = group;
    this.initState(p, state, group.initialAccumulatorValue);
    const step = (state.step as number) + 1;
    state.step = step;
    const clr = lr / (1 + (step - 1) * lrDecay);
    const g = dense(grad);
    const o = { clr, weightDecay: wd, eps, maximize };
    updateInPlace(p, (theta) =>
      kernelsFor('Adagrad.step', theta, g).adagradStep(theta, g, state.sum as Tensor, o),
    );
  }
}
