import {
  Generator,
  gradcheck,
  manualSeed,
  ones,
  randn,
  ShapeError,
  tensor,
  ValueError,
} from '@backprop/core';
import { describe, expect, it } from 'vitest';
import {
  BatchNorm1d,
  BatchNorm2d,
  Conv2d,
  Dropout,
  Identity,
  LeakyReLU,
  Linear,
  Maxout,
  MaxPool2d,
  MLP,
  type Module,
  ReLU,
  Sequential,
  Sigmoid,
  Step,
  Tanh,
} from '../src/index.js';

const params = (m: Module) => m.parameters().map((p) => [...p.data()]);

describe('input shape checks name the layer, the expected and the actual shape', () => {
  it('Linear', () => {
    const fc = new Linear(3, 4);
    const before = params(fc);
    expect(() => fc.forward(randn([2, 5]))).toThrow(ShapeError);
    expect(() => fc.forward(randn([2, 5]))).toThrow(
      'Linear(3, 4): expected input with last dim 3, got shape [2,5]',
    );
    expect(() => fc.forward(tensor(1))).toThrow('got shape []');
    expect(params(fc)).toEqual(before);
  });

  it('Conv2d', () => {
    const conv = new Conv2d(3, 8, 3);
    expect(() => conv.forward(randn([2, 1, 8, 8]))).toThrow(
      'Conv2d(3, 8, kernelSize=[3,3]): expected input [N, 3, H, W] or [3, H, W], got shape [2,1,8,8]',
    );
    expect(() => conv.forward(randn([8, 8]))).toThrow(ShapeError);
  });

  it('BatchNorm1d and BatchNorm2d', () => {
    expect(() => new BatchNorm1d(4).forward(randn([8, 3]))).toThrow(
      'BatchNorm1d(4): expected input [N, 4] or [N, 4, L], got shape [8,3]',
    );
    expect(() => new BatchNorm2d(4).forward(randn([8, 4]))).toThrow(
      'BatchNorm2d(4): expected input [N, 4, H, W], got shape [8,4]',
    );
  });

  it('Maxout, pools, and a Sequential passing the error through', () => {
    expect(() => new Maxout(2, 1, 2).forward(randn([3, 4]))).toThrow(
      'Maxout(2, 1, pieces=2): expected input',
    );
    expect(() => new MaxPool2d(2).forward(randn([4, 4]))).toThrow(
      'MaxPool2d(2): expected input [N, C, H, W]',
    );
    const model = new Sequential(new Linear(2, 3), new ReLU(), new Linear(4, 1));
    expect(() => model.forward(randn([5, 2]))).toThrow(
      'Linear(4, 1): expected input with last dim 4, got shape [5,3]',
    );
  });

  it('BatchNorm refuses one value per channel in training, and leaves its statistics alone', () => {
    const bn = new BatchNorm1d(3);
    expect(() => bn.forward(randn([1, 3]))).toThrow('expected more than 1 value per channel when training');
    expect(bn.numBatchesTracked!.item()).toBe(0);
    expect(bn.eval().forward(randn([1, 3])).shape).toEqual([1, 3]);
  });
});

describe('constructor arguments are validated', () => {
  it('rejects bad sizes', () => {
    expect(() => new Linear(0, 2)).toThrow(ValueError);
    expect(() => new Linear(2.5, 2)).toThrow('Linear: inFeatures must be a positive integer, got 2.5');
    expect(() => new Conv2d(3, 4, 3, { groups: 2 })).toThrow('must be divisible by groups');
    expect(() => new Dropout(1.5)).toThrow('Dropout: p must be in [0, 1], got 1.5');
    expect(() => new MLP([3])).toThrow('MLP: sizes needs at least');
    // @ts-expect-error an unknown activation name
    expect(() => new MLP([2, 2, 1], { activation: 'swish' })).toThrow("MLP: unknown activation 'swish'");
  });
});

