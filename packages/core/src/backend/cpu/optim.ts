import { sizeOf } from '../../shape.js';
import type {
  AdagradStep,
  AdamMoments,
  AdamStep,
  RmspropBuffers,
  RmspropStep,
  SgdStep,
  StridedView,
} from '../backend.js';

// Fused optimizer updates: each parameter element and its state are read, updated and written
// once, in PyTorch's order of operations (torch/optim/*.py), in float64 arithmetic with one rounding
// per stored value. Every view is dense (the optimizer makes it so).

export function sgdStep(param: StridedView, grad: StridedView, buf: StridedView | null, o: SgdStep): void {
  const n = sizeOf(param.shape);
  // Plain SGD is the common case: one multiply-add per element, in its own monomorphic loop.
  if (buf === null && o.weightDecay === 0) {
    plainStep(param, grad, n, o.maximize ? o.lr : -o.lr);
    return;
  }
  const { lr, momentum, dampening, nesterov, weightDecay, maximize, first } = o;
  const [th, po, g, go] = [param.storage, param.offset, grad.storage, grad.offset];
  const b = buf?.storage;
  const bo = buf?.offset ?? 0;
  for (let i = 0; i < n; i++) {
    let d = maximize ? -g[go + i]! : g[go + i]!;
    if (weightDecay !== 0) d = d + weightDecay * th[po + i]!;
    if (b) {
      b[bo + i] = first ? d : b[bo + i]! * momentum + (1 - dampening) * d;
      d = nesterov ? d + momentum * b[bo + i]! : b[bo + i]!;
    }
    th[po + i] = th[po + i]! + -lr * d;
  }
}

// θ ← θ + step·g, with step = −lr (or +lr when maximizing): bit-identical to the full rule's
// θ + (−lr)·(−g) because negation is exact.
// Zero-based windows and a 4-way unrolled body: ~1.5x faster than the indexed loop in V8. The
// remainder goes first: a tail loop after the unrolled one made V8 deoptimize on every call.
function plainStep(param: StridedView, grad: StridedView, n: number, step: number): void {
  const po = param.offset;
  const go = grad.offset;
  const t = po === 0 ? param.storage : param.storage.subarray(po, po + n);
  const d = go === 0 ? grad.storage : grad.storage.subarray(go, go + n);
  let i = 0;
  for (const r = n & 3; i < r; i++) t[i] = t[i]! + step * d[i]!;
  for (; i < n; i += 4) {
    t[i] = t[i]! + step * d[i]!;
    t[i + 1] = t[i + 1]! + step * d[i + 1]!;
    t[i + 2] = t[i + 2]! + step * d[i + 2]!;
    t[i + 3] = t[i + 3]! + step * d[i + 3]!;
  }
}

export function adamStep(param: StridedView, grad: StridedView, s: AdamMoments, o: AdamStep): void {
  const n = sizeOf(param.shape);
  const { stepSize, bc2Sqrt, beta1, beta2, eps, weightDecay: wd, decoupled, decay, maximize } = o;
  const [th, po, g, go] = [param.storage, param.offset, grad.storage, grad.offset];
  const [m, mo, v, vo] = [s.expAvg.storage, s.expAvg.offset, s.expAvgSq.storage, s.expAvgSq.offset];
  const vMax = s.maxExpAvgSq?.storage;
  const xo = s.maxExpAvgSq?.offset ?? 0;
  for (let i = 0; i < n; i++) {
    let gi = maximize ? -g[go + i]! : g[go + i]!;
    if (decoupled) th[po + i] = th[po + i]! * decay;
    else if (wd !== 0) gi = gi + wd * th[po + i]!;
    m[mo + i] = m[mo + i]! * beta1 + (1 - beta1) * gi;
    v[vo + i] = v[vo + i]! * beta2 + (1 - beta2) * gi * gi;
    let second = v[vo + i]!;
    if (vMax) {
      vMax[xo + i] = Math.max(vMax[xo + i]!, second);
      second = vMax[xo + i]!;
    }
    const denom = Math.sqrt(second) / bc2Sqrt + eps;
    th[po + i] = th[po + i]! + (-stepSize * m[mo + i]!) / denom;
  }
}

export function adagradStep(param: StridedView, grad: StridedView, sum: StridedView, o: AdagradStep): void {
  const n = sizeOf(param.shape);
  const { clr, weightDecay: wd, eps, maximize } = o;
  const [th, po, g, go, s, so] = [
    param.storage,
    param.offset,
    grad.storage,
    grad.offset,
    sum.storage,
    sum.offset,
  ];
  for (let i = 0; i < n; i++) {
    let gi = maximize ? -g[go + i]! : g[go + i]!;
    if (wd !== 0) gi = gi + wd * th[po + i]!;
    s[so + i] = s[so + i]! + gi * gi;
    const std = Math.sqrt(s[so + i]!) + eps;
    th[po + i] = th[po + i]! + (-clr * gi) / std;
  }
}

export function rmspropStep(param: StridedView, grad: StridedView, s: RmspropBuffers, o: RmspropStep): void {
  const n = sizeOf(param.shape);
  const { lr, alpha, eps, weightDecay: wd, momentum, maximize } = o;
  const [th, po, g, go] = [param.storage, param.offset, grad.storage, grad.offset];
  const [sq, so] = [s.squareAvg.storage, s.squareAvg.offset];
  const buf = s.momentumBuffer?.storage;
  const bo = s.momentumBuffer?.offset ?? 0;
  const ga = s.gradAvg?.storage;
  const ao = s.gradAvg?.offset ?? 0;
  for (let i = 0; i < n; i++) {
    let gi = maximize ? -g[go + i]! : g[go + i]!;
    if (wd !== 0) gi = gi + wd * th[po + i]!;
    sq[so + i] = sq[so + i]! * alpha + (1 - alpha) * gi * gi;
    let avg: number;
    if (ga) {
      ga[ao + i] = ga[ao + i]! * alpha + (1 - alpha) * gi;
      avg = Math.sqrt(sq[so + i]! - ga[ao + i]! * ga[ao + i]!);
    } else {
      avg = Math.sqrt(sq[so + i]!);
    }
    avg = avg + eps;
    if (buf) {
      buf[bo + i] = buf[bo + i]! * momentum + gi / avg;
      th[po + i] = th[po + i]! + -lr * buf[bo + i]!;
    } else {
      th[po + i] = th[po + i]! + (-lr * gi) / avg;
    }
  }
}
