import { attach, type BackwardRule, type RuleTable, recording, SAVES_NOTHING } from '../autograd/node.js';
import { gpuContext } from '../backend/webgpu/runtime.js';
import { GpuStorage } from '../backend/webgpu/storage.js';
import { expectTensor } from '../checks.js';
import { type Device, expectDevice, float64Error } from '../device.js';
import { allocate, type TypedArray } from '../dtype.js';
import { DeviceError } from '../errors.js';
import { Tensor } from '../tensor.js';
import { contiguous } from './movement.js';
import type { TransferOpName } from './op-names.js';

// Copies between devices. Host to GPU is a queued write, so `to('webgpu')` returns at once; GPU to
// host can only finish asynchronously (the GPU runs behind the script), so the reads are
// `dataAsync()` and friends, and a synchronous `to('cpu')` of a webgpu tensor is refused.

/** `x.to(device)`: see `Tensor.to`. */
export function toDevice(x: Tensor, device: Device): Tensor {
  expectTensor('to', 'input', x);
  expectDevice('to', device);
  if (x.device === device) return x;
  if (device === 'cpu') {
    throw new DeviceError(
      "to('cpu'): a webgpu tensor's values reach the host only asynchronously: use await t.dataAsync() " +
        '(or toArrayAsync(), itemAsync()), and tensor(values, { shape: t.shape }) for a cpu tensor',
    );
  }
  if (x.dtype === 'float64') throw float64Error("to('webgpu')");
  // A GPU element is 4 bytes: bool masks travel as int32 0/1 (WGSL storage has no bytes).
  const host = x.dtype === 'bool' ? Int32Array.from(x.data()) : x.data();
  const storage = new GpuStorage(gpuContext("to('webgpu')"), x.dtype, x.size);
  storage.context.upload(storage.buffer, host);
  const out = new Tensor(storage, x.shape);
  if (recording('toDevice', out, x)) attach(out, 'toDevice', x, null, SAVES_NOTHING, RULES.toDevice);
  return out;
}

// The gradient goes back to the input's device; from webgpu to cpu that is a read the synchronous
// backward cannot make, so it says what to do instead.
const toDeviceBackward: BackwardRule = (dy, n) => {
  const source = n.input(0);
  if (source.device === 'cpu' && dy.device === 'webgpu') {
    throw new DeviceError(
      "backward: a gradient cannot flow from webgpu back to a cpu tensor synchronously; move the leaf itself with .to('webgpu') " +
        "before it requires grad (model.to('webgpu') for a module)",
    );
  }
  return [toDevice(dy, source.device)];
};

const RULES = { toDevice: toDeviceBackward } satisfies RuleTable<TransferOpName>;

/**
 * The int32 positions `at(0), …, at(n − 1)` (default 0 … n − 1) in `shape` (default `[n]`), made on
 * the host and put on the device of `like`: the index ranges flip, masks and one-hot compare with.
 */
export function positionsOn(
  like: Tensor,
  n: number,
  at: (i: number) => number = (i) => i,
  shape: readonly number[] = [n],
): Tensor {
  return onDeviceOf(
    new Tensor(
      Int32Array.from({ length: n }, (_, i) => at(i)),
      shape,
    ),
    like,
  );
}

/** `t` on the device of `like` (itself when already there): host-made index tensors for GPU ops. */
export function onDeviceOf(t: Tensor, like: Tensor): Tensor {
  return t.device === like.device ? t : toDevice(t, like.device);
}

/** The elements of `x` in row-major order as a typed array, on any device: see `Tensor.dataAsync`. */
export async function readAsync(x: Tensor): Promise<TypedArray> {
  expectTensor('dataAsync', 'tensor', x);
  if (x.device === 'cpu') return x.data();
  const dense = x.isContiguous() ? x : contiguous(x.detach(), true);
  const storage = dense.storage as GpuStorage;
  const bytes = await storage.context.read(storage.buffer, dense.offset * 4, dense.size * 4);
  const out = allocate(x.dtype, x.size, 'dataAsync');
  out.set(x.dtype === 'int32' || x.dtype === 'bool' ? new Int32Array(bytes) : new Float32Array(bytes));
  return out;
}