describe('PyTorch default initialization', () => {
  it('Linear draws weight and bias from U(-1/sqrt(in), 1/sqrt(in))', () => {
    manualSeed(1);
    const fc = new Linear(100, 200);
    const w = [...fc.weight.data()];
    const b = [...fc.bias!.data()];
    const bound = 1 / Math.sqrt(100);
    expect(Math.max(...w.map(Math.abs))).toBeLessThanOrEqual(bound);
    expect(Math.max(...b.map(Math.abs))).toBeLessThanOrEqual(bound);
    // U(-r, r) has standard deviation r / sqrt(3); 20,000 draws pin it to about 1%.
    const std = Math.sqrt(w.reduce((s, v) => s + v * v, 0) / w.length);
    expect(std).toBeCloseTo(bound / Math.sqrt(3), 3);
    expect(Math.max(...w.map(Math.abs))).toBeGreaterThan(0.99 * bound);
  });

  it('Conv2d uses fanIn = inC/groups * kh * kw', () => {
    const conv = new Conv2d(4, 8, [3, 2], { groups: 2 });
    expect(conv.weight.shape).toEqual([8, 2, 3, 2]);
    const bound = 1 / Math.sqrt(2 * 3 * 2);
    expect(Math.max(...[...conv.weight.data()].map(Math.abs))).toBeLessThanOrEqual(bound);
    expect(Math.max(...[...conv.bias!.data()].map(Math.abs))).toBeLessThanOrEqual(bound);
  });

  it('is reproducible from a seed or a generator', () => {
    manualSeed(7);
    const a = [...new Linear(3, 3).weight.data()];
    manualSeed(7);
    const b = [...new Linear(3, 3).weight.data()];
    expect(a).toEqual(b);
    const c = [...new Linear(3, 3, { generator: new Generator(7) }).weight.data()];
    const d = [...new Linear(3, 3, { generator: new Generator(7) }).weight.data()];
    expect(c).toEqual(d);
  });

  it('honours bias: false and dtype', () => {
    const fc = new Linear(2, 3, { bias: false, dtype: 'float64' });
    expect(fc.bias).toBeNull();
    expect(fc.weight.dtype).toBe('float64');
    expect(fc.namedParameters().map(([n]) => n)).toEqual(['weight']);
  });
});

describe('Dropout', () => {
  it('zeroes about p of the elements, scales the rest by 1/(1-p), and is the identity in eval', () => {
    const drop = new Dropout(0.25, { generator: new Generator(3) });
    const y = [...drop.forward(ones([4000])).data()];
    expect(new Set(y)).toEqual(new Set([0, Math.fround(1 / 0.75)]));
    const kept = y.filter((v) => v > 0).length / y.length;
    expect(kept).toBeGreaterThan(0.72);
    expect(kept).toBeLessThan(0.78);
    const x = randn([3, 3]);
    expect(drop.eval().forward(x)).toBe(x);
  });

  it('masks the gradient with the same mask, and is seeded', () => {
    const x = ones([50]).requiresGrad_();
    const y = new Dropout(0.5, { generator: new Generator(9) }).forward(x);
    y.sum().backward();
    expect([...x.grad!.data()]).toEqual([...y.data()]);
    const again = new Dropout(0.5, { generator: new Generator(9) }).forward(ones([50]));
    expect([...again.data()]).toEqual([...y.data()]);
    expect([...new Dropout(1).forward(ones([3])).data()]).toEqual([0, 0, 0]);
    expect([...new Dropout(0).forward(ones([3])).data()]).toEqual([1, 1, 1]);
  });
});

