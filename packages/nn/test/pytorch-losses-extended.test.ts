// The extended losses against PyTorch (fixtures/generate_losses.py → losses.json): crossEntropy and
// nllLoss with class weights, ignoreIndex, label smoothing, probability targets and [N, C, d...]
// inputs; klDiv, huberLoss, smoothL1Loss, cosineEmbeddingLoss; bceWithLogits' posWeight. Every
// case in float64 (tight) and float32 (loose) on the cpu and wasm backends, and in float32 on the
// webgpu device; then gradcheck, small cases worked out by hand, and the errors bad input gets.
import {
  type Backend,
  cpuBackend,
  type Device,
  type DType,
  DTypeError,
  getBackend,
  gradcheck,
  IndexError,
  randn,
  ShapeError,
  setBackend,
  Tensor,
  tensor,
  ValueError,
  wasmBackend,
} from '@backprop/core';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { F32 } from '../../core/test/fixture-check.js';
import { expectClose, F64, type Tolerance } from '../../core/test/helpers.js';
import { startWebGPU } from '../../core/test/webgpu-setup.js';
import {
  bceWithLogits,
  cosineEmbeddingLoss,
  crossEntropy,
  huberLoss,
  klDiv,
  nllLoss,
  smoothL1Loss,
} from '../src/index.js';
import { readFixture } from './helpers.js';

/** A tensor as generate_losses.py writes it: non-finite values as the strings "nan", "inf", "-inf". */
interface Enc {
  shape: number[];
  dtype: 'float64' | 'int64';
  data: (number | string)[];
}

interface LossCase {
  name: string;
  fn: string;
  options: Record<string, unknown>;
  inputs: Enc[];
  output: Enc;
  upstream: Enc;
  grads: (Enc | null)[];
  extra?: { weight?: Enc; posWeight?: Enc };
}

const { cases } = readFixture<{ cases: LossCase[] }>('losses.json');

const values = (e: Enc): number[] =>
  e.data.map((v) => (typeof v === 'number' ? v : Number(v.replace('inf', 'Infinity'))));

/** Floats in `dtype`, int64 indices as int32; on `device`. */
function decode(e: Enc, dtype: DType, device: Device = 'cpu'): Tensor {
  const data = e.dtype === 'int64' ? Int32Array.from(values(e)) : Float64Array.from(values(e));
  const t = new Tensor(data, e.shape);
  const typed = e.dtype === 'int64' || dtype === 'float64' ? t : t.to(dtype);
  return device === 'cpu' ? typed : typed.to(device);
}

type LossFn = (xs: Tensor[], options: Record<string, unknown>) => Tensor;
const LOSSES: Record<string, LossFn> = {
  crossEntropy: ([x, t], o) => crossEntropy(x!, t!, o),
  nllLoss: ([x, t], o) => nllLoss(x!, t!, o),
  klDiv: ([x, t], o) => klDiv(x!, t!, o),
  huberLoss: ([x, t], o) => huberLoss(x!, t!, o),
  smoothL1Loss: ([x, t], o) => smoothL1Loss(x!, t!, o),
  cosineEmbeddingLoss: ([a, b, y], o) => cosineEmbeddingLoss(a!, b!, y!, o),
  bceWithLogits: ([x, t], o) => bceWithLogits(x!, t!, o),
};

// Two documented departures from PyTorch 1.13's gradients, both where its value is an artifact:
// klDiv's target gradient is NaN where the target is 0 (xlogy's 0 / 0) and backprop's is 0 there;
// smoothL1Loss with beta = 0 is l1Loss, whose gradient at input = target is 0, where 1.13's
// smooth-L1 backward takes its `x <= -beta` branch and gives −1. Every other entry is compared as it is.
function expectedGrad(c: LossCase, i: number): number[] {
  const want = values(c.grads[i]!);
  if (c.fn === 'klDiv' && i === 1 && !c.options.logTarget) {
    const target = values(c.inputs[1]!);
    return want.map((g, k) => (target[k] === 0 && Number.isNaN(g) ? 0 : g));
  }
  if (c.fn === 'smoothL1Loss' && c.options.beta === 0) {
    const [x, y] = [values(c.inputs[0]!), values(c.inputs[1]!)];
    return want.map((g, k) => (x[k] === y[k] ? 0 : g));
  }
  return want;
}

