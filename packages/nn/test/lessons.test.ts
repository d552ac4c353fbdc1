// The lecture examples (../shared/seeds) as tests, built from nn layers. Plain gradient descent is
// written here with noGrad + copy_, so these tests do not depend on @backprop/optim.
import { Generator, noGrad, type Tensor, tensor } from '@backprop/core';
import { describe, expect, it } from 'vitest';
import { Linear, MLP, type Module, mseLoss, Sequential, Sigmoid } from '../src/index.js';

function descend(model: Module, loss: Tensor, lr: number): void {
  model.zeroGrad();
  loss.backward();
  noGrad(() => {
    for (const p of model.parameters()) p.copy_(p.sub(p.grad!.mul(lr)));
  });
}

/** Full batch: one update per pass over the data, on the mean loss. */
function trainFullBatch(model: Module, x: Tensor, y: Tensor, lr: number, epochs: number): void {
  for (let e = 0; e < epochs; e++) descend(model, mseLoss(model.forward(x), y), lr);
}

/** Online (stochastic): one update per example, in order. */
function trainOnline(model: Module, x: Tensor, y: Tensor, lr: number, epochs: number): void {
  const n = x.shape[0]!;
  for (let e = 0; e < epochs; e++) {
    for (let i = 0; i < n; i++) {
      descend(model, mseLoss(model.forward(x.slice(0, i, i + 1)), y.slice(0, i, i + 1)), lr);
    }
  }
}

const predictions = (model: Module, x: Tensor) => [...noGrad(() => model.forward(x)).data()];
const correct = (model: Module, x: Tensor, y: Tensor) => {
  const labels = [...y.data()];
  return predictions(model, x).filter((p, i) => p > 0.5 === labels[i]! > 0.5).length;
};

describe('lesson 003: a sigmoid network with given weights', () => {
  it('outputs [0.62, 0.83] for [1, -1] and [0.51, 0.85] for [0, 0]', () => {
    const net = new Sequential(
      new Linear(2, 2),
      new Sigmoid(),
      new Linear(2, 2),
      new Sigmoid(),
      new Linear(2, 2),
      new Sigmoid(),
    );
    net.loadStateDict({
      '0.weight': tensor([
        [1, -2],
        [-1, 1],
      ]),
      '0.bias': tensor([1, 0]),
      '2.weight': tensor([
        [2, -1],
        [-2, -1],
      ]),
      '2.bias': tensor([0, 0]),
      '4.weight': tensor([
        [3, -1],
        [-1, 4],
      ]),
      '4.bias': tensor([-2, 2]),
    });
    const round = (t: Tensor) => [...t.data()].map((v) => Math.round(v * 100) / 100);
    expect(round(net.forward(tensor([1, -1])))).toEqual([0.62, 0.83]);
    expect(round(net.forward(tensor([0, 0])))).toEqual([0.51, 0.85]);
    expect(
      round(
        net.forward(
          tensor([
            [1, -1],
            [0, 0],
          ]),
        ),
      ),
    ).toEqual([0.62, 0.83, 0.51, 0.85]);
  });

  it('a fully connected 3-4-2 network has 4 + 2 neurons, 20 weights and 26 learnable parameters', () => {
    const net = new MLP([3, 4, 2], { activation: 'sigmoid' });
    const count = (ps: Tensor[]) => ps.reduce((n, p) => n + p.size, 0);
    expect(count(net.parameters())).toBe(26);
    expect(
      count(
        net
          .namedParameters()
          .filter(([n]) => n.endsWith('weight'))
          .map(([, p]) => p),
      ),
    ).toBe(20);
    expect(
      count(
        net
          .namedParameters()
          .filter(([n]) => n.endsWith('bias'))
          .map(([, p]) => p),
      ),
    ).toBe(6);
  });
});

describe('lesson 001: XOR with a 2-3-1 sigmoid network and squared error', () => {
  const x = tensor([
    [0, 0],
    [0, 1],
    [1, 0],
    [1, 1],
  ]);
  const y = tensor([[0], [1], [1], [0]]);
  const xorNet = (seed: number) =>
    new MLP([2, 3, 1], {
      activation: 'sigmoid',
      outputActivation: 'sigmoid',
      generator: new Generator(seed),
    });

  it('is learned by full-batch gradient descent', () => {
    const net = xorNet(1);
    trainFullBatch(net, x, y, 5, 3000);
    const out = predictions(net, x);
    expect(out.map((p) => p > 0.5)).toEqual([false, true, true, false]);
    expect(Math.max(...out.map((p, i) => Math.abs(p - [0, 1, 1, 0][i]!)))).toBeLessThan(0.1);
  });

  it('is learned by online updates, one example at a time', () => {
    const net = xorNet(1);
    trainOnline(net, x, y, 2, 1500);
    const out = predictions(net, x);
    expect(out.map((p) => p > 0.5)).toEqual([false, true, true, false]);
    expect(Math.max(...out.map((p, i) => Math.abs(p - [0, 1, 1, 0][i]!)))).toBeLessThan(0.1);
  });
});

describe('lesson 000: the Hokies placards', () => {
  // Image 1, image 2, image 3 -> Run (0) or Pass (1)
  const x = tensor([
    [1, 0, 1],
    [0, 1, 1],
    [0, 0, 1],
    [1, 1, 1],
    [0, 1, 1],
    [1, 0, 1],
  ]);
  const y = tensor([[0], [1], [0], [1], [1], [0]]);

  it('one layer learns them, and image 2 (which correlates with Pass) gets the largest weight', () => {
    const layer = new Linear(3, 1, { bias: false, generator: new Generator(0) });
    trainOnline(layer, x, y, 0.1, 60);
    expect(correct(layer, x, y)).toBe(6);
    const w = [...layer.weight.data()];
    expect(w.indexOf(Math.max(...w))).toBe(1);
  });

  // Pass when exactly one of images 1 and 2 is shown: no single layer separates it.
  const xc = tensor([
    [1, 0, 1],
    [0, 1, 1],
    [0, 0, 1],
    [1, 1, 1],
  ]);
  const yc = tensor([[1], [1], [0], [0]]);

  it('the conflicting table is not learnable by one layer: at most 3 of 4 right from any seed', () => {
    for (let seed = 0; seed < 5; seed++) {
      const layer = new Sequential(new Linear(3, 1, { generator: new Generator(seed) }), new Sigmoid());
      trainFullBatch(layer, xc, yc, 2, 500);
      expect(correct(layer, xc, yc)).toBeLessThanOrEqual(3);
    }
  });

  it('the conflicting table is learned by a network with a hidden layer', () => {
    const net = new MLP([3, 4, 1], {
      activation: 'sigmoid',
      outputActivation: 'sigmoid',
      generator: new Generator(3),
    });
    trainFullBatch(net, xc, yc, 5, 2000);
    expect(correct(net, xc, yc)).toBe(4);
  });
});