describe('Maxout', () => {
  it("is the lecture's max(w1.x + b1, w2.x + b2)", () => {
    const unit = new Maxout(2, 1, 2);
    unit.loadStateDict({
      weight: tensor([
        [1, -1],
        [-2, 0.5],
      ]),
      bias: tensor([0.5, 1]),
    });
    // x = [1, 2]: piece 1 = 1 - 2 + 0.5 = -0.5, piece 2 = -2 + 1 + 1 = 0
    // x = [-1, 0]: piece 1 = -1 + 0.5 = -0.5, piece 2 = 2 + 1 = 3
    expect(
      unit
        .forward(
          tensor([
            [1, 2],
            [-1, 0],
          ]),
        )
        .toArray(),
    ).toEqual([[0], [3]]);
  });

  it('passes gradcheck in float64', () => {
    const unit = new Maxout(3, 2, 3, { dtype: 'float64' });
    const x = randn([4, 3], { dtype: 'float64', requiresGrad: true });
    expect(gradcheck((input) => unit.forward(input), [x])).toBe(true);
  });
});

describe('gradcheck in float64', () => {
  it('BatchNorm in training mode (batch statistics) and Conv2d with groups', () => {
    const bn = new BatchNorm2d(2, { dtype: 'float64' });
    const x = randn([3, 2, 2, 2], { dtype: 'float64', requiresGrad: true });
    expect(gradcheck((input) => bn.forward(input), [x])).toBe(true);
    const conv = new Conv2d(4, 2, 2, { groups: 2, padding: 1, stride: 2, dtype: 'float64' });
    const y = randn([2, 4, 3, 3], { dtype: 'float64', requiresGrad: true });
    expect(gradcheck((input) => conv.forward(input), [y])).toBe(true);
  });
});

describe('Sequential and MLP', () => {
  it('Sequential indexes, iterates, appends and calls', () => {
    const a = new Linear(2, 2);
    const seq = new Sequential(a, new ReLU());
    expect(seq[0]).toBe(a);
    expect(seq.length).toBe(2);
    seq.append(new Identity());
    expect([...seq].map((m) => m.constructor.name)).toEqual(['Linear', 'ReLU', 'Identity']);
    const x = randn([3, 2]);
    expect([...seq.call(x).data()]).toEqual([...a.forward(x).relu().data()]);
    expect(new Sequential().forward(x)).toBe(x);
    // @ts-expect-error not a module
    expect(() => new Sequential(a, 3)).toThrow('Sequential: item 1 is not a Module');
  });

  it('MLP builds Linear layers with activations between them', () => {
    const mlp = new MLP([2, 3, 3, 1], { activation: 'tanh', outputActivation: 'sigmoid' });
    expect([...mlp].map((m) => m.constructor.name)).toEqual([
      'Linear',
      'Tanh',
      'Linear',
      'Tanh',
      'Linear',
      'Sigmoid',
    ]);
    const custom = new MLP([2, 4, 1], { activation: () => new LeakyReLU(0.1), bias: false });
    expect((custom[1] as LeakyReLU).negativeSlope).toBe(0.1);
    expect(custom.namedParameters().map(([n]) => n)).toEqual(['0.weight', '2.weight']);
    expect([...new MLP([2, 1])].map((m) => m.constructor.name)).toEqual(['Linear']);
    expect(new MLP([2, 2], { outputActivation: 'step' })[1]).toBeInstanceOf(Step);
    expect(new MLP([2, 2, 2])[1]).toBeInstanceOf(ReLU);
    expect(new MLP([2, 2, 2], { activation: 'sigmoid' })[1]).toBeInstanceOf(Sigmoid);
    expect(new MLP([2, 2, 2], { activation: 'tanh' })[1]).toBeInstanceOf(Tanh);
  });
});

describe('activations', () => {
  it('Step is the hard threshold with zero gradient; LeakyReLU slope is settable', () => {
    const x = tensor([-1, 0, 2], { requiresGrad: true });
    const y = new Step().forward(x);
    expect(y.toArray()).toEqual([0, 0, 1]);
    y.sum().backward();
    expect(x.grad!.toArray()).toEqual([0, 0, 0]);
    const leaky = new LeakyReLU();
    expect(leaky.negativeSlope).toBe(0.01);
    leaky.negativeSlope = 0.1;
    expect(leaky.forward(tensor([-10, 2])).toArray()).toEqual([-1, 2]);
  });
});
