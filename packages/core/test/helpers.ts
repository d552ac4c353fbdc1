import { readFileSync } from 'node:fs';
import { type DType, gradcheck, type NestedArray, Tensor, tensor } from '@backprop/core';
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

/** A tensor as the fixture generator writes it: row-major data, float64 or int64 (indices). */
export interface FixtureTensor {
  shape: number[];
  dtype: 'float64' | 'int64';
  data: number[];
}

/** The arguments an op takes besides its tensors, with the fixture's names. */
export interface FixtureArgs {
  dim?: number | number[];
  keepDim?: boolean;
  unbiased?: boolean;
  slope?: number;
  alpha?: number;
  min?: number;
  max?: number;
  shape?: number[];
  startDim?: number;
  dims?: number[];
  dim0?: number;
  dim1?: number;
  start?: number;
  end?: number | null;
  pad?: number[];
  value?: number;
  n?: number;
  stride?: number | [number, number];
  padding?: number | [number, number];
  dilation?: number | [number, number];
  groups?: number;
  kernelSize?: number | [number, number];
}

/** One PyTorch reference case (see fixtures/generate_core.py). */
export interface FixtureCase {
  name: string;
  op: string;
  args: FixtureArgs;
  inputs: FixtureTensor[];
  requires_grad: boolean[];
  output: FixtureTensor;
  upstream: FixtureTensor | null;
  grads: (FixtureTensor | null)[];
}

/** Reads a fixture file under test/fixtures. */
export function loadFixtures(file: string): FixtureCase[] {
  const url = new URL(`./fixtures/${file}`, import.meta.url);
  return (JSON.parse(readFileSync(url, 'utf8')) as { cases: FixtureCase[] }).cases;
}

/**
 * A fixture tensor as a backprop tensor: int64 indices become int32, floats take `dtype`.
 *
 * @example
 * ```ts
 * const x = fromFixture(c.inputs[0]!, 'float64');
 * ```
 */
export function fromFixture(t: FixtureTensor, dtype: DType = 'float64'): Tensor {
  const d: DType = t.dtype === 'int64' ? 'int32' : dtype;
  return new Tensor(
    d === 'int32'
      ? Int32Array.from(t.data)
      : d === 'float64'
        ? Float64Array.from(t.data)
        : Float32Array.from(t.data),
    [...t.shape],
  );
}

/** An op under test: the case's tensors in order, then its extra arguments. */
export type OpFn = (xs: Tensor[], args: FixtureArgs) => Tensor;

/** Options of `checkOp`. */
export interface CheckOpOptions extends Tolerance {
  /** Also run a float64 `gradcheck` of the call (default true when the case has gradients). */
  gradcheck?: boolean;
}

function leaves(c: FixtureCase): Tensor[] {
  return c.inputs.map((t, i) => {
    const x = fromFixture(t, 'float64');
    return c.requires_grad[i] ? x.requiresGrad_() : x;
  });
}

function checkForward(c: FixtureCase, fn: OpFn, tol: Tolerance): Tensor {
  const xs = leaves(c);
  const out = fn(xs, c.args);
  expect(out.shape, `${c.name}: output shape`).toEqual(c.output.shape);
  if (c.output.dtype === 'int64') expect(out.dtype, `${c.name}: index dtype`).toBe('int32');
  else if (xs.some((x) => x.dtype === 'float64')) expect(out.dtype, `${c.name}: dtype`).toBe('float64');
  expectClose(out, c.output.data, tol);
  return out;
}

function checkBackward(c: FixtureCase, fn: OpFn, tol: Tolerance): void {
  if (!c.upstream) return;
  const xs = leaves(c);
  fn(xs, c.args).backward(fromFixture(c.upstream));
  xs.forEach((x, i) => {
    const g = c.grads[i];
    if (!g) {
      expect(x.grad, `${c.name}: input ${i} needs no grad`).toBeNull();
      return;
    }
    expect(x.grad, `${c.name}: grad of input ${i}`).not.toBeNull();
    expect(x.grad!.shape, `${c.name}: grad shape of input ${i}`).toEqual(g.shape);
    expectClose(x.grad!, g.data, tol);
  });
}

// gradcheck perturbs every input it is given, so indices and masks are closed over instead.
function checkGradient(c: FixtureCase, fn: OpFn): void {
  const fixed = leaves(c).map((x) => x.detach());
  const which = c.requires_grad.flatMap((rg, i) => (rg ? [i] : []));
  const f = (...diff: Tensor[]) => {
    const xs = [...fixed];
    which.forEach((i, k) => {
      xs[i] = diff[k]!;
    });
    return fn(xs, c.args);
  };
  expect(
    gradcheck(
      f,
      which.map((i) => fixed[i]!),
    ),
  ).toBe(true);
}

/**
 * Checks one op against a PyTorch fixture case: the float64 forward against `output`, the gradients of
 * `out.backward(upstream)` on fresh leaves against `grads`, and (unless turned off) a float64
 * `gradcheck` of the same call. Returns the forward output.
 *
 * @example
 * ```ts
 * checkOp(c, (xs) => xs[0]!.exp());
 * ```
 */
export function checkOp(c: FixtureCase, fn: OpFn, options: CheckOpOptions = {}): Tensor {
  const tol = { atol: options.atol ?? F64.atol, rtol: options.rtol ?? F64.rtol };
  const out = checkForward(c, fn, tol);
  checkBackward(c, fn, tol);
  if ((options.gradcheck ?? true) && c.upstream) checkGradient(c, fn);
  return out;
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
