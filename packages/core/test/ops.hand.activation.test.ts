import {
  elu,
  leakyRelu,
  logSoftmax,
  logsumexp,
  relu,
  sigmoid,
  softmax,
  softplus,
  step,
  tanh,
  tensor,
} from '@backprop/core';
import { describe, expect, it } from 'vitest';
import { expectClose, gradsOf, tensorF64 } from './helpers.js';

const LN2 = Math.log(2);

describe('piecewise activations', () => {
  it('relu: max(x, 0) with gradient 0 at x == 0', () => {
    expect(relu(tensor([-1, 0, 2])).toArray()).toEqual([0, 0, 2]);
    expect(gradsOf((x) => x.relu().sum(), [[-1, 0, 2]])[0]!.toArray()).toEqual([0, 0, 1]);
  });

  it("relu's gradient passes dy where x is NaN and stops even an infinite dy where x <= 0 (PyTorch's threshold_backward)", () => {
    const x = tensor([Number.NaN, -1, -0, 0.5], { requiresGrad: true });
    const dy = tensor([2, Number.POSITIVE_INFINITY, Number.NaN, 3]);
    x.relu().backward(dy);
    const g = Array.from(x.grad!.data());
    expect(g[0]).toBe(2);
    expect(Object.is(g[1], 0)).toBe(true);
    expect(Object.is(g[2], 0)).toBe(true);
    expect(g[3]).toBe(3);
  });

  it("relu's gradient is differentiable in dy under createGraph (a gradient penalty)", () => {
    // L = sum(relu(x) * w); dL/dx = w * [x > 0]; d/dw of sum((dL/dx)^2) = 2 w [x > 0].
    const x = tensorF64([-2, 1, 3]).requiresGrad_();
    const w = tensorF64([5, -4, 0.5]).requiresGrad_();
    x.relu().mul(w).sum().backward(undefined, { createGraph: true });
    const dx = x.grad!;
    expectClose(dx, [0, -4, 0.5], { atol: 0 });
    w.grad = null;
    dx.square().sum().backward();
    expectClose(w.grad!, [0, -8, 1], { atol: 0 });
  });

  it('leakyRelu: default slope 0.01, or the one given', () => {
    expectClose(leakyRelu(tensor([-10, 0, 2])), [-0.1, 0, 2]);
    expectClose(leakyRelu(tensor([-10, 0, 2]), 0.1), [-1, 0, 2]);
    expectClose(gradsOf((x) => x.leakyRelu().sum(), [[-10, 0, 2]])[0]!, [0.01, 0.01, 1], { atol: 1e-12 });
    expectClose(gradsOf((x) => x.leakyRelu(0.1).sum(), [[-10, 0, 2]])[0]!, [0.1, 0.1, 1], { atol: 1e-12 });
  });

  it('elu: alpha (e^x - 1) below 0, alpha 1 by default', () => {
    expectClose(elu(tensorF64([-1, 0, 2])), [Math.exp(-1) - 1, 0, 2], { atol: 1e-12 });
    expectClose(elu(tensorF64([-1, 2]), 0.5), [0.5 * (Math.exp(-1) - 1), 2], { atol: 1e-12 });
    const [dx] = gradsOf((x) => x.elu(0.5).sum(), [[-1, 2]]);
    expectClose(dx!, [0.5 * Math.exp(-1), 1], { atol: 1e-12 });
  });

  it('step: 1 where x > 0, else 0; its gradient is a tensor of zeros', () => {
    expect(step(tensor([-1, 0, 2])).toArray()).toEqual([0, 0, 1]);
    const [dx] = gradsOf(
      (x) =>
        x
          .step()
          .mul(tensorF64([3, 4, 5]))
          .sum(),
      [[-1, 0, 2]],
    );
    expect(dx).not.toBeNull();
    expect(dx!.toArray()).toEqual([0, 0, 0]);
  });
});

