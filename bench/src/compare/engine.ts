// The engines the comparison knows, and the shape each engine module exports. Engine modules are
// imported lazily, one per worker process, so no engine's code is loaded in another's process.
import type { Workload } from './spec.js';
import type { TimingPlan, WorkloadResult } from './timing.js';

/** Engine names, in table order: backprop first, then the peers it is divided by. */
export const ENGINES = [
  'backprop',
  'backprop-1t',
  'backprop-webgpu',
  'pytorch-1t',
  'pytorch-2t',
  'tfjs-wasm',
  'tfjs-cpu',
  'tfjs-webgpu',
  'jax-js',
  'jax-js-webgpu',
  'micrograd',
] as const;
export type EngineName = (typeof ENGINES)[number];

/** The engines that need Debian's PyTorch (`/usr/bin/python3` importing torch); skipped where it is absent. */
export const TORCH_ENGINES: readonly EngineName[] = ['pytorch-1t', 'pytorch-2t'];

/**
 * Environment an engine's worker process starts with, on top of the parent's: backprop's thread
 * pool reads BACKPROP_THREADS once, when it starts, so it is set before the process exists.
 */
export const ENGINE_ENV: Partial<Record<EngineName, Record<string, string>>> = {
  'backprop-1t': { BACKPROP_THREADS: '1' },
};

/** Runs one workload under a timing plan and reports what it measured. */
export type WorkloadRunner = (plan: TimingPlan) => Promise<WorkloadResult>;

/** What an engine module's `engine` export provides. */
export interface Engine {
  /** Starts the engine (selects a backend, loads WebAssembly) and says how it runs. */
  init(): Promise<string>;
  /** The workloads this engine runs; a missing one shows as "n/a" in the table. */
  readonly workloads: Partial<Record<Workload, WorkloadRunner>>;
}

/**
 * Loads an engine module by name.
 *
 * @example
 * ```ts
 * const engine = await loadEngine('tfjs-wasm');
 * console.log(await engine.init());
 * ```
 */
export async function loadEngine(name: EngineName): Promise<Engine> {
  switch (name) {
    case 'backprop':
      return (await import('./engines/backprop.js')).engine;
    case 'backprop-1t':
      return (await import('./engines/backprop.js')).oneThreadEngine;
    case 'backprop-webgpu':
      return (await import('./engines/backprop.js')).webgpuEngine;
    case 'pytorch-1t':
      return (await import('./engines/pytorch.js')).torchEngine(1);
    case 'pytorch-2t':
      return (await import('./engines/pytorch.js')).torchEngine(2);
    case 'tfjs-wasm':
      return (await import('./engines/tfjs.js')).tfjsEngine('wasm');
    case 'tfjs-cpu':
      return (await import('./engines/tfjs.js')).tfjsEngine('cpu');
    case 'tfjs-webgpu':
      return (await import('./engines/tfjs.js')).tfjsEngine('webgpu');
    case 'jax-js':
      return (await import('./engines/jax.js')).engine;
    case 'jax-js-webgpu':
      return (await import('./engines/jax.js')).webgpuEngine;
    case 'micrograd':
      return (await import('./engines/micrograd.js')).engine;
  }
}

/** The engines that run on WebGPU: the 0-d scalar graph is not a GPU workload. */
export const WEBGPU_ENGINES: readonly EngineName[] = ['backprop-webgpu', 'tfjs-webgpu', 'jax-js-webgpu'];

/**
 * Which engines run which workload: every engine runs its own workloads; micrograd only has the
 * scalar graph, and the webgpu engines everything but it; the scalar graph under default V8 flags
 * (`scalar-v8`, for its target) is run by backprop and micrograd only.
 *
 * @example
 * ```ts
 * runsWorkload('micrograd', 'mlp'); // false
 * ```
 */
export function runsWorkload(engine: EngineName, workload: Workload): boolean {
  if (workload === 'scalar-v8') return engine === 'backprop' || engine === 'micrograd';
  if (WEBGPU_ENGINES.includes(engine)) return workload !== 'scalar';
  return engine !== 'micrograd' || workload === 'scalar';
}

/** What the worker prints after `RESULT `. */
export interface WorkerOutput {
  readonly engine: EngineName;
  readonly workload: Workload;
  /** How the engine ran (backend, threads, version), from its init. */
  readonly setup: string;
  readonly result?: WorkloadResult;
  /** First line of the error the workload threw, when it failed. */
  readonly error?: string;
}

/** The prefix of the one stdout line the parent parses (worker.ts prints it). */
export const RESULT_PREFIX = 'RESULT ';