/** Runs a case on `device` in `dtype` and compares the output and every gradient with PyTorch's. */
async function check(c: LossCase, dtype: DType, tol: Tolerance, device: Device = 'cpu'): Promise<void> {
  const fn = LOSSES[c.fn];
  if (!fn) throw new Error(`no loss named ${c.fn}`);
  const options: Record<string, unknown> = { ...c.options };
  if (c.extra?.weight) options.weight = decode(c.extra.weight, dtype, device);
  if (c.extra?.posWeight) options.posWeight = decode(c.extra.posWeight, dtype, device);
  const xs = c.inputs.map((e, i) => {
    const x = decode(e, dtype, device);
    return c.grads[i] ? x.requiresGrad_() : x;
  });
  const out = fn(xs, options);
  expect(out.device).toBe(device);
  expect([...out.shape]).toEqual(c.output.shape);
  expectClose(await out.dataAsync(), values(c.output), tol);
  out.backward(decode(c.upstream, dtype, device));
  for (const [i, x] of xs.entries()) {
    if (!c.grads[i]) continue;
    expect(x.grad, `${c.name}: grad of input ${i}`).not.toBeNull();
    expect([...x.grad!.shape]).toEqual(c.grads[i]!.shape);
    expectClose(await x.grad!.dataAsync(), expectedGrad(c, i), tol);
  }
}

describe('the fixtures cover what they should', () => {
  it('every new loss with every reduction, and each option of crossEntropy', () => {
    const reductions = (fn: string) =>
      new Set(cases.filter((c) => c.fn === fn).map((c) => c.options.reduction ?? 'mean'));
    for (const fn of Object.keys(LOSSES))
      expect(reductions(fn), fn).toEqual(
        new Set(['mean', 'sum', 'none', ...(fn === 'klDiv' ? ['batchmean'] : [])]),
      );
    const ce = cases.filter((c) => c.fn === 'crossEntropy');
    expect(
      ce.some((c) => c.extra?.weight && c.options.labelSmoothing && values(c.inputs[1]!).includes(-100)),
    ).toBe(true);
    expect(ce.some((c) => c.inputs[1]!.dtype === 'float64' && c.inputs[0]!.shape.length === 3)).toBe(true);
    expect(ce.some((c) => values(c.output).some(Number.isNaN))).toBe(true); // all ignored, mean
  });
});

const initial = getBackend();
afterEach(() => setBackend(initial));

const BACKENDS: [string, Backend][] = [
  ['cpu', cpuBackend],
  ['wasm', wasmBackend],
];
const DTYPES: [DType, Tolerance][] = [
  ['float64', F64],
  ['float32', F32],
];

for (const [backendName, backend] of BACKENDS) {
  for (const [dtype, tol] of DTYPES) {
    describe(`losses match PyTorch: ${dtype} on the ${backendName} backend`, () => {
      it.each(cases.map((c) => [c.name, c] as const))('%s', async (_, c) => {
        setBackend(backend);
        await check(c, dtype, tol);
      });
    });
  }
}

describe('losses match PyTorch: float32 on the webgpu device', () => {
  beforeAll(startWebGPU, 60_000);
  it.each(cases.map((c) => [c.name, c] as const))('%s', async (_, c) => {
    await check(c, 'float32', F32, 'webgpu');
  });
});

