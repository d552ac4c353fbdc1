/**
 * The activation functions of lessons 001 and 003 and their derivatives, the derivatives computed
 * by backprop's own autograd: for an elementwise f, the gradient of sum(f(x)) with respect to x is
 * f'(x) at every point, so one `grad` call on a linspace gives the whole derivative curve.
 */
import { grad, linspace, type Tensor, tensor } from '@backprop/core';
import { lossCurves, writePlot } from '@backprop/data';
import type { ExampleOptions } from '../shared/cli.js';
import { panels } from '../shared/panels.js';
import { ACTIVATIONS, type ActivationFn } from './functions.js';

/** One activation sampled on [−4, 4]: its values, autograd's derivative, and the check by hand. */
export interface ActivationCurve {
  name: string;
  formula: string;
  xs: number[];
  values: number[];
  derivatives: number[];
  /** The largest |autograd − closed form| over the points (ties at kinks excluded). */
  maxError: number;
}

/**
 * f'(x) at each of `points`, by autograd: the gradient of Σ f(x) with respect to x.
 *
 * @example
 * ```ts
 * derivative((x) => x.sigmoid(), [0]); // [0.25]
 * ```
 */
export function derivative(f: (x: Tensor) => Tensor, points: readonly number[]): number[] {
  const x = tensor([...points], { dtype: 'float64' });
  return Array.from(grad((t: Tensor) => f(t).sum())(x).data());
}

const KINKS = [0, -0.8, 0.8]; // where ReLU, leaky ReLU, ELU, step and the maxout unit bend

function sample(a: ActivationFn, steps: number): ActivationCurve {
  const x = linspace(-4, 4, steps, { dtype: 'float64' });
  const xs = Array.from(x.data());
  const values = Array.from(a.f(x).data());
  const derivatives = derivative(a.f, xs);
  let maxError = 0;
  xs.forEach((v, i) => {
    if (KINKS.some((k) => Math.abs(v - k) < 1e-9)) return;
    maxError = Math.max(maxError, Math.abs(derivatives[i]! - a.byHand(v)));
  });
  return { name: a.name, formula: a.formula, xs, values, derivatives, maxError };
}

function chart(c: ActivationCurve): string {
  return lossCurves(
    [
      { name: 'f(x)', values: c.values, x: c.xs },
      { name: 'f′(x) by autograd', values: c.derivatives, x: c.xs },
    ],
    { title: `${c.name}: ${c.formula}`, xLabel: 'x', yLabel: 'f(x), f′(x)', width: 380, height: 300 },
  );
}

/** Samples every activation on [−4, 4], writes one grid of charts, returns the curves. */
export async function runActivations(options: ExampleOptions): Promise<ActivationCurve[]> {
  const curves = ACTIVATIONS.map((a) => sample(a, options.quick ? 81 : 201));
  const svg = panels(curves.map(chart), { columns: 4, title: 'Activation functions and their derivatives' });
  await writePlot(`${options.out}/activations`, svg, { png: true });
  return curves;
}

/** A table of f'(−2), f'(−1), f'(0), f'(1), f'(2) by autograd, and the check against the formulas. */
export function formatTable(curves: readonly ActivationCurve[]): string {
  const points = [-2, -1, 0, 1, 2];
  const fmt = (v: number) => String(Number(v.toFixed(4)));
  const rows = curves.map((c) => {
    const a = ACTIVATIONS.find((x) => x.name === c.name)!;
    const d = derivative(a.f, points).map(fmt);
    return `| ${c.name} | ${c.formula} | ${d.join(' | ')} | ${c.maxError.toExponential(1)} |`;
  });
  return [
    `| activation | f(x) | ${points.map((p) => `f′(${p})`).join(' | ')} | max abs error against the formula |`,
    `|---|---|${points.map(() => '---:').join('|')}|---:|`,
    ...rows,
  ].join('\n');
}
