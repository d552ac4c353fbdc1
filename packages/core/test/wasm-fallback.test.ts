// Where the runtime cannot run the WebAssembly kernels (no WebAssembly, no SIMD, or synchronous
// compilation refused, as on a browser's main thread for large modules), the default backend is the
// cpu one, BACKPROP_BACKEND=wasm says why it cannot be had, and wasmBackend itself still computes,
// through the cpu kernels. Each case loads the backend modules afresh, since compiling is tried once.
import { afterEach, describe, expect, it, vi } from 'vitest';

afterEach(() => {
  vi.unstubAllGlobals();
  vi.resetModules();
});

async function freshBackends() {
  vi.resetModules();
  const { chooseBackend } = await import('../src/backend/select.js');
  const { wasmBackend } = await import('../src/backend/wasm/index.js');
  const { cpuBackend } = await import('../src/backend/cpu/index.js');
  return { chooseBackend, wasmBackend, cpuBackend };
}

const refuse = () => {
  throw new RangeError(
    'WebAssembly.Compile is disallowed on the main thread, if the buffer size is larger than 4KB',
  );
};

const RUNTIMES: [string, () => void][] = [
  ['without WebAssembly', () => vi.stubGlobal('WebAssembly', undefined)],
  ['without SIMD', () => vi.stubGlobal('WebAssembly', { ...WebAssembly, validate: () => false })],
  ['refusing synchronous compiles', () => vi.stubGlobal('WebAssembly', { ...WebAssembly, Module: refuse })],
];

describe('wasm backend fallback', () => {
  for (const [name, stub] of RUNTIMES) {
    it(`falls back to the cpu kernels ${name}`, async () => {
      stub();
      const { chooseBackend, wasmBackend, cpuBackend } = await freshBackends();
      expect(chooseBackend(undefined)).toBe(cpuBackend);
      expect(() => chooseBackend('wasm')).toThrow('BACKPROP_BACKEND=wasm, but this runtime cannot compile');
      const a = {
        storage: Float32Array.from({ length: 600 }, (_, i) => i % 7),
        shape: [20, 30],
        strides: [30, 1],
        offset: 0,
      };
      const b = { ...a, shape: [30, 20], strides: [1, 30] };
      expect(wasmBackend.matmul(a, b, 'float32')).toEqual(cpuBackend.matmul(a, b, 'float32'));
      expect(wasmBackend.binary('mul', a, a, [20, 30], 'float32')).toEqual(
        cpuBackend.binary('mul', a, a, [20, 30], 'float32'),
      );
    });
  }
});
