import { BackpropError } from '../../errors.js';
import { GpuContext } from './context.js';
import type { GpuAdapterHandle, GpuDeviceHandle, GpuEntry } from './gpu-types.js';

/** Options of `initWebGPU`. */
export interface InitWebGPUOptions {
  /**
   * Use this adapter (from `navigator.gpu.requestAdapter()`) instead of requesting one. Any WebGPU
   * `GPUAdapter` fits, whichever type declarations the caller compiles with; backprop uses the
   * members {@link GpuAdapterHandle} lists.
   */
  // Only a shape every GPUAdapter has: the DOM's and @webgpu/types' declarations brand their objects
  // and overload their methods, so a real adapter is not assignable to GpuAdapterHandle, although
  // it is one at run time.
  adapter?: {
    /** The adapter's limits (`GPUSupportedLimits`). */
    readonly limits: object;
    /** Makes a device (`GPUAdapter.requestDevice`). */
    requestDevice(...args: never[]): Promise<unknown>;
  };
  /**
   * Use this device as it is (shared with other code, e.g. a renderer) instead of requesting one.
   * Any WebGPU `GPUDevice` fits; backprop uses the members {@link GpuDeviceHandle} lists.
   */
  device?: {
    /** The device's limits (`GPUSupportedLimits`). */
    readonly limits: object;
    /** The device's queue (`GPUQueue`). */
    readonly queue: object;
    /** Makes a buffer (`GPUDevice.createBuffer`). */
    createBuffer(...args: never[]): unknown;
    /** Makes a compute pipeline (`GPUDevice.createComputePipeline`). */
    createComputePipeline(...args: never[]): unknown;
  };
  /** Passed to `requestAdapter` when backprop requests the adapter. */
  powerPreference?: 'low-power' | 'high-performance';
}

let context: GpuContext | null = null;
let entry: Promise<GpuEntry | null> | null = null;

// The npm package that gives Node a WebGPU implementation (Dawn). Named through a variable so that
// bundlers do not follow it: a browser bundle of core contains no Node code.
const NODE_WEBGPU = 'webgpu';

// navigator.gpu where the runtime has it (browsers, Deno), else the optional `webgpu` package.
function gpuEntry(): Promise<GpuEntry | null> {
  entry ??= (async () => {
    const nav = (globalThis as { navigator?: { gpu?: GpuEntry } }).navigator;
    if (nav?.gpu !== undefined) return nav.gpu;
    if ((globalThis as { process?: { versions?: { node?: string } } }).process?.versions?.node === undefined)
      return null;
    try {
      const mod = (await import(/* @vite-ignore */ NODE_WEBGPU)) as { create(flags: string[]): GpuEntry };
      return mod.create([]);
    } catch {
      return null;
    }
  })();
  return entry;
}

// Dawn enumerates adapters once per instance, so an instance that found none is dropped: a later
// call (after installing a driver, or pointing VK_ICD_FILENAMES at one) asks a fresh instance.
async function requestAdapter(options?: {
  powerPreference?: 'low-power' | 'high-performance';
}): Promise<GpuAdapterHandle | null> {
  const gpu = await gpuEntry();
  if (gpu === null) return null;
  const adapter = await gpu.requestAdapter(options);
  if (adapter === null) entry = null;
  return adapter;
}

/**
 * Whether this runtime can run the webgpu device: `navigator.gpu` (browsers) or the npm package
 * `webgpu` (Node) is present and gives an adapter. Never throws.
 *
 * @example
 * ```ts
 * if (await webgpuAvailable()) await initWebGPU();
 * ```
 */
export async function webgpuAvailable(): Promise<boolean> {
  if (context !== null && context.lostReason === null) return true;
  try {
    return (await requestAdapter()) !== null;
  } catch {
    return false;
  }
}

/**
 * Starts the webgpu device. Without options it requests an adapter and a device from
 * `navigator.gpu` in browsers, or from the optional npm package `webgpu` in Node; `{ adapter }` or
 * `{ device }` uses the one given. Calling it again keeps the running device unless options name
 * another (or the device was lost). Resolves once tensors can be moved with `t.to('webgpu')`.
 *
 * @example
 * ```ts
 * await initWebGPU();
 * const x = tensor([1, 2, 3]).to('webgpu');
 * await x.mul(2).toArrayAsync(); // [2, 4, 6]
 * ```
 */
export async function initWebGPU(options: InitWebGPUOptions = {}): Promise<void> {
  if (options.device !== undefined) {
    if (context !== null) context.flush();
    context = new GpuContext(options.device as unknown as GpuDeviceHandle);
    return;
  }
  if (context !== null && context.lostReason === null && options.adapter === undefined) return;
  let adapter = (options.adapter as unknown as GpuAdapterHandle | undefined) ?? null;
  if (adapter === null) {
    const gpu = await gpuEntry();
    if (gpu === null) {
      throw new BackpropError(
        'initWebGPU: this runtime has no WebGPU: browsers need navigator.gpu (Chrome 113+, Edge, Safari 26); ' +
          'in Node install the optional package: npm install webgpu',
      );
    }
    adapter = await requestAdapter(
      options.powerPreference === undefined ? undefined : { powerPreference: options.powerPreference },
    );
    if (adapter === null)
      throw new BackpropError('initWebGPU: navigator.gpu.requestAdapter() found no GPU adapter');
  }
  // Ask for the adapter's own storage limits: the defaults (128 MiB bindings) would cap tensor sizes.
  const device = await adapter.requestDevice({
    requiredLimits: {
      maxStorageBufferBindingSize: adapter.limits.maxStorageBufferBindingSize,
      maxBufferSize: adapter.limits.maxBufferSize,
      maxStorageBuffersPerShaderStage: Math.min(adapter.limits.maxStorageBuffersPerShaderStage, 10),
    },
  });
  if (context !== null) context.flush();
  context = new GpuContext(device);
}

/** Whether initWebGPU has run: before it, no tensor can be on the GPU. */
export function gpuStarted(): boolean {
  return context !== null;
}

/** The running webgpu context; `op` names the caller in the error when there is none. */
export function gpuContext(op: string): GpuContext {
  if (context === null) {
    throw new BackpropError(`${op}: the webgpu device is not started; call await initWebGPU() first`);
  }
  return context;
}

/** Submits the GPU work recorded so far (a no-op without a webgpu device). */
export function flushWebGPU(): void {
  context?.flush();
}
