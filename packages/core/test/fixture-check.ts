// PyTorch reference cases (fixtures/generate_core.py) read back and checked in any float dtype, on
// whichever backend is active: inputs from data or from the generator's formula, taken through the
// case's view steps, and outputs and gradients compared in full or through the generator's summary.
import { readFileSync } from 'node:fs';
import { type DType, gradcheck, Tensor } from '@backprop/core';
import { assert, expect } from 'vitest';
import { expectClose, F64, type Tolerance } from './helpers.js';

/** Tolerances for float32 results against PyTorch's float64 ones (the sums near 0 need the atol). */
export const F32: Required<Tolerance> = { atol: 1e-5, rtol: 1e-4 };

/** The generator's formula: `x[i] = ((i * a + c) mod p + offset) * scale` for flat index i. */
export interface Formula {
  a: number;
  c: number;
  p: number;
  offset: number;
  scale: number;
}

/** A big tensor in brief: sums over each row (last dim) and each column, samples and full rows. */
export interface Summary {
  rowSums: number[];
  rowAbsSums: number[];
  colSums: number[];
  colAbsSums: number[];
  /** `[flat index, value]` pairs. */
  samples: [number, number][];
  /** `[row index, values]` pairs. */
  rows: [number, number[]][];
}

/** A tensor as the fixture generator writes it: float64 or int64 (indices), as data, formula or summary. */
export interface FixtureTensor {
  shape: number[];
  dtype: 'float64' | 'int64' | 'bool';
  /** JSON has no NaN or infinities: the generator writes them as `'nan'`, `'inf'`, `'-inf'`. */
  data?: (number | 'nan' | 'inf' | '-inf')[];
  gen?: Formula;
  summary?: Summary;
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
  dims?: number | number[];
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
  step?: number;
  length?: number;
  size?: number | number[];
  piece?: number;
  chunks?: number;
  shifts?: number | number[];
  reps?: number[];
  k?: number;
  descending?: boolean;
  largest?: boolean;
  approximate?: 'none' | 'tanh';
  minVal?: number;
  maxVal?: number;
  equation?: string;
}

/** One step from a stored input to the view the op is given (each a view in both libraries). */
export type ViewStep =
  | ['transpose', number, number]
  | ['permute', number[]]
  | ['slice', number, number, number]
  | ['expand', number[]];

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
  /** Per input, the view steps between the stored tensor (the leaf) and the op's argument. */
  views?: (ViewStep[] | null)[];
  /** At a tie or a kink: PyTorch's gradient is the reference, finite differences do not apply. */
  nondiff?: boolean;
}

/** Reads a fixture file under test/fixtures. */
export function loadFixtures(file: string): FixtureCase[] {
  const url = new URL(`./fixtures/${file}`, import.meta.url);
  return (JSON.parse(readFileSync(url, 'utf8')) as { cases: FixtureCase[] }).cases;
}

const sizeOf = (shape: readonly number[]): number => shape.reduce((n, d) => n * d, 1);

const NON_FINITE = { nan: Number.NaN, inf: Number.POSITIVE_INFINITY, '-inf': Number.NEGATIVE_INFINITY };

/** The elements of a data or formula fixture tensor, row-major. */
export function fixtureValues(t: FixtureTensor): number[] {
  if (t.data) return t.data.map((v) => (typeof v === 'number' ? v : NON_FINITE[v]));
  const g = t.gen;
  if (!g) throw new Error(`fixture tensor of shape [${t.shape}] has neither data nor a formula`);
  return Array.from({ length: sizeOf(t.shape) }, (_, i) => (((i * g.a + g.c) % g.p) + g.offset) * g.scale);
}

/**
 * A fixture tensor as a backprop tensor: int64 indices become int32, bool stays bool, floats take `dtype`.
 *
 * @example
 * ```ts
 * const x = fromFixture(c.inputs[0]!, 'float32');
 * ```
 */
export function fromFixture(t: FixtureTensor, dtype: DType = 'float64'): Tensor {
  const values = fixtureValues(t);
  const d: DType = t.dtype === 'int64' ? 'int32' : t.dtype === 'bool' ? 'bool' : dtype;
  const data =
    d === 'int32'
      ? Int32Array.from(values)
      : d === 'bool'
        ? Uint8Array.from(values)
        : d === 'float64'
          ? Float64Array.from(values)
          : Float32Array.from(values);
  return new Tensor(data, [...t.shape]);
}

