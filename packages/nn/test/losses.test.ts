import {
  DTypeError,
  Generator,
  grad,
  gradcheck,
  IndexError,
  randn,
  ShapeError,
  type Tensor,
  tensor,
  ValueError,
} from '@backprop/core';
import { describe, expect, it } from 'vitest';
import {
  bceWithLogits,
  binaryCrossEntropy,
  crossEntropy,
  hingeLoss,
  mseLoss,
  multiMarginLoss,
  nllLoss,
  zeroOneLoss,
} from '../src/index.js';

const f64 = { dtype: 'float64' as const };
const labels = tensor([0, 2, 1], { dtype: 'int32' });

describe('losses by hand', () => {
  it('mseLoss and hingeLoss', () => {
    expect(mseLoss(tensor([1, 2]), tensor([1, 4])).item()).toBe(2);
    expect(mseLoss(tensor([1, 2]), tensor([1, 4]), { reduction: 'sum' }).item()).toBe(4);
    // max(0, 1 - 1*2) = 0 and max(0, 1 - 1*(-0.5)) = 1.5
    expect(hingeLoss(tensor([2, -0.5]), tensor([1, 1])).item()).toBe(0.75);
    expect(hingeLoss(tensor([2, -0.5]), tensor([1, 1]), { reduction: 'none' }).toArray()).toEqual([0, 1.5]);
  });

  it('crossEntropy is finite for logits of +-1000 and matches log(3) for equal logits', () => {
    const logits = tensor(
      [
        [1000, -1000, 0],
        [-1000, -1000, -1000],
      ],
      { requiresGrad: true },
    );
    const loss = crossEntropy(logits, tensor([1, 2], { dtype: 'int32' }), { reduction: 'none' });
    const [a, b] = loss.toArray() as number[];
    expect(a).toBeCloseTo(2000, 3);
    expect(b).toBeCloseTo(Math.log(3), 3); // float32 near 1000 has a spacing of 6e-5
    loss.sum().backward();
    expect([...logits.grad!.data()].every(Number.isFinite)).toBe(true);
    expect(crossEntropy(tensor([0, 0]), tensor(1, { dtype: 'int32' })).item()).toBeCloseTo(Math.log(2), 6);
  });

  it('crossEntropy reads int32 scores as float32 and logits of any layout', () => {
    // log(e + e^3) - 3 = log(1 + e^-2)
    const ints = crossEntropy(tensor([[1, 3]], { dtype: 'int32' }), tensor([1], { dtype: 'int32' }));
    expect(ints.dtype).toBe('float32');
    expect(ints.item()).toBeCloseTo(Math.log1p(Math.exp(-2)), 6);
    // A transposed view and its dense copy give the same losses and the same gradients.
    const base = tensor([
      [0.5, -1, 2],
      [3, 0, -0.25],
    ]);
    const target = tensor([1, 0, 1], { dtype: 'int32' });
    const view = base.t().detach().requiresGrad_();
    const dense = base.t().contiguous().requiresGrad_();
    const up = tensor([0.5, -2, 1]);
    const [a, b] = [view, dense].map((l) => crossEntropy(l, target, { reduction: 'none' }));
    expect(a!.toArray()).toEqual(b!.toArray());
    a!.backward(up);
    b!.backward(up);
    expect(view.grad!.toArray()).toEqual(dense.grad!.toArray());
  });

  it('bceWithLogits is finite for logits of +-1000', () => {
    const x = tensor([1000, -1000, 1000], { requiresGrad: true });
    const loss = bceWithLogits(x, tensor([1, 0, 0]), { reduction: 'none' });
    expect(loss.toArray()).toEqual([0, 0, 1000]);
    loss.sum().backward();
    expect(x.grad!.toArray()).toEqual([0, 0, 1]);
  });

  it('binaryCrossEntropy clamps log at -100 as PyTorch', () => {
    expect(binaryCrossEntropy(tensor([0, 1]), tensor([1, 0]), { reduction: 'none' }).toArray()).toEqual([
      100, 100,
    ]);
  });

  it("binaryCrossEntropy's target gradient at x = 0 and 1 is PyTorch's: ±Infinity (-logit x, unclamped)", () => {
    // torch 1.13: F.binary_cross_entropy(x, y, reduction='sum') with y.requires_grad gives
    // y.grad = [inf, -inf, 0, 46.0517] for x = [0, 1, 0.5, 1e-20].
    const x = tensor([0, 1, 0.5, 1e-20], { dtype: 'float64', requiresGrad: true });
    const y = tensor([1, 0, 1, 0.5], { dtype: 'float64', requiresGrad: true });
    binaryCrossEntropy(x, y, { reduction: 'sum' }).backward();
    const g = [...y.grad!.data()];
    expect(g.slice(0, 3)).toEqual([Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 0]);
    expect(g[3]).toBeCloseTo(46.0517018599, 9);
    expect([...x.grad!.data()]).toEqual([-1e12, 1e12, -2, (1e-20 - 0.5) / 1e-12]); // PyTorch: [-1e12, 1e12, -2, -5e11]
  });

  it('a target without requiresGrad gets no gradient, and the input still does', () => {
    const x = tensor([0.3, 0.8], { dtype: 'float64', requiresGrad: true });
    const y = tensor([1, 0], { dtype: 'float64' });
    binaryCrossEntropy(x, y).backward();
    expect(y.grad).toBeNull();
    expect(x.grad!.data()[0]).toBeCloseTo(-0.5 / 0.3, 12);
    // Only the target requires grad: d/dy of the mean is (log(1 - x) - log(x)) / 2.
    const t = tensor([0.2, 0.7], { dtype: 'float64', requiresGrad: true });
    binaryCrossEntropy(tensor([0.3, 0.8], { dtype: 'float64' }), t).backward();
    expect(t.grad!.data()[0]).toBeCloseTo((Math.log(0.7) - Math.log(0.3)) / 2, 14);
    expect(t.grad!.data()[1]).toBeCloseTo((Math.log(0.2) - Math.log(0.8)) / 2, 14);
  });

  it('zeroOneLoss counts sign errors for [N] scores and argmax errors for [N, C]', () => {
    expect(zeroOneLoss(tensor([0.3, -2, 1]), tensor([1, 1, -1])).item()).toBeCloseTo(2 / 3, 6);
    expect(zeroOneLoss(tensor([0, 0.1]), tensor([-1, 1]), { reduction: 'sum' }).item()).toBe(0);
    const scores = tensor([
      [1, 3],
      [2, 0],
      [0, 5],
    ]);
    const y = tensor([1, 1, 1], { dtype: 'int32' });
    expect(zeroOneLoss(scores, y).item()).toBeCloseTo(1 / 3, 6);
    expect(zeroOneLoss(scores, y, { reduction: 'none' }).toArray()).toEqual([0, 1, 0]);
    expect(zeroOneLoss(scores.requiresGrad_(), y).requiresGrad).toBe(false);
    // One score column per example is read as [N] scores, not as a single class.
    expect(zeroOneLoss(tensor([[0.3], [-2], [1]]), tensor([[1], [1], [-1]])).item()).toBeCloseTo(2 / 3, 6);
  });
});

