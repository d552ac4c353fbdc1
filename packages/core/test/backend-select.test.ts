// How the backend is chosen: BACKPROP_BACKEND first, else wasm where WebAssembly SIMD compiles.
import { afterEach, describe, expect, it } from 'vitest';
import { chooseBackend } from '../src/backend/select.js';
import { BackpropError, cpuBackend, getBackend, randn, setBackend, wasmBackend } from '../src/index.js';

const initial = getBackend();
afterEach(() => setBackend(initial));

describe('backend selection', () => {
  it('runs this test file on the backend BACKPROP_BACKEND names, wasm by default in Node', () => {
    // The root test script runs core and nn once by default (wasm) and once with BACKPROP_BACKEND=cpu.
    expect(getBackend().name).toBe(process.env.BACKPROP_BACKEND === 'cpu' ? 'cpu' : 'wasm');
  });

  it('picks wasm where it runs, and what BACKPROP_BACKEND names', () => {
    expect(chooseBackend(undefined)).toBe(wasmBackend);
    expect(chooseBackend('')).toBe(wasmBackend);
    expect(chooseBackend('cpu')).toBe(cpuBackend);
    expect(chooseBackend('wasm')).toBe(wasmBackend);
  });

  it('rejects a BACKPROP_BACKEND that names no backend, listing the ones that exist', () => {
    for (const name of ['gpu', 'toString', 'CPU']) {
      expect(() => chooseBackend(name)).toThrow(BackpropError);
      expect(() => chooseBackend(name)).toThrow(`BACKPROP_BACKEND=${name} names no backend: use cpu or wasm`);
    }
  });

  it('lets setBackend switch both ways, and ops follow', () => {
    const [a, b] = [randn([9, 7]), randn([7, 5])];
    setBackend(cpuBackend);
    expect(getBackend()).toBe(cpuBackend);
    const onCpu = a.matmul(b).data();
    setBackend(wasmBackend);
    expect(getBackend().name).toBe('wasm');
    const onWasm = a.matmul(b).data();
    for (let i = 0; i < onCpu.length; i++) expect(onWasm[i]).toBeCloseTo(onCpu[i]!, 5);
  });

  it('runs its own elementwise, reduce, matmul (and product pairs), copy, window, conv, pooling, scatter-add, SGD and Adam kernels; the rest are the cpu ones', () => {
    const own = [
      'name',
      'unary',
      'binary',
      'reduce',
      'matmul',
      'matmulPair',
      'copy',
      'unfold',
      'fold',
      'conv2d',
      'conv2dInputGrad',
      'conv2dWeightGrad',
      'maxPool',
      'scatterAdd',
      'sgdStep',
      'adamStep',
    ];
    for (const [k, kernel] of Object.entries(wasmBackend)) {
      expect(kernel === cpuBackend[k as keyof typeof cpuBackend], k).toBe(!own.includes(k));
    }
  });
});
