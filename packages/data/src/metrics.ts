// Classification metrics. They read values only (no graph) and accept the shapes a model emits:
//   outputs [N, C] (C >= 2): scores, logits or probabilities; the prediction is the argmax
//   outputs [N] or [N, 1], float: one score per example; the prediction is 1 where score > threshold
//   outputs [N], int32: predicted class indices, used as they are
// and targets as int32 class indices [N] (or [N, 1]), 0/1 floats (rounded), or one-hot rows [N, C].
import { IndexError, ShapeError, Tensor, ValueError } from '@backprop/core';

/**
 * Options of `accuracy` and `predictions`.
 *
 * @example
 * ```ts
 * accuracy(logits1d, targets, { threshold: 0 } satisfies ThresholdOptions);
 * ```
 */
export interface ThresholdOptions {
  /** Cut for one-score-per-example outputs: 0.5 suits probabilities (the default), 0 suits logits. */
  threshold?: number;
}

function fmtShape(shape: readonly number[]): string {
  return `[${shape.join(',')}]`;
}

function isColumn(t: Tensor): boolean {
  return t.ndim === 1 || (t.ndim === 2 && t.shape[1] === 1);
}

/**
 * The predicted class of every example, as int32 `[N]`, by the rules above: argmax over `[N, C]`
 * scores, `score > threshold` for one score per example, int32 indices as given.
 *
 * @example
 * ```ts
 * predictions(tensor([[0.1, 2], [3, -1]])).toArray(); // [1, 0]
 * predictions(tensor([0.2, 0.7])).toArray(); // [0, 1]
 * predictions(tensor([-0.3, 0.4]), { threshold: 0 }).toArray(); // [0, 1]
 * ```
 */
export function predictions(outputs: Tensor, options: ThresholdOptions = {}): Tensor {
  const { threshold = 0.5 } = options;
  if (outputs.ndim === 2 && outputs.shape[1]! >= 2) return outputs.detach().argmax(1);
  if (!isColumn(outputs)) {
    throw new ShapeError(
      `predictions: outputs must be [N, C], [N, 1] or [N], got ${fmtShape(outputs.shape)}`,
    );
  }
  const values = outputs.data();
  if (outputs.dtype === 'int32') return new Tensor(Int32Array.from(values), [values.length]);
  return new Tensor(
    Int32Array.from(values, (v) => (v > threshold ? 1 : 0)),
    [values.length],
  );
}

/** @internal Target class indices as a plain array: int32 as given, 0/1 floats rounded, one-hot rows by argmax. */
export function targetClasses(op: string, targets: Tensor, n: number): Int32Array {
  let out: Int32Array;
  if (targets.ndim === 2 && targets.shape[1]! >= 2) out = targets.detach().argmax(1).data() as Int32Array;
  else if (isColumn(targets)) out = Int32Array.from(targets.data(), (v) => Math.round(v));
  else
    throw new ShapeError(
      `${op}: targets must be [N], [N, 1] or one-hot [N, C], got ${fmtShape(targets.shape)}`,
    );
  if (out.length !== n) {
    throw new ShapeError(`${op}: ${n} outputs but ${out.length} targets (shape ${fmtShape(targets.shape)})`);
  }
  return out;
}

/**
 * The fraction of examples whose predicted class (see `predictions`) equals the target, in [0, 1];
 * NaN for zero examples. Tied top scores predict the lowest of the tied classes (`argmax`'s rule).
 *
 * @example
 * ```ts
 * const logits = tensor([[2, 1, 0], [0, 3, 1], [1, 0, 2], [5, 0, 0]]);
 * accuracy(logits, tensor([0, 1, 1, 0], { dtype: 'int32' })); // 0.75
 * accuracy(tensor([0.9, 0.2, 0.6]), tensor([1, 0, 0])); // 2/3
 * ```
 */
export function accuracy(outputs: Tensor, targets: Tensor, options: ThresholdOptions = {}): number {
  const predicted = predictions(outputs, options).data();
  const truth = targetClasses('accuracy', targets, predicted.length);
  let hits = 0;
  for (let i = 0; i < truth.length; i++) if (predicted[i] === truth[i]) hits++;
  return hits / truth.length;
}

