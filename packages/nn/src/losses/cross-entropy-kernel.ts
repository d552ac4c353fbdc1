import { Tensor, type TypedArray } from '@backprop/core';

// Cross-entropy over class-index targets is a dozen small ops when composed (max, sub, exp, sum,
// log, gather, softmax, oneHot...), each with its own allocation and dispatch: for the [64, 10]
// logits of a training step that costs far more than the arithmetic. These loops do it in one pass
// per row, in float64 with one rounding to the logits' dtype. They take float logits whose rows are
// all finite and return null otherwise, so the composed ops keep handling infinities and NaN.

function rowsOf(t: Tensor): TypedArray {
  return t.isContiguous() && t.offset === 0 ? t.storage : t.data();
}

function fresh(like: Tensor, length: number): TypedArray {
  return like.dtype === 'float64' ? new Float64Array(length) : new Float32Array(length);
}

// Max and log-sum-exp of row `i`, or null when the row has a non-finite value.
function rowStats(x: TypedArray, i: number, c: number): [number, number] | null {
  let m = Number.NEGATIVE_INFINITY;
  for (let j = 0; j < c; j++) {
    const v = x[i * c + j]!;
    if (!Number.isFinite(v)) return null;
    if (v > m) m = v;
  }
  let s = 0;
  for (let j = 0; j < c; j++) s += Math.exp(x[i * c + j]! - m);
  return [m, Math.log(s)];
}

/** Per-example `logsumexp(x) − x[target]` of `[N, C]` float logits, or null (see above). */
export function crossEntropyRows(logits: Tensor, target: Tensor): Tensor | null {
  if (logits.dtype === 'int32') return null;
  const [n, c] = logits.shape as [number, number];
  const x = rowsOf(logits);
  const t = target.data();
  const out = fresh(logits, n);
  for (let i = 0; i < n; i++) {
    const stats = rowStats(x, i, c);
    if (stats === null) return null;
    out[i] = stats[0] + stats[1] - x[i * c + t[i]!]!;
  }
  return new Tensor(out, [n]);
}

/** `(softmax(x) − onehot(target)) · dy[:, None]` for `[N, C]` float logits, or null (see above). */
export function crossEntropyGrad(logits: Tensor, target: Tensor, dy: Tensor): Tensor | null {
  if (logits.dtype === 'int32') return null;
  const [n, c] = logits.shape as [number, number];
  const x = rowsOf(logits);
  const t = target.data();
  const d = dy.data();
  const out = fresh(logits, n * c);
  for (let i = 0; i < n; i++) {
    const stats = rowStats(x, i, c);
    if (stats === null) return null;
    const shift = stats[0] + stats[1];
    for (let j = 0; j < c; j++) {
      out[i * c + j] = (Math.exp(x[i * c + j]! - shift) - (j === t[i] ? 1 : 0)) * d[i]!;
    }
  }
  return new Tensor(out, [n, c]);
}
