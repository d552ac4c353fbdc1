import { BackpropError } from '../errors.js';
import type { Backend } from './backend.js';
import { cpuBackend } from './cpu/index.js';
import { wasmBackend } from './wasm/index.js';
import { wasmAvailable } from './wasm/runtime.js';

/** The backends `BACKPROP_BACKEND` may name. */
const NAMED = new Map<string, Backend>([
  ['cpu', cpuBackend],
  ['wasm', wasmBackend],
]);

/** True for the cpu backends core ships (`cpuBackend`, `wasmBackend`), false for a custom one. */
export function isBuiltIn(backend: Backend): boolean {
  return backend === cpuBackend || backend === wasmBackend;
}

/** `BACKPROP_BACKEND` from the environment in Node; undefined in browsers, which have no process. */
export function backendFromEnv(): string | undefined {
  const proc = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process;
  return proc?.env?.BACKPROP_BACKEND;
}

/**
 * The backend ops run on when none was set: the one `requested` names (`BACKPROP_BACKEND`), else
 * the WebAssembly backend where this runtime compiles WebAssembly SIMD, else the TypeScript one.
 * Asking for a backend that does not exist, or for wasm where it cannot run, throws rather than
 * silently testing or timing another backend than the one asked for.
 */
export function chooseBackend(requested: string | undefined): Backend {
  if (requested === undefined || requested === '') return wasmAvailable() ? wasmBackend : cpuBackend;
  const backend = NAMED.get(requested);
  if (backend === undefined) {
    throw new BackpropError(
      `BACKPROP_BACKEND=${requested} names no backend: use ${[...NAMED.keys()].join(' or ')}`,
    );
  }
  if (backend === wasmBackend && !wasmAvailable()) {
    throw new BackpropError(
      'BACKPROP_BACKEND=wasm, but this runtime cannot compile WebAssembly SIMD synchronously',
    );
  }
  return backend;
}