describe('gradcheck in float64', () => {
  const f64 = { dtype: 'float64' as const };
  const x = () => randn([5, 4], { ...f64, requiresGrad: true });
  const labels = tensor([0, -100, 3, 1, 2], { dtype: 'int32' });
  const w = tensor([0.5, 2, 1.5, 1], f64);

  it('crossEntropy: weight, ignoreIndex and smoothing; probability targets; [N, C, d]', () => {
    const opts = { weight: w, labelSmoothing: 0.2 };
    expect(gradcheck((l) => crossEntropy(l, labels, opts), [x()])).toBe(true);
    expect(gradcheck((l) => crossEntropy(l, labels, { weight: w, reduction: 'none' }), [x()])).toBe(true);
    const p = randn([5, 4], f64).softmax(1);
    expect(gradcheck((l, t) => crossEntropy(l, t, opts), [x(), p.requiresGrad_()])).toBe(true);
    const spatial = randn([2, 4, 3], { ...f64, requiresGrad: true });
    const t3 = tensor(
      [
        [0, 3, -100],
        [2, 1, 1],
      ],
      { dtype: 'int32' },
    );
    expect(gradcheck((l) => crossEntropy(l, t3, opts), [spatial])).toBe(true);
    expect(gradcheck((l) => nllLoss(l, t3, { weight: w }), [spatial])).toBe(true);
  });

  it('klDiv (probability and log targets), huberLoss, smoothL1Loss (beta 0 too), cosineEmbeddingLoss', () => {
    const logQ = randn([3, 4], f64).logSoftmax(1).requiresGrad_();
    const p = randn([3, 4], f64).softmax(1).requiresGrad_();
    expect(gradcheck((a, b) => klDiv(a, b, { reduction: 'batchmean' }), [logQ, p])).toBe(true);
    const logP = randn([3, 4], f64).logSoftmax(1).requiresGrad_();
    expect(gradcheck((a, b) => klDiv(a, b, { logTarget: true }), [logQ, logP])).toBe(true);
    // Values away from the kinks at |x − y| = delta and at x = y (finite differences straddle them).
    const a = tensor([0.3, -2.5, 1.7, 0.05, -0.6, 4], { ...f64, requiresGrad: true });
    const b = tensor([0, 0.5, -1, 0.4, 0.2, 1], { ...f64, requiresGrad: true });
    expect(gradcheck((u, v) => huberLoss(u, v, { delta: 0.5 }), [a, b])).toBe(true);
    expect(gradcheck((u, v) => smoothL1Loss(u, v, { beta: 2 }), [a, b])).toBe(true);
    expect(gradcheck((u, v) => smoothL1Loss(u, v, { beta: 0 }), [a, b])).toBe(true);
    const y = tensor([1, -1, -1, 1, -1], f64);
    expect(gradcheck((u, v) => cosineEmbeddingLoss(u, v, y, { margin: -0.9 }), [x(), x()])).toBe(true);
  });
});

