import { sizeOf } from '../../shape.js';
import type { AdamMoments, AdamStep, SgdStep, StridedView } from '../backend.js';
import { adamStep as cpuAdamStep, sgdStep as cpuSgdStep } from '../cpu/optim.js';
import { copyIn, denseF32, F32, inWasm } from './call.js';

// SGD and Adam steps on dense float32 parameters run in elementwise.wat: plain SGD (no momentum, no
// weight decay: the common case) in `axpy`, every other SGD step (momentum, dampening, Nesterov,
// weight decay, maximize) in `sgd`, Adam, AdamW and AMSGrad in `adam`. Each computes in float64
// with the cpu kernel's operations and roundings, so it gives its bits; the parameter and the
// state are copied in, updated and copied back. Other dtypes, strided views and small parameters
// run the cpu kernel.

const MIN = 4096; // elements below which the copies cost more than the SIMD loop saves
const MAX = 8 << 20; // floats above which the copies would not fit the kept memory

// elementwise.wat's `sgd` and `adam` flags.
const [BUFFER, FIRST, NESTEROV, MAXIMIZE] = [1, 2, 4, 8];
const [AMSGRAD, DECOUPLED, ADAM_MAXIMIZE] = [1, 2, 4];

/** Whether a step over these `n`-element views runs in wasm. */
function suits(n: number, views: readonly (StridedView | null | undefined)[]): boolean {
  return n >= MIN && n <= MAX && views.every((v) => v == null || denseF32(v));
}

export function sgdStep(param: StridedView, grad: StridedView, buf: StridedView | null, o: SgdStep): void {
  const n = sizeOf(param.shape);
  if (suits(n, [param, grad, buf])) {
    const plain = buf === null && o.weightDecay === 0;
    if (plain ? plainInWasm(param, grad, n, o.maximize ? o.lr : -o.lr) : stepInWasm(param, grad, buf, n, o))
      return;
  }
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

function stepInWasm(
  param: StridedView,
  grad: StridedView,
  buf: StridedView | null,
  n: number,
  o: SgdStep,
): boolean {
  const flags =
    (buf === null ? 0 : BUFFER | (o.first ? FIRST : 0) | (o.nesterov ? NESTEROV : 0)) |
    (o.maximize ? MAXIMIZE : 0);
  return (
    inWasm([n, n, buf === null ? 0 : n], (kernels, mem, [atParam, atGrad, atBuf]) => {
      copyIn(mem, atParam, param, n);
      copyIn(mem, atGrad, grad, n);
      // The first step writes the buffer without reading it.
      if (buf !== null && !o.first) copyIn(mem, atBuf, buf, n);
      kernels.elementwise.sgd(
        atParam * F32,
        atGrad * F32,
        atBuf * F32,
        n,
        o.lr,
        o.momentum,
        1 - o.dampening,
        o.weightDecay,
        flags,
      );
      param.storage.set(mem.subarray(atParam, atParam + n), param.offset);
      if (buf !== null) buf.storage.set(mem.subarray(atBuf, atBuf + n), buf.offset);
      return true;
    }) !== null
  );
}

export function adamStep(param: StridedView, grad: StridedView, s: AdamMoments, o: AdamStep): void {
  const n = sizeOf(param.shape);
  const views = [param, grad, s.expAvg, s.expAvgSq, s.maxExpAvgSq];
  if (!(suits(n, views) && adamInWasm(param, grad, s, n, o))) cpuAdamStep(param, grad, s, o);
}

function adamInWasm(param: StridedView, grad: StridedView, s: AdamMoments, n: number, o: AdamStep): boolean {
  const max = s.maxExpAvgSq ?? null;
  const flags = (max ? AMSGRAD : 0) | (o.decoupled ? DECOUPLED : 0) | (o.maximize ? ADAM_MAXIMIZE : 0);
  return (
    inWasm([n, n, n, n, max ? n : 0], (kernels, mem, [atParam, atGrad, atM, atV, atMax]) => {
      copyIn(mem, atParam, param, n);
      copyIn(mem, atGrad, grad, n);
      copyIn(mem, atM, s.expAvg, n);
      copyIn(mem, atV, s.expAvgSq, n);
      if (max) copyIn(mem, atMax, max, n);
      kernels.elementwise.adam(
        atParam * F32,
        atGrad * F32,
        atM * F32,
        atV * F32,
        atMax * F32,
        n,
        o.stepSize,
        o.bc2Sqrt,
        o.beta1,
        o.beta2,
        1 - o.beta1,
        1 - o.beta2,
        o.eps,
        o.weightDecay,
        o.decay,
        flags,
      );
      param.storage.set(mem.subarray(atParam, atParam + n), param.offset);
      s.expAvg.storage.set(mem.subarray(atM, atM + n), s.expAvg.offset);
      s.expAvgSq.storage.set(mem.subarray(atV, atV + n), s.expAvgSq.offset);
      if (max) max.storage.set(mem.subarray(atMax, atMax + n), max.offset);
      return true;
    }) !== null
  );
}
