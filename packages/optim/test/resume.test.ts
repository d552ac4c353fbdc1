// Saving mid-training and loading into fresh objects continues exactly as an uninterrupted run.
import { Generator, randint, randn, type Tensor } from '@backprop/core';
import { Adagrad, Adam, AdamW, type Optimizer, RMSprop, SGD, StepLR } from '@backprop/optim';
import { describe, expect, it } from 'vitest';
import { fromJsonValue, toJsonValue } from './helpers.js';

const dataGen = new Generator(11);
const X = randn([64, 2], { dtype: 'float64', generator: dataGen });
const Y = X.slice(1, 0, 1)
  .sin()
  .add(X.slice(1, 1, 2).square().mul(0.5));

interface Net {
  w1: Tensor;
  b1: Tensor;
  w2: Tensor;
  b2: Tensor;
}

// A 2-layer tanh network from core ops: y = tanh(x W1ᵀ + b1) W2ᵀ + b2.
function initNet(seed: number): Net {
  const g = new Generator(seed);
  const p = (shape: number[]) => randn(shape, { dtype: 'float64', generator: g }).mul(0.5).requiresGrad_();
  return { w1: p([8, 2]), b1: p([8]), w2: p([1, 8]), b2: p([1]) };
}

const paramsOf = (net: Net): Tensor[] => [net.w1, net.b1, net.w2, net.b2];

function trainStep(net: Net, opt: Optimizer, sched: StepLR, batchGen: Generator): void {
  const idx = randint(0, 64, [16], { generator: batchGen });
  const h = X.indexSelect(0, idx).matmul(net.w1.t()).add(net.b1).tanh();
  const loss = h.matmul(net.w2.t()).add(net.b2).sub(Y.indexSelect(0, idx)).square().mean();
  opt.zeroGrad();
  loss.backward();
  opt.step();
  sched.step();
}

type MakeOptimizer = (params: Tensor[]) => Optimizer;

const optimizers: [string, MakeOptimizer][] = [
  ['SGD with momentum', (ps) => new SGD(ps, { lr: 0.1, momentum: 0.9, weightDecay: 1e-3 })],
  ['SGD with Nesterov momentum', (ps) => new SGD(ps, { lr: 0.1, momentum: 0.9, nesterov: true })],
  ['Adam', (ps) => new Adam(ps, { lr: 0.01 })],
  ['Adam with amsgrad', (ps) => new Adam(ps, { lr: 0.01, amsgrad: true, weightDecay: 1e-3 })],
  ['AdamW', (ps) => new AdamW(ps, { lr: 0.01 })],
  ['RMSprop centered with momentum', (ps) => new RMSprop(ps, { lr: 0.01, centered: true, momentum: 0.5 })],
  ['Adagrad', (ps) => new Adagrad(ps, { lr: 0.1, lrDecay: 0.01 })],
];

const TOTAL = 20;
const SAVE_AT = 9;

function run(make: MakeOptimizer, steps: number) {
  const net = initNet(3);
  const opt = make(paramsOf(net));
  const sched = new StepLR(opt, { stepSize: 4, gamma: 0.5 });
  const batchGen = new Generator(5);
  for (let t = 0; t < steps; t++) trainStep(net, opt, sched, batchGen);
  return { net, opt, sched, batchGen };
}

describe('resuming from JSON state dicts continues bit-identically', () => {
  for (const [name, make] of optimizers) {
    it(`${name} + StepLR, saved after ${SAVE_AT} of ${TOTAL} steps`, () => {
      const straight = run(make, TOTAL);

      const first = run(make, SAVE_AT);
      const file = JSON.stringify({
        params: toJsonValue(paramsOf(first.net)),
        optimizer: toJsonValue(first.opt.stateDict()),
        scheduler: first.sched.stateDict(),
        generator: first.batchGen.getState(),
      });

      // Fresh objects, from the saved text only.
      const saved = JSON.parse(file);
      const [w1, b1, w2, b2] = (fromJsonValue(saved.params) as Tensor[]).map((t) => t.requiresGrad_());
      const net: Net = { w1: w1!, b1: b1!, w2: w2!, b2: b2! };
      const opt = make(paramsOf(net));
      const sched = new StepLR(opt, { stepSize: 4, gamma: 0.5 });
      opt.loadStateDict(fromJsonValue(saved.optimizer) as ReturnType<Optimizer['stateDict']>);
      sched.loadStateDict(saved.scheduler);
      const batchGen = new Generator().setState(saved.generator);
      for (let t = SAVE_AT; t < TOTAL; t++) trainStep(net, opt, sched, batchGen);

      paramsOf(net).forEach((p, i) => {
        expect(Array.from(p.data())).toEqual(Array.from(paramsOf(straight.net)[i]!.data()));
      });
      expect(sched.getLastLr()).toEqual(straight.sched.getLastLr());
      const group = opt.paramGroups[0]!;
      expect(group.lr).toBe(straight.opt.paramGroups[0]!.lr);
      expect(group.lr).toBeCloseTo(group.initialLr! * 0.5 ** Math.floor(TOTAL / 4), 15);
    });
  }
});