function viewed(x: Tensor, steps: readonly ViewStep[] | null | undefined): Tensor {
  let v = x;
  for (const s of steps ?? []) {
    if (s[0] === 'transpose') v = v.transpose(s[1], s[2]);
    else if (s[0] === 'permute') v = v.permute(s[1]);
    else if (s[0] === 'slice') v = v.slice(s[1], s[2], s[3]);
    else v = v.expand(s[1]);
  }
  return v;
}

/** An op under test: the case's tensors in order, then its extra arguments. */
export type OpFn = (xs: Tensor[], args: FixtureArgs) => Tensor;

/** Options of `checkOp`. */
export interface CheckOpOptions extends Tolerance {
  /** Float dtype of the inputs, outputs and gradients (default float64). */
  dtype?: DType;
  /** Also run a float64 `gradcheck` of the call (default true when the case has gradients). */
  gradcheck?: boolean;
}

function leaves(c: FixtureCase, dtype: DType): Tensor[] {
  return c.inputs.map((t, i) => {
    const x = fromFixture(t, dtype);
    return c.requires_grad[i] ? x.requiresGrad_() : x;
  });
}

// The op on the leaves, each first taken through its view steps (so the op sees the views).
function call(c: FixtureCase, fn: OpFn, xs: Tensor[]): Tensor {
  return fn(
    xs.map((x, i) => viewed(x, c.views?.[i])),
    c.args,
  );
}

// A sum of n elements each within atol + rtol |e| is within n atol + rtol sum |e|: the summaries'
// sums are held to exactly the elementwise tolerance, summed.
function expectSums(
  what: string,
  got: number[],
  want: number[],
  abs: number[],
  n: number,
  tol: Required<Tolerance>,
) {
  expect(got.length, `${what}: count`).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    const bound = n * tol.atol + tol.rtol * abs[i]!;
    if (!(Math.abs(got[i]! - want[i]!) <= bound)) {
      assert.fail(`${what} ${i}: ${got[i]} vs PyTorch ${want[i]} (allowed ${bound})`);
    }
  }
}

function expectSummary(actual: Tensor, s: Summary, tol: Required<Tolerance>, what: string): void {
  const v = actual.data();
  const cols = actual.ndim === 0 ? 1 : actual.shape[actual.ndim - 1]!;
  const rows = cols === 0 ? 0 : v.length / cols;
  const rowSums = new Array<number>(rows).fill(0);
  const colSums = new Array<number>(cols).fill(0);
  for (let r = 0; r < rows; r++) {
    for (let j = 0; j < cols; j++) {
      rowSums[r]! += v[r * cols + j]!;
      colSums[j]! += v[r * cols + j]!;
    }
  }
  expectSums(`${what}: sum of row`, rowSums, s.rowSums, s.rowAbsSums, cols, tol);
  expectSums(`${what}: sum of column`, colSums, s.colSums, s.colAbsSums, rows, tol);
  expectClose(
    s.samples.map(([i]) => v[i]!),
    s.samples.map(([, e]) => e),
    tol,
  );
  for (const [r, values] of s.rows)
    expectClose(Array.from(v.subarray(r * cols, (r + 1) * cols)), values, tol);
}

function expectMatches(
  actual: Tensor,
  expected: FixtureTensor,
  tol: Required<Tolerance>,
  what: string,
): void {
  expect(actual.shape, `${what}: shape`).toEqual(expected.shape);
  if (expected.summary) expectSummary(actual, expected.summary, tol, what);
  else expectClose(actual, fixtureValues(expected), tol);
}

function checkForward(c: FixtureCase, fn: OpFn, dtype: DType, tol: Required<Tolerance>): Tensor {
  const out = call(c, fn, leaves(c, dtype));
  if (c.output.dtype === 'int64') expect(out.dtype, `${c.name}: index dtype`).toBe('int32');
  else if (c.output.dtype === 'bool') expect(out.dtype, `${c.name}: mask dtype`).toBe('bool');
  else if (c.inputs.some((t) => t.dtype === 'float64')) expect(out.dtype, `${c.name}: dtype`).toBe(dtype);
  expectMatches(out, c.output, tol, `${c.name}: output`);
  return out;
}