describe('bad input is rejected with a clear error', () => {
  it('mismatched shapes never broadcast silently', () => {
    expect(() => mseLoss(randn([4, 1]), randn([4]))).toThrow(ShapeError);
    expect(() => mseLoss(randn([4, 1]), randn([4]))).toThrow(
      'mseLoss: input of shape [4,1] and target of shape [4] must have the same shape',
    );
  });

  it('class targets must be in-range int32 indices of the right length', () => {
    expect(() => crossEntropy(randn([3, 3]), tensor([0, 3, 1], { dtype: 'int32' }))).toThrow(
      'crossEntropy: target 3 at index 1 is out of range for 3 classes',
    );
    expect(() => crossEntropy(randn([3, 3]), tensor([0, 1, 1]).reshape([1, 3]))).toThrow(ShapeError);
    expect(() => nllLoss(randn([3, 3]), tensor([0, 1, 1]))).toThrow(DTypeError);
    expect(() => crossEntropy(randn([3, 3]), tensor([0, 1, 1]))).toThrow(
      'crossEntropy: class-index targets must be int32, got float32 of shape [3]',
    );
    expect(() => nllLoss(randn([3, 3]), tensor([0, 1], { dtype: 'int32' }))).toThrow(ShapeError);
    expect(() => multiMarginLoss(randn([3, 3]), tensor([0, -1, 1], { dtype: 'int32' }))).toThrow(IndexError);
  });

  it('reduction, hinge targets and BCE probabilities are checked', () => {
    // @ts-expect-error not a reduction
    expect(() => mseLoss(randn([2]), randn([2]), { reduction: 'avg' })).toThrow(
      "mseLoss: reduction must be 'mean', 'sum' or 'none', got 'avg'",
    );
    expect(() => hingeLoss(randn([3]), tensor([1, 0, 1]))).toThrow(
      'hingeLoss: targets must be -1 or +1, got 0 at flat index 1',
    );
    expect(() => binaryCrossEntropy(tensor([0.5, 1.5]), tensor([1, 0]))).toThrow(ValueError);
    expect(() => crossEntropy(randn([2, 3]), randn([2, 3]), { weight: randn([2]) })).toThrow(ShapeError);
    expect(() => nllLoss(randn([3, 3]), labels, { weight: randn([2]) })).toThrow(
      'weight must have shape [3]',
    );
  });
});

