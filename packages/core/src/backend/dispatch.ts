import { type Device, deviceOf, type Storage } from '../device.js';
import { DeviceError } from '../errors.js';
import { type Backend, getBackend, type StridedView } from './backend.js';
import { webgpuBackend } from './webgpu/index.js';

/** A strided view on any device (a Tensor is one). */
export type AnyView = StridedView<Storage>;

/**
 * The backend for tensors on one device: the active cpu backend (TypeScript or wasm) for typed
 * arrays, webgpu for GPU buffers. Operands on different devices are refused, naming both: an op
 * never copies between devices behind the user's back.
 */
export function kernelsFor(op: string, a: AnyView, b?: AnyView, c?: AnyView): Backend<Storage> {
  const cpu = ArrayBuffer.isView(a.storage);
  if (
    (b !== undefined && ArrayBuffer.isView(b.storage) !== cpu) ||
    (c !== undefined && ArrayBuffer.isView(c.storage) !== cpu)
  ) {
    throw mixedDevices(op, [a, b, c]);
  }
  // The cpu backends are Backend<TypedArray>: sound here, since every view given is on the cpu.
  return cpu ? (getBackend() as Backend<Storage>) : (webgpuBackend as Backend<Storage>);
}

/** The error for an op given tensors on different devices. */
export function mixedDevices(op: string, views: readonly (AnyView | undefined)[]): DeviceError {
  const devices: Device[] = [];
  for (const v of views)
    if (v !== undefined && !devices.includes(deviceOf(v.storage))) devices.push(deviceOf(v.storage));
  return new DeviceError(
    `${op}: expected all tensors on one device, got ${devices.join(' and ')}; move them with .to('${devices[0]}')`,
  );
}
