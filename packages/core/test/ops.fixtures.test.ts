import { type Backend, cpuBackend, getBackend, setBackend, wasmBackend } from '@backprop/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { awaitThreads } from '../src/backend/threads/pool.js';
import { wasmAvailable } from '../src/backend/wasm/runtime.js';
import { checkOp, F32, type FixtureCase, isBig, loadFixtures } from './fixture-check.js';
import {
  FUNCTIONS,
  type FunctionOnly,
  hasMethod,
  isOp,
  METHODS,
  NO_GRADCHECK,
  type OpKey,
} from './fixture-ops.js';
import { F64, type Tolerance } from './helpers.js';

const cases = loadFixtures('core-ops.json');

describe('PyTorch fixtures', () => {
  it('the table covers every fixture op, and every table entry has a fixture', () => {
    const ops = new Set(cases.map((c) => c.op));
    expect([...ops].filter((op) => !isOp(op))).toEqual([]);
    expect(Object.keys(FUNCTIONS).filter((op) => !ops.has(op))).toEqual([]);
    expect(cases.length).toBe(434);
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
