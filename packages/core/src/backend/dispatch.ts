import type { Device, Storage } from '../device.js';
import { DeviceError } from '../errors.js';
import type { Tensor } from '../tensor.js';
import { type Backend, getBackend } from './backend.js';
import { isBuiltIn } from './select.js';
import { webgpuBackend } from './webgpu/index.js';
import { gpuStarted } from './webgpu/runtime.js';

/**
 * The backend for tensors on one device: the active cpu backend (TypeScript or wasm) for typed
 * arrays, webgpu for GPU buffers. Operands on different devices are refused, naming both: an op
 * never copies between devices behind the user's back. Packages that call kernels directly (nn's
 * cross-entropy, the optimizers) get them here; `op` names the caller in the error.
 *
 * @example
 * ```ts
 * const rows = kernelsFor('crossEntropy', logits, target).crossEntropy(logits, target, logits.dtype);
 * ```
 */
export function kernelsFor(op: string, a: Tensor, b?: Tensor, c?: Tensor): Backend<Storage> {
  // Until a GPU device is started every tensor is on the cpu, and the hot path (each op of a
  // scalar graph) is one flag test: testing every operand cost 8-10% of a scalar graph's
  // instructions. The cpu backends are Backend<TypedArray>: sound while every operand is there.
  return gpuStarted() ? checkedKernels(op, a, b, c) : (getBackend() as Backend<Storage>);
}

function checkedKernels(op: string, a: Tensor, b?: Tensor, c?: Tensor): Backend<Storage> {
  if (
    a.device === 'cpu' &&
    (b === undefined || b.device === 'cpu') &&
    (c === undefined || c.device === 'cpu')
  ) {
    return getBackend() as Backend<Storage>;
  }
  return deviceKernels(op, a, b, c);
}

// Some operand is on the GPU: all must be.
function deviceKernels(op: string, a: Tensor, b?: Tensor, c?: Tensor): Backend<Storage> {
  const devices: Device[] = [];
  for (const t of [a, b, c]) if (t !== undefined && !devices.includes(t.device)) devices.push(t.device);
  if (devices.length > 1) {
    throw new DeviceError(
      `${op}: expected all tensors on one device, got ${devices.join(' and ')}; move them with .to('${devices[0]}')`,
    );
  }
  return webgpuBackend as Backend<Storage>;
}

/**
 * True when both tensors are on the cpu and ops run on a backend core ships, so that a 0-d op may
 * compute its one number itself (what that backend's kernel would compute, bit for bit).
 */
export function onBuiltInCpu(a: Tensor, b: Tensor): boolean {
  if (gpuStarted() && (a.device !== 'cpu' || b.device !== 'cpu')) return false;
  return isBuiltIn(getBackend());
}
