import { allocate, type DType, type TypedArray } from '../../dtype.js';
import type { StridedView } from '../backend.js';
import { denseOf } from './elementwise.js';

// Cross-entropy over class-index targets composed of small ops (max, sub, exp, sum, log, gather,
// softmax, oneHot...) costs far more in allocation and dispatch than in arithmetic for the [64, 10]
// logits of a training step: these kernels take one pass per row, in float64 with one rounding to
// the output's dtype. A row is shifted by its max, or by 0 when the max is infinite (as logsumexp
// does), so infinite and NaN logits give the values the composed ops give.

// logsumexp of row `i` of the dense `[N, C]` array `x` starting at `at`.
function rowLogSumExp(x: TypedArray, at: number, c: number): number {
  let m = Number.NEGATIVE_INFINITY;
  for (let j = 0; j < c; j++) {
    const v = x[at + j]!;
    if (v > m || Number.isNaN(v)) m = v;
  }
  const shift = Number.isFinite(m) ? m : 0;
  let s = 0;
  for (let j = 0; j < c; j++) s += Math.exp(x[at + j]! - shift);
  return shift + Math.log(s);
}

export function crossEntropy(logits: StridedView, target: StridedView, outDtype: DType): TypedArray {
  const [n, c] = logits.shape as [number, number];
  const [x, xo] = denseOf(logits);
  const [t, to] = denseOf(target);
  const out = allocate(outDtype, n);
  for (let i = 0; i < n; i++) out[i] = rowLogSumExp(x, xo + i * c, c) - x[xo + i * c + t[to + i]!]!;
  return out;
}

export function crossEntropyGrad(
  logits: StridedView,
  target: StridedView,
  dy: StridedView,
  outDtype: DType,
): TypedArray {
  const [n, c] = logits.shape as [number, number];
  const [x, xo] = denseOf(logits);
  const [t, to] = denseOf(target);
  const [d, dyo] = denseOf(dy);
  const out = allocate(outDtype, n * c);
  for (let i = 0; i < n; i++) {
    const row = xo + i * c;
    const lse = rowLogSumExp(x, row, c);
    const hot = t[to + i]!;
    const scale = d[dyo + i]!;
    for (let j = 0; j < c; j++) out[i * c + j] = (Math.exp(x[row + j]! - lse) - (j === hot ? 1 : 0)) * scale;
  }
  return out;
}