describe('gradcheck in float64', () => {
  it('crossEntropy (fused backward), with weights and probability targets', () => {
    const x = randn([3, 3], { ...f64, requiresGrad: true });
    expect(gradcheck((l) => crossEntropy(l, labels), [x])).toBe(true);
    const w = tensor([0.5, 2, 1], f64);
    expect(gradcheck((l) => crossEntropy(l, labels, { weight: w, reduction: 'sum' }), [x])).toBe(true);
    const p = randn([3, 3], f64).softmax(1);
    expect(gradcheck((l) => crossEntropy(l, p), [x])).toBe(true);
  });

  it('crossEntropy supports gradients of gradients', () => {
    const x = randn([2, 3], { ...f64, requiresGrad: true });
    const target = tensor([1, 0], { dtype: 'int32' });
    expect(gradcheck((l) => crossEntropy(l, target, { reduction: 'sum' }), [x])).toBe(true);
    const loss = crossEntropy(x, target, { reduction: 'sum' });
    loss.backward(undefined, { createGraph: true });
    const g = x.grad!;
    x.grad = null;
    g.square().sum().backward();
    expect([...x.grad!.data()].every(Number.isFinite)).toBe(true);
    // The gradient's own rule, checked numerically: d/dx and d/d(upstream) of a weighted gradient,
    // through per-example losses so that the upstream gradient is not a constant.
    const w = randn([2, 3], f64);
    const up = randn([2], { ...f64, requiresGrad: true });
    const weightedGrad = (l: Tensor, u: Tensor) =>
      grad((z: Tensor) => crossEntropy(z, target, { reduction: 'none' }).mul(u).sum())(l)
        .mul(w)
        .sum();
    expect(gradcheck(weightedGrad, [x, up])).toBe(true);
  });

  it('binaryCrossEntropy, bceWithLogits, multiMarginLoss and hingeLoss', () => {
    const p = randn([5], f64).sigmoid().requiresGrad_();
    const y = tensor([1, 0, 1, 0.3, 0], f64);
    expect(gradcheck((q) => binaryCrossEntropy(q, y), [p])).toBe(true);
    // The target too, where the loss is smooth in it (any y; x away from 0 and 1).
    const soft = tensor([0.9, 0.1, 0.6, 0.3, 0.5], { ...f64, requiresGrad: true });
    expect(gradcheck((q, t) => binaryCrossEntropy(q, t), [p, soft])).toBe(true);
    const z = randn([5], { ...f64, requiresGrad: true });
    expect(gradcheck((s) => bceWithLogits(s, y, { posWeight: tensor([3], f64) }), [z])).toBe(true);
    const m = tensor(
      [
        [0.1, 0.9, -0.4],
        [1.2, -0.3, 0.35],
        [0.05, 0.6, -1.1],
      ],
      { ...f64, requiresGrad: true },
    );
    expect(gradcheck((s) => multiMarginLoss(s, labels, { p: 2 }), [m])).toBe(true);
    const s = tensor([0.3, -1.7, 2.4, -0.2], { ...f64, requiresGrad: true });
    expect(gradcheck((v) => hingeLoss(v, tensor([1, -1, 1, 1], f64)), [s])).toBe(true);
  });
});

describe('crossEntropy one-pass kernel', () => {
  // The composed definition: −mean(logSoftmax(x)[n, target[n]]).
  const composed = (x: Tensor, t: Tensor) => x.logSoftmax(1).gather(1, t.unsqueeze(1)).mean().neg();

  it('matches logSoftmax + gather, forward and backward, in float32 and float64', () => {
    const target = tensor([3, 0, 9, 9, 1, 5], { dtype: 'int32' });
    for (const dtype of ['float32', 'float64'] as const) {
      const x = randn([6, 10], { dtype, generator: new Generator(4) }).mul(3);
      const [a, b] = [x.clone().requiresGrad_(), x.clone().requiresGrad_()];
      const got = crossEntropy(a, target);
      const want = composed(b, target);
      const tol = dtype === 'float32' ? 1e-6 : 1e-14;
      expect(got.item()).toBeCloseTo(want.item(), dtype === 'float32' ? 5 : 12);
      got.backward();
      want.backward();
      const diff = a.grad!.sub(b.grad!).abs().max().item();
      expect(diff).toBeLessThan(tol);
    }
  });

  it('leaves rows with infinite or NaN logits to the composed ops', () => {
    const x = tensor([
      [Number.NEGATIVE_INFINITY, 0, 1],
      [2, 0, 1],
    ]);
    expect(crossEntropy(x, tensor([1, 0], { dtype: 'int32' })).item()).toBeCloseTo(
      composed(x, tensor([1, 0], { dtype: 'int32' })).item(),
      6,
    );
    expect(crossEntropy(tensor([[Number.NaN, 0]]), tensor([1], { dtype: 'int32' })).item()).toBeNaN();
  });
});
