import type { GpuStorage } from './backend/webgpu/storage.js';
import type { TypedArray } from './dtype.js';
import { BackpropError, DeviceError, DTypeError } from './errors.js';

/** Where a tensor's elements live: host memory, or a WebGPU device's buffer. */
export type Device = 'cpu' | 'webgpu';

/** Every device, for checks of a device given at run time. */
export const DEVICES: readonly Device[] = ['cpu', 'webgpu'];

/** A tensor's elements: a typed array on the cpu device, a GPU buffer on webgpu. */
export type Storage = TypedArray | GpuStorage;

let defaultDevice: Device = 'cpu';

/**
 * The device creation functions use when their options name none (`'cpu'` unless
 * `setDefaultDevice` changed it).
 *
 * @example
 * ```ts
 * getDefaultDevice(); // 'cpu'
 * ```
 */
export function getDefaultDevice(): Device {
  return defaultDevice;
}

/**
 * Makes `device` the one `tensor()`, `zeros()`, `randn()` and the other creation functions put
 * tensors on when their options name none (`'cpu'` until changed). Choosing `'webgpu'` needs
 * `await initWebGPU()` first.
 *
 * @example
 * ```ts
 * await initWebGPU();
 * setDefaultDevice('webgpu');
 * zeros([2, 2]).device; // 'webgpu'
 * ```
 */
export function setDefaultDevice(device: Device): void {
  expectDevice('setDefaultDevice', device);
  defaultDevice = device;
}

/** Throws a clear error unless `device` is a device name. */
export function expectDevice(op: string, device: unknown): asserts device is Device {
  if (!DEVICES.includes(device as Device)) {
    throw new BackpropError(`${op}: unknown device ${JSON.stringify(device)}: use 'cpu' or 'webgpu'`);
  }
}

/** The error for float64 on a device without it. */
export function float64Error(op: string): DTypeError {
  return new DTypeError(
    `${op}: float64 is not available on the webgpu device (WGSL has no 64-bit floats); use float32, or keep the tensor on 'cpu'`,
  );
}

/**
 * The typed array of a cpu tensor's storage; for a webgpu tensor, a DeviceError naming `op` and
 * its asynchronous alternative `async` (the GPU's values reach the host only asynchronously).
 */
export function hostStorage(t: { readonly storage: Storage }, op: string, async: string): TypedArray {
  const s = t.storage;
  if (ArrayBuffer.isView(s)) return s;
  throw new DeviceError(
    `${op}: the tensor is on the webgpu device, whose values can only be read asynchronously: use await t.${async}()`,
  );
}
