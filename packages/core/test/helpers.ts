import { type NestedArray, Tensor, tensor } from '@backprop/core';
import { assert, expect } from 'vitest';

/** Absolute and relative tolerance: `|a - e| <= atol + rtol * |e|`. */
export interface Tolerance {
  atol?: number;
  rtol?: number;
}

/** Tolerances for float64 forward and backward values against PyTorch's float64 results. */
export const F64: Required<Tolerance> = { atol: 1e-10, rtol: 1e-8 };

type Comparable = Tensor | NestedArray | readonly number[] | ArrayLike<number>;

function flat(v: Comparable): number[] {
  if (v instanceof Tensor) return Array.from(v.data());
  if (typeof v === 'number') return [v];
  if (Array.isArray(v)) return (v as NestedArray[]).flatMap((e) => flat(e));
  return Array.from(v as ArrayLike<number>);
}

// Equal NaNs and equal infinities count as close, as numpy's allclose(equal_nan=True).
function close(a: number, e: number, atol: number, rtol: number): boolean {
  if (Number.isNaN(a) || Number.isNaN(e)) return Number.isNaN(a) && Number.isNaN(e);
  if (!Number.isFinite(a) || !Number.isFinite(e)) return a === e;
  return Math.abs(a - e) <= atol + rtol * Math.abs(e);
}

function where(i: number, shape: readonly number[] | null): string {
  if (!shape || shape.length === 0) return `flat index ${i}`;
  const idx: number[] = [];
  for (let d = shape.length - 1; d >= 0; d--) {
    idx.unshift(i % shape[d]!);
    i = Math.floor(i / shape[d]!);
  }
  return `index [${idx.join(',')}]`;
}

/**
 * Asserts `actual` and `expected` hold the same number of elements and that each pair is within
 * `atol + rtol * |expected|`. When both are tensors their shapes must match too. The failure message
 * gives the worst element: its position, both values and the absolute difference.
 *
 * @example
 * ```ts
 * expectClose(tensor([1, 2]).mul(2), [2, 4]);
 * ```
 */
export function expectClose(actual: Comparable, expected: Comparable, tol: Tolerance = {}): void {
  const { atol = 1e-6, rtol = 1e-5 } = tol;
  const shape = actual instanceof Tensor ? actual.shape : null;
  if (actual instanceof Tensor && expected instanceof Tensor) {
    expect(actual.shape, 'expectClose: shapes differ').toEqual(expected.shape);
  }
  const a = flat(actual);
  const e = flat(expected);
  if (a.length !== e.length) assert.fail(`expectClose: ${a.length} actual elements vs ${e.length} expected`);
  let worst = -1;
  let worstDiff = -1;
  let bad = 0;
  for (let i = 0; i < a.length; i++) {
    if (close(a[i]!, e[i]!, atol, rtol)) continue;
    bad++;
    const diff = Number.isNaN(a[i]! - e[i]!) ? Number.POSITIVE_INFINITY : Math.abs(a[i]! - e[i]!);
    if (diff > worstDiff) [worst, worstDiff] = [i, diff];
  }
  if (bad > 0) {
    assert.fail(
      `expectClose: ${bad} of ${a.length} elements differ; max abs diff ${worstDiff} at ${where(worst, shape)} ` +
        `(actual ${a[worst]}, expected ${e[worst]}, atol ${atol}, rtol ${rtol})`,
    );
  }
}

/**
 * The gradient of every input after `f(...inputs).backward(upstream)`, on fresh float64 leaves.
 *
 * @example
 * ```ts
 * const [dx] = gradsOf((x) => x.relu(), [[-1, 0, 2]]); // [0, 0, 1]
 * ```
 */
export function gradsOf(
  f: (...xs: Tensor[]) => Tensor,
  inputs: NestedArray[],
  upstream?: NestedArray,
): (Tensor | null)[] {
  const xs = inputs.map((v) => tensorF64(v).requiresGrad_());
  const out = f(...xs);
  out.backward(upstream === undefined ? undefined : tensorF64(upstream));
  return xs.map((x) => x.grad);
}

/**
 * A float64 tensor from nested arrays (test shorthand).
 *
 * @example
 * ```ts
 * const x = tensorF64([[1, 2], [3, 4]]);
 * ```
 */
export function tensorF64(v: NestedArray): Tensor {
  return tensor(v, { dtype: 'float64' });
}

/** The error a call throws, so that a test can assert on its class and its message parts. */
export function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected a throw');
}

/** An error class as `expectRejected` takes it. */
export type ErrorClass = abstract new (...args: never[]) => Error;

/** Leaves with a .grad from an earlier backward, so that a failed call has something to corrupt. */
export function withGrads(...ts: Tensor[]): Tensor[] {
  for (const t of ts) t.requiresGrad_();
  ts.reduce((acc: Tensor, t) => acc.add(t.square().sum()), tensor(0)).backward();
  return ts;
}

/**
 * Runs `fn`, asserts it throws exactly `errorClass` (not a subclass) with every one of `parts` in its
 * message, and that the `watched` tensors kept their values, version, .grad object and its values,
 * gradFn and requiresGrad: a rejected call changes nothing.
 */
export function expectRejected(
  fn: () => unknown,
  errorClass: ErrorClass,
  parts: readonly string[],
  watched: readonly Tensor[] = [],
): void {
  const snapshot = (t: Tensor) => ({
    data: Array.from(t.data()),
    version: t._version,
    grad: t.grad,
    gradData: t.grad ? Array.from(t.grad.data()) : null,
    gradFn: t.gradFn,
    requiresGrad: t.requiresGrad,
  });
  const before = watched.map(snapshot);
  let caught: unknown = null;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  expect(caught, `expected ${errorClass.name} with ${parts.join(' | ')}`).toBeInstanceOf(errorClass);
  expect((caught as Error).constructor).toBe(errorClass);
  for (const part of parts) expect((caught as Error).message).toContain(part);
  watched.forEach((t, i) => {
    const b = before[i]!;
    const now = snapshot(t);
    expect(now.data).toEqual(b.data);
    expect(now.version).toBe(b.version);
    expect(now.grad).toBe(b.grad);
    expect(now.gradData).toEqual(b.gradData);
    expect(now.gradFn).toBe(b.gradFn);
    expect(now.requiresGrad).toBe(b.requiresGrad);
  });
}
