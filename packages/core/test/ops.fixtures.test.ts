import {
  abs,
  add,
  argmax,
  argmin,
  avgPool2d,
  type Backend,
  cat,
  clamp,
  conv2d,
  cos,
  cpuBackend,
  div,
  elu,
  eq,
  exp,
  expand,
  flatten,
  gather,
  ge,
  getBackend,
  gt,
  indexSelect,
  le,
  leakyRelu,
  log,
  logSoftmax,
  logsumexp,
  lt,
  matmul,
  max,
  maximum,
  maxPool2d,
  mean,
  min,
  minimum,
  mul,
  ne,
  neg,
  norm,
  oneHot,
  pad,
  permute,
  pow,
  reciprocal,
  relu,
  reshape,
  setBackend,
  sigmoid,
  sin,
  slice,
  softmax,
  softplus,
  sqrt,
  square,
  squeeze,
  stack,
  std,
  step,
  sub,
  sum,
  type Tensor,
  t,
  tanh,
  transpose,
  unsqueeze,
  var as variance,
  wasmBackend,
  where,
} from '@backprop/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { awaitThreads } from '../src/backend/threads/pool.js';
import { wasmAvailable } from '../src/backend/wasm/runtime.js';
import {
  checkOp,
  F32,
  type FixtureArgs,
  type FixtureCase,
  isBig,
  loadFixtures,
  type OpFn,
} from './fixture-check.js';
import { F64, type Tolerance } from './helpers.js';

const cases = loadFixtures('core-ops.json');

// Ops without a Tensor method: they take several tensors on an equal footing, or NCHW options.
type FunctionOnly = 'where' | 'cat' | 'stack' | 'conv2d' | 'maxPool2d' | 'avgPool2d';

const x0 = (xs: Tensor[]) => xs[0]!;
const x1 = (xs: Tensor[]) => xs[1]!;
// PyTorch's `unbiased=False` is correction 0; the default is Bessel's correction.
const correction = (a: FixtureArgs) => ({ correction: a.unbiased === false ? 0 : 1 });

/** Every fixture op as the exported function; the first test checks it against the fixture's op list. */
const FUNCTIONS = {
  add: (xs) => add(x0(xs), x1(xs)),
  sub: (xs) => sub(x0(xs), x1(xs)),
  mul: (xs) => mul(x0(xs), x1(xs)),
  div: (xs) => div(x0(xs), x1(xs)),
  pow: (xs) => pow(x0(xs), x1(xs)),
  maximum: (xs) => maximum(x0(xs), x1(xs)),
  minimum: (xs) => minimum(x0(xs), x1(xs)),
  neg: (xs) => neg(x0(xs)),
  exp: (xs) => exp(x0(xs)),
  log: (xs) => log(x0(xs)),
  sqrt: (xs) => sqrt(x0(xs)),
  abs: (xs) => abs(x0(xs)),
  sin: (xs) => sin(x0(xs)),
  cos: (xs) => cos(x0(xs)),
  square: (xs) => square(x0(xs)),
  reciprocal: (xs) => reciprocal(x0(xs)),
  relu: (xs) => relu(x0(xs)),
  sigmoid: (xs) => sigmoid(x0(xs)),
  tanh: (xs) => tanh(x0(xs)),
  softplus: (xs) => softplus(x0(xs)),
  step: (xs) => step(x0(xs)),
  leakyRelu: (xs, a) => leakyRelu(x0(xs), a.slope),
  elu: (xs, a) => elu(x0(xs), a.alpha),
  clamp: (xs, a) => clamp(x0(xs), a.min, a.max),
  where: (xs) => where(x0(xs), x1(xs), xs[2]!),
  eq: (xs) => eq(x0(xs), x1(xs)),
  ne: (xs) => ne(x0(xs), x1(xs)),
  lt: (xs) => lt(x0(xs), x1(xs)),
  le: (xs) => le(x0(xs), x1(xs)),
  gt: (xs) => gt(x0(xs), x1(xs)),
  ge: (xs) => ge(x0(xs), x1(xs)),
  softmax: (xs, a) => softmax(x0(xs), a.dim as number),
  logSoftmax: (xs, a) => logSoftmax(x0(xs), a.dim as number),
  logsumexp: (xs, a) => logsumexp(x0(xs), a.dim, a.keepDim),
  sum: (xs, a) => sum(x0(xs), a.dim, a.keepDim),
  mean: (xs, a) => mean(x0(xs), a.dim, a.keepDim),
  max: (xs, a) => max(x0(xs), a.dim, a.keepDim),
  min: (xs, a) => min(x0(xs), a.dim, a.keepDim),
  argmax: (xs, a) => argmax(x0(xs), a.dim as number | undefined, a.keepDim),
  argmin: (xs, a) => argmin(x0(xs), a.dim as number | undefined, a.keepDim),
  var: (xs, a) => variance(x0(xs), a.dim, a.keepDim, correction(a)),
  std: (xs, a) => std(x0(xs), a.dim, a.keepDim, correction(a)),
  norm: (xs, a) => norm(x0(xs), a.dim, a.keepDim),
  matmul: (xs) => matmul(x0(xs), x1(xs)),
  t: (xs) => t(x0(xs)),
  reshape: (xs, a) => reshape(x0(xs), a.shape!),
  flatten: (xs, a) => flatten(x0(xs), a.startDim),
  squeeze: (xs, a) => squeeze(x0(xs), a.dim as number | undefined),
  unsqueeze: (xs, a) => unsqueeze(x0(xs), a.dim as number),
  transpose: (xs, a) => transpose(x0(xs), a.dim0!, a.dim1!),
  permute: (xs, a) => permute(x0(xs), a.dims!),
  expand: (xs, a) => expand(x0(xs), a.shape!),
  slice: (xs, a) => slice(x0(xs), a.dim as number, a.start, a.end),
  cat: (xs, a) => cat(xs, a.dim as number),
  stack: (xs, a) => stack(xs, a.dim as number),
  pad: (xs, a) => pad(x0(xs), a.pad!, a.value),
  gather: (xs, a) => gather(x0(xs), a.dim as number, x1(xs)),
  indexSelect: (xs, a) => indexSelect(x0(xs), a.dim as number, x1(xs)),
  oneHot: (xs, a) => oneHot(x0(xs), a.n!),
  conv2d: (xs, a) =>
    conv2d(x0(xs), x1(xs), xs[2], {
      stride: a.stride,
      padding: a.padding,
      dilation: a.dilation,
      groups: a.groups,
    }),
  maxPool2d: (xs, a) => maxPool2d(x0(xs), a.kernelSize!, { stride: a.stride, padding: a.padding }),
  avgPool2d: (xs, a) => avgPool2d(x0(xs), a.kernelSize!, { stride: a.stride, padding: a.padding }),
} satisfies Record<string, OpFn>;

