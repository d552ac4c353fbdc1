import { sizeOf } from '../../shape.js';
import type { AdamMoments, AdamStep, SgdStep, StridedView } from '../backend.js';
import { adamStep as cpuAdamStep, sgdStep as cpuSgdStep } from '../cpu/optim.js';
import { copyIn, copyOut, denseF32, F32, inWasm } from './call.js';

// SGD and Adam steps on dense float32 parameters run in elementwise.wat: plain SGD (no momentum, no
// weight decay: the common case) in `axpy`, every other SGD step (momentum, dampening, Nesterov,
// weight decay, maximize) in `sgd`, Adam, AdamW and AMSGrad in `adam`. Each computes in float64
// with the cpu kernel's operations and roundings, so it gives its bits; the parameter and the
// state are copied in, updated and copied back. Other dtypes, strided views and small parameters
// run the cpu kernel.

const MIN = 4096; // elements below which the copies cost more than the SIMD loop saves
// Elements per call: a larger parameter is stepped a chunk at a time (the updates are elementwise),
// so its copies (up to five regions) stay inside the kept wasm memory.
const CHUNK = 1 << 20;

// elementwise.wat's `sgd` and `adam` flags.
const [BUFFER, FIRST, NESTEROV, MAXIMIZE] = [1, 2, 4, 8];
const [AMSGRAD, DECOUPLED, ADAM_MAXIMIZE] = [1, 2, 4];

/** Whether a step over these `n`-element views runs in wasm. */
function suits(n: number, views: readonly (StridedView | null | undefined)[]): boolean {
  return n >= MIN && views.every((v) => v == null || denseF32(v));
}

/** Elements [at, n) of a dense view, as a 1-D view. */
function rest<V extends StridedView | null>(v: V, at: number, n: number): V {
  // Field by field: a Tensor's `storage` is a getter on its prototype, which a spread leaves out.
  return (
    v === null ? null : { storage: v.storage, shape: [n - at], strides: [1], offset: v.offset + at }
  ) as V;
}

export function sgdStep(param: StridedView, grad: StridedView, buf: StridedView | null, o: SgdStep): void {
  const n = sizeOf(param.shape);
  if (!suits(n, [param, grad, buf])) {
    cpuSgdStep(param, grad, buf, o);
    return;
  }
  // A chunk at a time (no closure: this runs for every parameter on every step). A chunk that finds
  // no wasm memory leaves it and the rest to the cpu kernel.
  let done = 0;
  while (done < n && sgdInWasm(param, grad, buf, done, Math.min(CHUNK, n - done), o)) done += CHUNK;
  if (done < n) cpuSgdStep(rest(param, done, n), rest(grad, done, n), rest(buf, done, n), o);
}

// Elements [at, at + count) of the views, in `axpy` (plain SGD) or `sgd`.
function sgdInWasm(
  param: StridedView,
  grad: StridedView,
  buf: StridedView | null,
  at: number,
  count: number,
  o: SgdStep,
): boolean {
  const plain = buf === null && o.weightDecay === 0;
  const flags =
    (buf === null ? 0 : BUFFER | (o.first ? FIRST : 0) | (o.nesterov ? NESTEROV : 0)) |
    (o.maximize ? MAXIMIZE : 0);
  return (
    inWasm([count, count, buf === null ? 0 : count], (kernels, mem, [atParam, atGrad, atBuf]) => {
      copyIn(mem, atParam, param, count, param.offset + at);
      copyIn(mem, atGrad, grad, count, grad.offset + at);
      // The first step writes the buffer without reading it.
      if (buf !== null && !o.first) copyIn(mem, atBuf, buf, count, buf.offset + at);
      if (plain) kernels.elementwise.axpy(atParam * F32, atGrad * F32, o.maximize ? o.lr : -o.lr, count);
      else
        kernels.elementwise.sgd(
          atParam * F32,
          atGrad * F32,
          atBuf * F32,
          count,
          o.lr,
          o.momentum,
          1 - o.dampening,
          o.weightDecay,
          flags,
        );
      copyOut(mem, atParam, param, count, param.offset + at);
      if (buf !== null) copyOut(mem, atBuf, buf, count, buf.offset + at);
      return true;
    }) !== null
  );
}

export function adamStep(param: StridedView, grad: StridedView, s: AdamMoments, o: AdamStep): void {
  const n = sizeOf(param.shape);
  if (!suits(n, [param, grad, s.expAvg, s.expAvgSq, s.maxExpAvgSq])) {
    cpuAdamStep(param, grad, s, o);
    return;
  }
  let done = 0;
  while (done < n && adamInWasm(param, grad, s, done, Math.min(CHUNK, n - done), o)) done += CHUNK;
  if (done >= n) return;
  const left = {
    expAvg: rest(s.expAvg, done, n),
    expAvgSq: rest(s.expAvgSq, done, n),
    maxExpAvgSq: rest(s.maxExpAvgSq ?? null, done, n),
  };
  cpuAdamStep(rest(param, done, n), rest(grad, done, n), left, o);
}

// Elements [at, at + count) of the views, in `adam`.
function adamInWasm(
  param: StridedView,
  grad: StridedView,
  s: AdamMoments,
  at: number,
  count: number,
  o: AdamStep,
): boolean {
  const max = s.maxExpAvgSq ?? null;
  const flags = (max ? AMSGRAD : 0) | (o.decoupled ? DECOUPLED : 0) | (o.maximize ? ADAM_MAXIMIZE : 0);
  const states = max ? [s.expAvg, s.expAvgSq, max] : [s.expAvg, s.expAvgSq];
  return (
    inWasm(
      [count, count, count, count, max ? count : 0],
      (kernels, mem, [atParam, atGrad, atM, atV, atMax]) => {
        const places = [atM, atV, atMax];
        copyIn(mem, atParam, param, count, param.offset + at);
        copyIn(mem, atGrad, grad, count, grad.offset + at);
        for (const [k, v] of states.entries()) copyIn(mem, places[k]!, v, count, v.offset + at);
        kernels.elementwise.adam(
          atParam * F32,
          atGrad * F32,
          atM * F32,
          atV * F32,
          atMax * F32,
          count,
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
        copyOut(mem, atParam, param, count, param.offset + at);
        for (const [k, v] of states.entries()) copyOut(mem, places[k]!, v, count, v.offset + at);
        return true;
      },
    ) !== null
  );
}