describe('smooth activations', () => {
  it('sigmoid: 0.5 at 0 with slope 1/4, saturating to exactly 0 and 1 without NaN', () => {
    expectClose(sigmoid(tensorF64([0, 2])), [0.5, 1 / (1 + Math.exp(-2))], { atol: 1e-12 });
    expect(sigmoid(tensorF64([-1000, 1000])).toArray()).toEqual([0, 1]);
    expect(gradsOf((x) => x.sigmoid().sum(), [[0, 1000]])[0]!.toArray()).toEqual([0.25, 0]);
  });

  it('tanh: odd, slope 1 at 0', () => {
    expectClose(tanh(tensorF64([-1, 0, 1])), [-Math.tanh(1), 0, Math.tanh(1)], { atol: 1e-12 });
    expectClose(gradsOf((x) => x.tanh().sum(), [[0, 1]])[0]!, [1, 1 - Math.tanh(1) ** 2], { atol: 1e-12 });
  });

  it('softplus: ln 2 at 0, linear above 20, tiny and finite far below', () => {
    expectClose(softplus(tensorF64([0, 100])), [LN2, 100], { atol: 1e-12 });
    expectClose(softplus(tensorF64([-100])), [Math.exp(-100)], { atol: 0, rtol: 1e-9 });
    expectClose(gradsOf((x) => x.softplus().sum(), [[0]])[0]!, [0.5], { atol: 1e-12 });
  });
});

describe('softmax, logSoftmax, logsumexp', () => {
  it('softmax rows sum to one along the given dim, negative dims included', () => {
    const x = tensorF64([
      [1, 2, 3],
      [1, 1, 1],
    ]);
    const e = [Math.exp(1), Math.exp(2), Math.exp(3)];
    const z = e[0]! + e[1]! + e[2]!;
    expectClose(softmax(x, -1), [...e.map((v) => v / z), 1 / 3, 1 / 3, 1 / 3], { atol: 1e-12 });
    expectClose(softmax(x, 0).sum(0), [1, 1, 1], { atol: 1e-12 });
  });

  it('stay finite at logits of +-1000', () => {
    const x = tensorF64([
      [1000, 1000],
      [1000, -1000],
      [-1000, -1000],
    ]);
    expectClose(softmax(x, 1), [0.5, 0.5, 1, 0, 0.5, 0.5], { atol: 1e-12 });
    expectClose(logSoftmax(x, 1), [-LN2, -LN2, 0, -2000, -LN2, -LN2], { atol: 1e-9 });
    expectClose(logsumexp(x, 1), [1000 + LN2, 1000, -1000 + LN2], { atol: 1e-9 });
    // Gradients at the extremes, by hand: softmax s, so d lse = dy s, d logSoftmax = dy - s sum(dy).
    const up = [
      [1, 2],
      [3, 4],
      [5, 6],
    ];
    const rows = x.toArray() as number[][];
    expectClose(gradsOf((t) => t.softmax(1), [rows], up)[0]!, [-0.25, 0.25, 0, 0, -0.25, 0.25], {
      atol: 1e-12,
    });
    expectClose(gradsOf((t) => t.logSoftmax(1), [rows], up)[0]!, [-0.5, 0.5, -4, 4, -0.5, 0.5], {
      atol: 1e-12,
    });
    expectClose(gradsOf((t) => t.logsumexp(1), [rows], [1, 2, 3])[0]!, [0.5, 0.5, 2, 0, 1.5, 1.5], {
      atol: 1e-12,
    });
  });

  it('gradients by hand: logsumexp gives softmax, logSoftmax rows of zero-sum gradient', () => {
    const [dl] = gradsOf((t) => t.logsumexp(0), [[0, LN2]]);
    expectClose(dl!, [1 / 3, 2 / 3], { atol: 1e-12 });
    const [ds] = gradsOf((t) => t.logSoftmax(0).sum(), [[1, 2, 3]]);
    expectClose(ds!.sum(), [0], { atol: 1e-12 });
    // d softmax_0 / d x = s0 (1 - s0), -s0 s1
    const [dx] = gradsOf((t) => t.softmax(0).slice(0, 0, 1).sum(), [[0, 0]]);
    expectClose(dx!, [0.25, -0.25], { atol: 1e-12 });
  });

  it('logsumexp over several dims, all dims, keepDim, and an all -inf row', () => {
    const x = tensorF64([
      [0, 0],
      [0, 0],
    ]);
    expectClose(logsumexp(x), [Math.log(4)], { atol: 1e-12 });
    expect(logsumexp(x).shape).toEqual([]);
    expect(logsumexp(x, [0, 1], true).shape).toEqual([1, 1]);
    expect(logsumexp(x, 1, true).shape).toEqual([2, 1]);
    expect(logsumexp(tensorF64([-Infinity, -Infinity]), 0).item()).toBe(-Infinity);
  });
});
