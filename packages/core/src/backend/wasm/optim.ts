import { sizeOf } from '../../shape.js';
import type { SgdStep, StridedView } from '../backend.js';
import { sgdStep as cpuSgdStep } from '../cpu/optim.js';
import { copyIn, denseF32, F32, inWasm } from './call.js';

// Plain SGD on float32 parameters (no momentum, no weight decay: the common case) runs in
// elementwise.wat's `axpy`, which computes θ + step·g in float64 with one rounding, as the cpu
// kernel does, so both give the same bits; the parameter is copied in, updated and copied back.
// Other steps, dtypes and small parameters run the cpu kernel.

const MIN = 4096; // elements below which the copies cost more than the SIMD loop saves
const MAX = 8 << 20; // floats above which the two copies would not fit the kept memory

export function sgdStep(param: StridedView, grad: StridedView, buf: StridedView | null, o: SgdStep): void {
  const n = sizeOf(param.shape);
  const plain = buf === null && o.weightDecay === 0 && n >= MIN && n <= MAX;
  if (plain && denseF32(param) && denseF32(grad) && plainInWasm(param, grad, n, o.maximize ? o.lr : -o.lr))
    return;
  cpuSgdStep(param, grad, buf, o);
}

function plainInWasm(param: StridedView, grad: StridedView, n: number, step: number): boolean {
  return (
    inWasm([n, n], (kernels, mem, [atParam, atGrad]) => {
      copyIn(mem, atParam, param, n);
      copyIn(mem, atGrad, grad, n);
      kernels.elementwise.axpy(atParam * F32, atGrad * F32, step, n);
      param.storage.set(mem.subarray(atParam, atParam + n), param.offset);
      return true;
    }) !== null
  );
}