describe('small cases worked out by hand', () => {
  const f64 = { dtype: 'float64' as const };

  it('klDiv', () => {
    // input = log q with q = [0.25, 0.75], target p = [0.5, 0.5]:
    //   0.5·(ln 0.5 − ln 0.25) = 0.5 ln 2   = 0.34657359
    //   0.5·(ln 0.5 − ln 0.75) = 0.5 ln 2/3 = −0.20273255
    //   sum = 0.14384104 (batchmean of one row: the same), mean over 2 elements = 0.07192052
    const logQ = tensor([[0.25, 0.75]], f64).log();
    const p = tensor([[0.5, 0.5]], f64);
    expectClose(klDiv(logQ, p, { reduction: 'none' }), [0.34657359, -0.20273255], { atol: 1e-8 });
    expect(klDiv(logQ, p, { reduction: 'sum' }).item()).toBeCloseTo(0.14384104, 8);
    expect(klDiv(logQ, p, { reduction: 'batchmean' }).item()).toBeCloseTo(0.14384104, 8);
    expect(klDiv(logQ, p).item()).toBeCloseTo(0.07192052, 8);
    // logTarget: exp(ln 0.5)·(ln 0.5 − ln q) is the same number.
    expectClose(klDiv(logQ, p.log(), { logTarget: true, reduction: 'none' }), [0.34657359, -0.20273255], {
      atol: 1e-8,
    });
    // batchmean divides by the batch size only: two equal rows of 2 classes give the same 0.14384104.
    expect(klDiv(logQ.expand([2, 2]), p.expand([2, 2]), { reduction: 'batchmean' }).item()).toBeCloseTo(
      0.14384104,
      8,
    );
    // A zero in the target: 0·(ln 0 − x) is 0, not NaN. input = [ln 0.5, ln 0.5], target = [0, 1]:
    //   [0, 1·(0 − ln 0.5)] = [0, ln 2 = 0.69314718]; with reduction 'sum' d/dinput = −target = [0, −1]
    //   and d/dtarget = ln t + 1 − input = [0 (at t = 0), 0 + 1 + ln 2 = 1.69314718].
    const x = tensor([0.5, 0.5], f64).log().requiresGrad_();
    const t = tensor([0, 1], { ...f64, requiresGrad: true });
    const loss = klDiv(x, t, { reduction: 'none' });
    expectClose(loss, [0, Math.LN2], { atol: 1e-12 }); // ln 2 = 0.69314718
    loss.sum().backward();
    expectClose(x.grad!, [0, -1], { atol: 1e-12 });
    expectClose(t.grad!, [0, 1.69314718], { atol: 1e-8 });
    // log q = −∞ (q = 0) against p = 0 is 0 too, with no NaN in either gradient (PyTorch 1.13: NaN).
    const logQ0 = tensor([Number.NEGATIVE_INFINITY, 0], { ...f64, requiresGrad: true });
    const p0 = tensor([0, 1], { ...f64, requiresGrad: true });
    const edge = klDiv(logQ0, p0, { reduction: 'sum' });
    expect(edge.item()).toBe(0); // 0 + 1·(ln 1 − 0)
    edge.backward();
    expectClose(logQ0.grad!, [0, -1], { atol: 0, rtol: 0 });
    expect(p0.grad!.toArray()).toEqual([0, 1]); // ln 1 + 1 − 0
  });

  it('huberLoss and smoothL1Loss', () => {
    // d = input − target = [0, 0.5, 3, −2]; delta = 1:
    //   [0, 0.5²/2 = 0.125, 1·(3 − 0.5) = 2.5, 1·(2 − 0.5) = 1.5]; sum 4.125, mean 1.03125
    //   d/dinput of the sum = [0, d = 0.5, +delta = 1, −delta = −1]
    // delta = 2: [0, 0.125, 2·(3 − 1) = 4, |−2| is not < 2: 2·(2 − 1) = 2 (= (−2)²/2, the pieces meet)]
    //   gradient [0, 0.5, 2, −2]
    const input = tensor([0, 0.5, 3, -2], { ...f64, requiresGrad: true });
    const zero = tensor([0, 0, 0, 0], f64);
    const loss = huberLoss(input, zero, { reduction: 'none' });
    expect(loss.toArray()).toEqual([0, 0.125, 2.5, 1.5]);
    expect(huberLoss(input, zero).item()).toBe(1.03125);
    loss.sum().backward();
    expect(input.grad!.toArray()).toEqual([0, 0.5, 1, -1]);
    input.grad = null;
    const wide = huberLoss(input, zero, { delta: 2, reduction: 'sum' });
    expect(wide.item()).toBe(6.125);
    wide.backward();
    expect(input.grad!.toArray()).toEqual([0, 0.5, 2, -2]);
    // smoothL1 with beta = 2 is huber with delta = 2, divided by 2: [0, 0.0625, 2, 1]; beta = 0 is |d|.
    expect(smoothL1Loss(input, zero, { beta: 2, reduction: 'none' }).toArray()).toEqual([0, 0.0625, 2, 1]);
    expect(smoothL1Loss(input, zero, { beta: 0, reduction: 'none' }).toArray()).toEqual([0, 0.5, 3, 2]);
  });

  it('cosineEmbeddingLoss and crossEntropy with label smoothing and an ignored row', () => {
    // cos([1, 0], [1, 1]) = 1/√2 (ε = 1e-12 moves it by 1e-12): y = 1 gives 1 − 1/√2 = 0.29289322;
    // cos([1, 0], [0, 1]) = 0: y = −1 gives max(0, 0 − margin), 0 for margin 0, 0.5 for margin −0.5.
    const a = tensor(
      [
        [1, 0],
        [1, 0],
      ],
      f64,
    );
    const b = tensor(
      [
        [1, 1],
        [0, 1],
      ],
      f64,
    );
    const y = tensor([1, -1]);
    expectClose(cosineEmbeddingLoss(a, b, y, { reduction: 'none' }), [0.29289322, 0], { atol: 1e-8 });
    expectClose(cosineEmbeddingLoss(a, b, y, { reduction: 'none', margin: -0.5 }), [0.29289322, 0.5], {
      atol: 1e-8,
    });
    // logits [2, 0, 0], class 0: L = ln(e² + 2) = ln 9.3890561 = 2.23954477,
    // log p = [−0.23954477, −2.23954477, −2.23954477].
    // ε = 0.1: 0.9·0.23954477 + 0.1/3·(0.23954477 + 2·2.23954477) = 0.21559029 + 0.15728781 = 0.37287810.
    // The second row's target is ignored: the mean is over the one row left.
    const logits = tensor(
      [
        [2, 0, 0],
        [0, 0, 3],
      ],
      f64,
    );
    const target = tensor([0, -100], { dtype: 'int32' });
    expect(crossEntropy(logits, target).item()).toBeCloseTo(0.23954477, 8);
    expect(crossEntropy(logits, target, { labelSmoothing: 0.1 }).item()).toBeCloseTo(0.3728781, 8);
    expect(crossEntropy(logits, target, { reduction: 'none' }).toArray()).toEqual([
      expect.closeTo(0.23954477, 8),
      0,
    ]);
  });

  it('crossEntropy keeps its one fused op where nothing is ignored or smoothed', () => {
    // The ops of a loss's graph, by name (each node once).
    const opsOf = (t: Tensor): string[] => {
      const names: string[] = [];
      const stack = [t.gradFn];
      const seen = new Set();
      while (stack.length > 0) {
        const node = stack.pop();
        if (!node || seen.has(node)) continue;
        seen.add(node);
        names.push(node.name);
        for (const input of node.inputs) stack.push(input.gradFn);
      }
      return names.sort();
    };
    const logits = randn([4, 3], { requiresGrad: true });
    // The mean is a sum and a div.
    expect(opsOf(crossEntropy(logits, tensor([0, 2, 1, 1], { dtype: 'int32' })))).toEqual([
      'crossEntropy',
      'div',
      'sum',
    ]);
    // An ignored target: the same fused op, then a where (the rows kept) before the mean.
    expect(opsOf(crossEntropy(logits, tensor([0, -100, 1, 1], { dtype: 'int32' })))).toEqual([
      'crossEntropy',
      'div',
      'sum',
      'where',
    ]);
  });
});