function checkBackward(c: FixtureCase, fn: OpFn, dtype: DType, tol: Required<Tolerance>): void {
  if (!c.upstream) return;
  const xs = leaves(c, dtype);
  call(c, fn, xs).backward(fromFixture(c.upstream, dtype));
  xs.forEach((x, i) => {
    const g = c.grads[i];
    if (!g) {
      expect(x.grad, `${c.name}: input ${i} needs no grad`).toBeNull();
      return;
    }
    expect(x.grad, `${c.name}: grad of input ${i}`).not.toBeNull();
    expect(x.grad!.dtype, `${c.name}: grad dtype of input ${i}`).toBe(dtype);
    expectMatches(x.grad!, g, tol, `${c.name}: grad of input ${i}`);
  });
}

// gradcheck perturbs every input it is given, so indices and masks are closed over instead.
function checkGradient(c: FixtureCase, fn: OpFn): void {
  const fixed = leaves(c, 'float64').map((x) => x.detach());
  const which = c.requires_grad.flatMap((rg, i) => (rg ? [i] : []));
  const f = (...diff: Tensor[]) => {
    const xs = [...fixed];
    which.forEach((i, k) => {
      xs[i] = diff[k]!;
    });
    return call(c, fn, xs);
  };
  expect(
    gradcheck(
      f,
      which.map((i) => fixed[i]!),
    ),
  ).toBe(true);
}

/** Whether a case's tensors are formulas or summaries: too big for a finite-difference gradcheck. */
export const isBig = (c: FixtureCase): boolean => c.output.summary !== undefined;

/**
 * Checks one op against a PyTorch fixture case in `dtype` on the active backend: the forward against
 * `output`, the gradients of `out.backward(upstream)` on fresh leaves against `grads`, and (unless
 * turned off, or the case is at a tie or big) a float64 `gradcheck` of the same call. Returns the
 * forward output.
 *
 * @example
 * ```ts
 * checkOp(c, (xs) => xs[0]!.exp(), { dtype: 'float32', ...F32 });
 * ```
 */
export function checkOp(c: FixtureCase, fn: OpFn, options: CheckOpOptions = {}): Tensor {
  const dtype = options.dtype ?? 'float64';
  const tol = { atol: options.atol ?? F64.atol, rtol: options.rtol ?? F64.rtol };
  const out = checkForward(c, fn, dtype, tol);
  checkBackward(c, fn, dtype, tol);
  if ((options.gradcheck ?? true) && c.upstream && !c.nondiff && !isBig(c)) checkGradient(c, fn);
  return out;
}

// A host copy of a tensor on any device, to compare with the fixture.
async function onHost(t: Tensor): Promise<Tensor> {
  return new Tensor(await t.dataAsync(), [...t.shape]);
}

function webgpuLeaves(c: FixtureCase): Tensor[] {
  return c.inputs.map((t, i) => {
    const x = fromFixture(t, 'float32').to('webgpu');
    return c.requires_grad[i] ? x.requiresGrad_() : x;
  });
}

/**
 * `checkOp` in float32 on the webgpu device: leaves moved there before they require grad, the
 * output and the gradients read back with `dataAsync` and compared with PyTorch's.
 *
 * @example
 * ```ts
 * await checkOpOnWebGPU(c, (xs) => xs[0]!.exp(), F32);
 * ```
 */
export async function checkOpOnWebGPU(c: FixtureCase, fn: OpFn, tol: Required<Tolerance>): Promise<void> {
  const out = call(c, fn, webgpuLeaves(c));
  expect(out.device, `${c.name}: output device`).toBe('webgpu');
  if (c.output.dtype === 'int64') expect(out.dtype, `${c.name}: index dtype`).toBe('int32');
  if (c.output.dtype === 'bool') expect(out.dtype, `${c.name}: mask dtype`).toBe('bool');
  expectMatches(await onHost(out), c.output, tol, `${c.name}: output`);
  if (!c.upstream) return;
  const xs = webgpuLeaves(c);
  call(c, fn, xs).backward(fromFixture(c.upstream, 'float32').to('webgpu'));
  for (const [i, x] of xs.entries()) {
    const g = c.grads[i];
    if (!g) {
      expect(x.grad, `${c.name}: input ${i} needs no grad`).toBeNull();
      continue;
    }
    expect(x.grad?.device, `${c.name}: grad device of input ${i}`).toBe('webgpu');
    expectMatches(await onHost(x.grad!), g, tol, `${c.name}: grad of input ${i}`);
  }
}
