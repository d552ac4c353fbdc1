import {
  abs,
  argmax,
  cat,
  clamp,
  cos,
  elu,
  exp,
  leakyRelu,
  log,
  logSoftmax,
  logsumexp,
  matmul,
  max,
  maximum,
  mean,
  min,
  minimum,
  neg,
  reciprocal,
  relu,
  sigmoid,
  sin,
  softmax,
  softplus,
  sqrt,
  square,
  step,
  sum,
  type Tensor,
  tanh,
  tensor,
  ValueError,
  zeros,
} from '@backprop/core';
import { describe, expect, it } from 'vitest';
import { expectClose, tensorF64 } from './helpers.js';

const NaN_ = Number.NaN;

describe('NaN propagates', () => {
  it('through relu, leakyRelu, elu, sigmoid, tanh, softplus and clamp', () => {
    for (const f of [relu, leakyRelu, elu, sigmoid, tanh, softplus, (t: Tensor) => clamp(t, 0, 1)]) {
      const y = f(tensor([NaN_, 1])).toArray() as number[];
      expect(y[0]).toBeNaN();
    }
  });

  it('through maximum and minimum from either side', () => {
    expect((maximum(tensor([NaN_, 1]), tensor([1, NaN_])).toArray() as number[]).every(Number.isNaN)).toBe(
      true,
    );
    expect((minimum(tensor([NaN_, 1]), tensor([1, NaN_])).toArray() as number[]).every(Number.isNaN)).toBe(
      true,
    );
  });

  it('through max, min and sum reductions, wherever the NaN sits', () => {
    const x = tensor([
      [NaN_, 1, 2],
      [1, 2, 3],
      [1, NaN_, 0],
    ]);
    expect(max(x, 1).toArray()).toEqual([NaN_, 3, NaN_]);
    expect(min(x, 1).toArray()).toEqual([NaN_, 1, NaN_]);
    expect(max(x).item()).toBeNaN();
    expect(sum(x, 0).toArray()).toEqual([NaN_, NaN_, 5]);
  });

  it('argmax points at the NaN, as PyTorch', () => {
    expect(argmax(tensor([1, NaN_, 3])).item()).toBe(1);
  });

  it('softmax of a row holding NaN is NaN in that row only', () => {
    const y = softmax(
      tensor([
        [NaN_, 0],
        [0, 0],
      ]),
      1,
    ).toArray() as number[][];
    expect(y[0]!.every(Number.isNaN)).toBe(true);
    expect(y[1]).toEqual([0.5, 0.5]);
  });
});

describe('zero-size dims', () => {
  it('sum over a zero-size dim is zeros; over another dim an empty tensor', () => {
    const s = zeros([0, 3]).sum(0);
    expect(s.shape).toEqual([3]);
    expect(s.toArray()).toEqual([0, 0, 0]);
    expect(zeros([0, 3]).sum(1).shape).toEqual([0]);
    expect(zeros([0, 3]).sum().item()).toBe(0);
  });

  it('mean over nothing is NaN; max over nothing throws', () => {
    expect(mean(zeros([0, 2]), 0).toArray()).toEqual([NaN_, NaN_]);
    expect(() => max(zeros([0, 2]), 0)).toThrow(ValueError);
  });

  it('elementwise, reshape, cat and matmul keep zero-size shapes', () => {
    expect(exp(zeros([0, 3])).shape).toEqual([0, 3]);
    expect(zeros([0, 3]).add(zeros([3])).shape).toEqual([0, 3]);
    expect(zeros([0, 3]).reshape([3, -1]).shape).toEqual([3, 0]);
    expect(cat([zeros([0, 2]), tensor([[1, 2]])], 0).toArray()).toEqual([[1, 2]]);
    expect(matmul(zeros([2, 0]), zeros([0, 3])).toArray()).toEqual([
      [0, 0, 0],
      [0, 0, 0],
    ]);
  });

  it('backward through an empty tensor gives an empty gradient', () => {
    const x = zeros([0, 3]).requiresGrad_();
    x.mul(2).sum().backward();
    expect(x.grad!.shape).toEqual([0, 3]);
  });
});

describe('0-d tensors through every unary op', () => {
  const ops: [string, (t: Tensor) => Tensor, (v: number) => number][] = [
    ['neg', neg, (v) => -v],
    ['exp', exp, Math.exp],
    ['log', log, Math.log],
    ['sqrt', sqrt, Math.sqrt],
    ['abs', abs, Math.abs],
    ['sin', sin, Math.sin],
    ['cos', cos, Math.cos],
    ['square', square, (v) => v * v],
    ['reciprocal', reciprocal, (v) => 1 / v],
    ['relu', relu, (v) => Math.max(v, 0)],
    ['sigmoid', sigmoid, (v) => 1 / (1 + Math.exp(-v))],
    ['tanh', tanh, Math.tanh],
    ['leakyRelu', (t) => leakyRelu(t), (v) => (v > 0 ? v : 0.01 * v)],
    ['elu', (t) => elu(t), (v) => (v > 0 ? v : Math.expm1(v))],
    ['softplus', softplus, (v) => Math.log1p(Math.exp(v))],
    ['step', step, (v) => (v > 0 ? 1 : 0)],
    ['clamp', (t) => clamp(t, 0.5, 1), (v) => Math.min(Math.max(v, 0.5), 1)],
    ['softmax', (t) => softmax(t, 0), () => 1],
    ['logSoftmax', (t) => logSoftmax(t, -1), () => 0],
    ['logsumexp', (t) => logsumexp(t), (v) => v],
  ];

  it.each(ops)('%s keeps shape [] and gives a 0-d gradient', (_, f, ref) => {
    const x = tensorF64(0.7).requiresGrad_();
    const y = f(x);
    expect(y.shape).toEqual([]);
    expectClose(y.item(), ref(0.7), { atol: 1e-12 });
    y.backward();
    expect(x.grad!.shape).toEqual([]);
    expect(Number.isFinite(x.grad!.item())).toBe(true);
  });
});