describe('bad input is rejected with a clear error', () => {
  const int = (v: number | number[] | number[][]) => tensor(v, { dtype: 'int32' });

  it('crossEntropy and nllLoss', () => {
    expect(() =>
      crossEntropy(
        randn([2, 3, 4]),
        int([
          [0, 1, 2],
          [0, 1, 2],
        ]),
      ),
    ).toThrow(ShapeError);
    expect(() =>
      crossEntropy(
        randn([2, 3, 4]),
        int([
          [0, 1, 2],
          [0, 1, 2],
        ]),
      ),
    ).toThrow('crossEntropy: target of shape [2,3] does not match input [2,3,4] (expected [2,4])');
    expect(() => crossEntropy(randn([2, 3]), int([0, 1]), { labelSmoothing: 1.5 })).toThrow(
      'crossEntropy: labelSmoothing must be in [0, 1], got 1.5',
    );
    expect(() => crossEntropy(randn([2, 3]), int([0, -1]))).toThrow(IndexError);
    expect(() => crossEntropy(randn([2, 3]), int([0, -1]))).toThrow(
      'crossEntropy: target -1 at index 1 is out of range for 3 classes',
    );
    expect(() => crossEntropy(randn([2, 3]), int([0, -1]), { ignoreIndex: -1 })).not.toThrow();
    expect(() => crossEntropy(randn([2, 3]), int([0, 1]), { ignoreIndex: 0.5 })).toThrow(
      'crossEntropy: ignoreIndex must be an integer, got 0.5',
    );
    expect(() => crossEntropy(randn([2, 3]), randn([2, 3]).softmax(1), { ignoreIndex: 0 })).toThrow(
      'crossEntropy: ignoreIndex is not supported for probability targets, got 0',
    );
    expect(() => crossEntropy(randn([2, 3, 4]), randn([2, 3, 4]), { weight: randn([4]) })).toThrow(
      'crossEntropy: weight must have shape [3], got [4]',
    );
    expect(() => crossEntropy(randn([]), int(0))).toThrow(ShapeError);
    // Float class indices of [N, d] against [N, C, d] scores: neither int32 indices nor probabilities.
    expect(() => crossEntropy(randn([2, 3, 4]), randn([2, 4]))).toThrow(DTypeError);
    expect(() => crossEntropy(randn([2, 3, 4]), randn([2, 3, 5]))).toThrow(
      'crossEntropy: logits of shape [2,3,4] and probability target of shape [2,3,5] must have the same shape',
    );
    expect(() => nllLoss(randn([2, 3]), tensor([0, 1]))).toThrow(
      'nllLoss: class targets must be an int32 tensor of indices, got float32',
    );
    expect(() => nllLoss(randn([2, 3]), int([0, 1]), { weight: randn([3, 1]) })).toThrow(
      'nllLoss: weight must have shape [3], got [3,1]',
    );
  });

  it('klDiv, huberLoss, smoothL1Loss', () => {
    expect(() => klDiv(randn([2, 3]), randn([3]))).toThrow(
      'klDiv: input of shape [2,3] and target of shape [3] must have the same shape',
    );
    // @ts-expect-error not a reduction
    expect(() => klDiv(randn([2]), randn([2]), { reduction: 'avg' })).toThrow(ValueError);
    expect(() => huberLoss(randn([2]), randn([2]), { delta: 0 })).toThrow(
      'huberLoss: delta must be > 0, got 0',
    );
    expect(() => huberLoss(randn([2, 1]), randn([2]))).toThrow(
      'huberLoss: input of shape [2,1] and target of shape [2] must have the same shape',
    );
    expect(() => smoothL1Loss(randn([2]), randn([2]), { beta: -1 })).toThrow(
      'smoothL1Loss: beta must be >= 0, got -1',
    );
    expect(() => smoothL1Loss(randn([2]), randn([2]), { beta: Number.NaN })).toThrow(ValueError);
    // @ts-expect-error not a reduction
    expect(() => huberLoss(randn([2]), randn([2]), { reduction: 'batchmean' })).toThrow(
      "huberLoss: reduction must be 'mean', 'sum' or 'none', got 'batchmean'",
    );
  });

  it('cosineEmbeddingLoss', () => {
    expect(() => cosineEmbeddingLoss(randn([3, 2]), randn([3, 4]), tensor([1, 1, 1]))).toThrow(
      'cosineEmbeddingLoss: x1 of shape [3,2] and x2 of shape [3,4] must have the same shape',
    );
    expect(() => cosineEmbeddingLoss(randn([3, 2]), randn([3, 2]), tensor([1, 1]))).toThrow(
      'cosineEmbeddingLoss: expected inputs [N, D] with labels [N] or inputs [D] with a 0-d label, got [3,2] and labels [2]',
    );
    expect(() => cosineEmbeddingLoss(randn([2]), randn([2]), tensor([1]))).toThrow(ShapeError);
    expect(() => cosineEmbeddingLoss(randn([2, 2]), randn([2, 2]), tensor([1, 0]))).toThrow(
      'cosineEmbeddingLoss: targets must be -1 or +1, got 0 at flat index 1',
    );
  });
});
