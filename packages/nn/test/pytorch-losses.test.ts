// Every loss and its gradients against PyTorch, with each reduction (fixtures/generate_nn.py).
import type { Tensor } from '@backprop/core';
import { describe, expect, it } from 'vitest';
import {
  bceWithLogits,
  binaryCrossEntropy,
  crossEntropy,
  hingeLoss,
  l1Loss,
  mseLoss,
  multiMarginLoss,
  nllLoss,
} from '../src/index.js';
import { decode, type Encoded, expectClose, readFixture } from './helpers.js';

interface LossCase {
  name: string;
  fn: string;
  options: Record<string, unknown>;
  input: Encoded;
  target: Encoded;
  output: Encoded;
  upstream: Encoded;
  inputGrad: Encoded;
  targetGrad?: Encoded;
  weight?: Encoded;
  posWeight?: Encoded;
}

type LossFn = (input: Tensor, target: Tensor, options: Record<string, unknown>) => Tensor;
const LOSSES: Record<string, LossFn> = {
  mseLoss,
  l1Loss,
  crossEntropy,
  nllLoss,
  binaryCrossEntropy,
  bceWithLogits,
  hingeLoss,
  multiMarginLoss,
};

const { losses } = readFixture<{ losses: LossCase[] }>('nn.json');

describe('losses match PyTorch', () => {
  it('covers every loss with every reduction', () => {
    for (const fn of Object.keys(LOSSES)) {
      const reductions = losses.filter((c) => c.fn === fn).map((c) => c.options.reduction ?? 'mean');
      expect(new Set(reductions)).toEqual(new Set(['mean', 'sum', 'none']));
    }
  });

  for (const c of losses) {
    it(c.name, () => {
      const input = decode(c.input).requiresGrad_();
      const target = decode(c.target);
      if (c.targetGrad) target.requiresGrad_();
      const options = { ...c.options };
      if (c.weight) options.weight = decode(c.weight);
      if (c.posWeight) options.posWeight = decode(c.posWeight);
      const out = LOSSES[c.fn]!(input, target, options);
      expectClose(out, c.output);
      out.backward(decode(c.upstream));
      // BCE's gradient at x = 0 or 1 is (x - y) / 1e-12, as PyTorch: compare relatively.
      expectClose(input.grad, c.inputGrad, 1e-10, 1e-8);
      if (c.targetGrad) expectClose(target.grad, c.targetGrad);
    });
  }
});