type OpKey = keyof typeof FUNCTIONS;

/** The same ops through their Tensor methods; a missing one is a compile error. */
const METHODS: Record<Exclude<OpKey, FunctionOnly>, OpFn> = {
  add: (xs) => x0(xs).add(x1(xs)),
  sub: (xs) => x0(xs).sub(x1(xs)),
  mul: (xs) => x0(xs).mul(x1(xs)),
  div: (xs) => x0(xs).div(x1(xs)),
  pow: (xs) => x0(xs).pow(x1(xs)),
  maximum: (xs) => x0(xs).maximum(x1(xs)),
  minimum: (xs) => x0(xs).minimum(x1(xs)),
  neg: (xs) => x0(xs).neg(),
  exp: (xs) => x0(xs).exp(),
  log: (xs) => x0(xs).log(),
  sqrt: (xs) => x0(xs).sqrt(),
  abs: (xs) => x0(xs).abs(),
  sin: (xs) => x0(xs).sin(),
  cos: (xs) => x0(xs).cos(),
  square: (xs) => x0(xs).square(),
  reciprocal: (xs) => x0(xs).reciprocal(),
  relu: (xs) => x0(xs).relu(),
  sigmoid: (xs) => x0(xs).sigmoid(),
  tanh: (xs) => x0(xs).tanh(),
  softplus: (xs) => x0(xs).softplus(),
  step: (xs) => x0(xs).step(),
  leakyRelu: (xs, a) => x0(xs).leakyRelu(a.slope),
  elu: (xs, a) => x0(xs).elu(a.alpha),
  clamp: (xs, a) => x0(xs).clamp(a.min, a.max),
  eq: (xs) => x0(xs).eq(x1(xs)),
  ne: (xs) => x0(xs).ne(x1(xs)),
  lt: (xs) => x0(xs).lt(x1(xs)),
  le: (xs) => x0(xs).le(x1(xs)),
  gt: (xs) => x0(xs).gt(x1(xs)),
  ge: (xs) => x0(xs).ge(x1(xs)),
  softmax: (xs, a) => x0(xs).softmax(a.dim as number),
  logSoftmax: (xs, a) => x0(xs).logSoftmax(a.dim as number),
  logsumexp: (xs, a) => x0(xs).logsumexp(a.dim, a.keepDim),
  sum: (xs, a) => x0(xs).sum(a.dim, a.keepDim),
  mean: (xs, a) => x0(xs).mean(a.dim, a.keepDim),
  max: (xs, a) => x0(xs).max(a.dim, a.keepDim),
  min: (xs, a) => x0(xs).min(a.dim, a.keepDim),
  argmax: (xs, a) => x0(xs).argmax(a.dim as number | undefined, a.keepDim),
  argmin: (xs, a) => x0(xs).argmin(a.dim as number | undefined, a.keepDim),
  var: (xs, a) => x0(xs).var(a.dim, a.keepDim, correction(a)),
  std: (xs, a) => x0(xs).std(a.dim, a.keepDim, correction(a)),
  norm: (xs, a) => x0(xs).norm(a.dim, a.keepDim),
  matmul: (xs) => x0(xs).matmul(x1(xs)),
  t: (xs) => x0(xs).t(),
  reshape: (xs, a) => x0(xs).reshape(a.shape!),
  flatten: (xs, a) => x0(xs).flatten(a.startDim),
  squeeze: (xs, a) => x0(xs).squeeze(a.dim as number | undefined),
  unsqueeze: (xs, a) => x0(xs).unsqueeze(a.dim as number),
  transpose: (xs, a) => x0(xs).transpose(a.dim0!, a.dim1!),
  permute: (xs, a) => x0(xs).permute(a.dims!),
  expand: (xs, a) => x0(xs).expand(a.shape!),
  slice: (xs, a) => x0(xs).slice(a.dim as number, a.start, a.end),
  pad: (xs, a) => x0(xs).pad(a.pad!, a.value),
  gather: (xs, a) => x0(xs).gather(a.dim as number, x1(xs)),
  indexSelect: (xs, a) => x0(xs).indexSelect(a.dim as number, x1(xs)),
  oneHot: (xs, a) => x0(xs).oneHot(a.n!),
};

