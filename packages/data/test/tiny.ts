// Hand-written stand-ins for @backprop/nn and @backprop/optim, built from core ops, that implement
// fit()'s structural interfaces.
import { Generator, isGradEnabled, noGrad, randn, type Tensor, zeros } from '@backprop/core';
import type { OptimizerLike, TrainableModel } from '../src/index.js';

/** y = x W + b, recording the mode calls and whether each forward recorded a graph. */
export class TinyLinear implements TrainableModel {
  readonly w: Tensor;
  readonly b: Tensor;
  readonly calls: string[] = [];

  constructor(inFeatures: number, outFeatures: number, seed = 0) {
    this.w = randn([inFeatures, outFeatures], { generator: new Generator(seed) })
      .mul(0.1)
      .requiresGrad_();
    this.b = zeros([outFeatures], { requiresGrad: true });
  }

  forward(x: Tensor): Tensor {
    this.calls.push(isGradEnabled() ? 'forward+grad' : 'forward');
    return x.matmul(this.w).add(this.b);
  }

  train(): this {
    this.calls.push('train');
    return this;
  }

  eval(): this {
    this.calls.push('eval');
    return this;
  }

  parameters(): Tensor[] {
    return [this.w, this.b];
  }
}

/** Plain gradient descent: p <- p - lr * grad. */
export function tinySgd(params: Tensor[], lr: number): OptimizerLike & { paramGroups: { lr: number }[] } {
  const group = { lr };
  return {
    paramGroups: [group],
    zeroGrad: () => {
      for (const p of params) p.zeroGrad();
    },
    step: () => {
      noGrad(() => {
        for (const p of params) if (p.grad) p.copy_(p.sub(p.grad.mul(group.lr)));
      });
    },
  };
}

export const mse = (output: Tensor, target: Tensor): Tensor => output.sub(target).square().mean();

/** Mean cross-entropy of [N, C] logits against int32 classes. */
export const crossEntropy = (logits: Tensor, target: Tensor): Tensor =>
  logits.logSoftmax(1).gather(1, target.unsqueeze(1)).mean().neg();