/**
 * Top-k error, the ImageNet metric: the fraction of examples whose true class is not among the `k`
 * highest of their `[N, C]` scores (default k = 5). Ties are broken by index order, lower class
 * first, as `argmax` and PyTorch's stable `topk` break them: a model that gives every class the
 * same score predicts classes 0..k−1 and is scored for exactly that. NaN ranks above every number
 * (as in PyTorch's `topk`).
 *
 * @example
 * ```ts
 * const scores = tensor([[0.1, 0.5, 0.4], [0.7, 0.2, 0.1]]);
 * topKError(scores, tensor([2, 2], { dtype: 'int32' }), 2); // 0.5: class 2 is 2nd of row 0, 3rd of row 1
 * ```
 */
export function topKError(outputs: Tensor, targets: Tensor, k = 5): number {
  if (outputs.ndim !== 2) {
    throw new ShapeError(`topKError: outputs must be [N, C] scores, got ${fmtShape(outputs.shape)}`);
  }
  const [n, c] = outputs.shape as [number, number];
  if (!Number.isInteger(k) || k < 1 || k > c) {
    throw new ValueError(`topKError: k must be an integer in 1..${c} (the number of classes), got ${k}`);
  }
  const truth = targetClasses('topKError', targets, n);
  const scores = outputs.data();
  let misses = 0;
  for (let i = 0; i < n; i++) {
    const t = truth[i]!;
    if (t < 0 || t >= c) throw new IndexError(`topKError: target ${t} is out of range for ${c} classes`);
    const own = scores[i * c + t]!;
    let ahead = 0;
    for (let j = 0; j < c; j++) if (ranksAhead(scores[i * c + j]!, j, own, t)) ahead++;
    if (ahead >= k) misses++;
  }
  return misses / n;
}

// Whether class j (score a) ranks ahead of class t (score b): a higher score, NaN above numbers,
// and among equal scores the lower index.
function ranksAhead(a: number, j: number, b: number, t: number): boolean {
  if (Number.isNaN(a)) return !Number.isNaN(b) || j < t;
  if (Number.isNaN(b)) return false;
  return a > b || (a === b && j < t);
}

/**
 * The `[C, C]` int32 confusion matrix: entry (i, j) counts examples of true class i predicted as
 * class j, so the diagonal holds the hits. `outputs` are scores or predictions (see `predictions`;
 * tied top scores predict the lowest of the tied classes);
 * `numClasses` defaults to C of `[N, C]` outputs, else to the largest class seen plus one.
 *
 * @example
 * ```ts
 * const predicted = tensor([0, 1, 1, 2], { dtype: 'int32' });
 * confusionMatrix(predicted, tensor([0, 1, 2, 2], { dtype: 'int32' }), 3).toArray();
 * // [[1, 0, 0], [0, 1, 0], [0, 1, 1]]
 * ```
 */
export function confusionMatrix(outputs: Tensor, targets: Tensor, numClasses?: number): Tensor {
  const predicted = predictions(outputs).data();
  const truth = targetClasses('confusionMatrix', targets, predicted.length);
  const c =
    numClasses ??
    (outputs.ndim === 2 && outputs.shape[1]! >= 2 ? outputs.shape[1]! : largest(predicted, truth) + 1);
  if (!Number.isInteger(c) || c < 1)
    throw new ValueError(`confusionMatrix: numClasses must be a positive integer, got ${c}`);
  const counts = new Int32Array(c * c);
  for (let i = 0; i < truth.length; i++) {
    const t = truth[i]!;
    const p = predicted[i]!;
    if (t < 0 || t >= c || p < 0 || p >= c) {
      throw new IndexError(
        `confusionMatrix: class ${t < 0 || t >= c ? t : p} is out of range for ${c} classes`,
      );
    }
    counts[t * c + p]!++;
  }
  return new Tensor(counts, [c, c]);
}

function largest(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, a[i]!, b[i]!);
  return m;
}
