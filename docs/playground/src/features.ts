// TF Playground's input features: the network sees chosen functions of (x1, x2) instead of the
// two coordinates themselves. Computed in the worker, once per data set and once per boundary grid.
import { Tensor } from '@backprop/core';
import type { FeatureName } from './config.js';

/** Each feature's value at (x1, x2). */
export const FEATURE_FUNCTIONS: Record<FeatureName, (x1: number, x2: number) => number> = {
  x1: (x1) => x1,
  x2: (_, x2) => x2,
  x1sq: (x1) => x1 * x1,
  x2sq: (_, x2) => x2 * x2,
  x1x2: (x1, x2) => x1 * x2,
  sinx1: (x1) => Math.sin(x1),
  sinx2: (_, x2) => Math.sin(x2),
};

/**
 * The features of every row of `x` [n, 2] (the first two columns are x1 and x2), as [n, features.length].
 *
 * @example
 * ```ts
 * expandFeatures(tensor([[2, 3]]), ['x1', 'x1x2', 'x2sq']).toArray(); // [[2, 6, 9]]
 * ```
 */
export function expandFeatures(x: Tensor, features: readonly FeatureName[]): Tensor {
  const [n, d] = [x.shape[0]!, x.shape[1]!];
  if (d !== 2) throw new Error(`input features: need inputs (x1, x2), got ${d} columns`);
  const source = x.data();
  const k = features.length;
  const out = new Float32Array(n * k);
  const fns = features.map((f) => FEATURE_FUNCTIONS[f]);
  for (let i = 0; i < n; i++) {
    const x1 = source[2 * i]!;
    const x2 = source[2 * i + 1]!;
    for (let j = 0; j < k; j++) out[i * k + j] = fns[j]!(x1, x2);
  }
  return new Tensor(out, [n, k]);
}