// No gradient to check: masks, indices, and step (piecewise constant, zero gradient everywhere).
const NO_GRADCHECK = new Set(['eq', 'ne', 'lt', 'le', 'gt', 'ge', 'argmax', 'argmin', 'oneHot', 'step']);

const isOp = (op: string): op is OpKey => op in FUNCTIONS;
const hasMethod = (op: OpKey): op is Exclude<OpKey, FunctionOnly> => op in METHODS;

describe('PyTorch fixtures', () => {
  it('the table covers every fixture op, and every table entry has a fixture', () => {
    const ops = new Set(cases.map((c) => c.op));
    expect([...ops].filter((op) => !isOp(op))).toEqual([]);
    expect(Object.keys(FUNCTIONS).filter((op) => !ops.has(op))).toEqual([]);
    expect(cases.length).toBe(352);
  });
});

interface Suite {
  name: string;
  backend: Backend;
  dtype: 'float32' | 'float64';
  tol: Required<Tolerance>;
}

// float64 on the reference backend, as generated; float32 on every backend, so that the fast kernels
// (the wasm ones are float32 only) are held to PyTorch rather than only to each other.
const SUITES: Suite[] = [
  { name: 'float64 on cpu', backend: cpuBackend, dtype: 'float64', tol: F64 },
  { name: 'float32 on cpu', backend: cpuBackend, dtype: 'float32', tol: F32 },
  { name: 'float32 on wasm', backend: wasmBackend, dtype: 'float32', tol: F32 },
];

const named = (cs: FixtureCase[]) => cs.map((c) => [c.name, c] as const);

describe.each(SUITES)('PyTorch fixtures, $name', ({ backend, dtype, tol }) => {
  let previous: Backend;
  beforeAll(() => {
    previous = getBackend();
    setBackend(backend);
    // Without the kernels, or with the helper threads still starting, the wasm cases would quietly
    // run the cpu fallbacks and the one-thread product.
    if (backend === wasmBackend) {
      expect(wasmAvailable()).toBe(true);
      awaitThreads();
    }
  });
  afterAll(() => setBackend(previous));

  it.each(named(cases))('%s', (_, c) => {
    if (!isOp(c.op)) throw new Error(`no table entry for op ${c.op}`);
    // gradcheck is float64 through and through: once, in the float64 suite.
    const gradcheck = dtype === 'float64' && !NO_GRADCHECK.has(c.op);
    checkOp(c, FUNCTIONS[c.op], { dtype, ...tol, gradcheck });
  });

  // The method is a one-liner into the function: the small cases show it, the big ones add only time.
  const withMethod = cases.filter((c) => isOp(c.op) && hasMethod(c.op) && !isBig(c));
  it.each(named(dtype === 'float64' ? withMethod : []))('%s (method form)', (_, c) => {
    const op = c.op as Exclude<OpKey, FunctionOnly>;
    const byMethod = checkOp(c, METHODS[op], { dtype, ...tol, gradcheck: false });
    const byFunction = checkOp(c, FUNCTIONS[op], { dtype, ...tol, gradcheck: false });
    expect(Array.from(byMethod.data())).toEqual(Array.from(byFunction.data()));
  });
});
