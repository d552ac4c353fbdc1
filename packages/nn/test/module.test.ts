import { noGrad, ShapeError, type Tensor, tensor, ValueError, zeros } from '@backprop/core';
import { describe, expect, it } from 'vitest';
import {
  BatchNorm1d,
  Dropout,
  Linear,
  MLP,
  Module,
  Parameter,
  ReLU,
  Sequential,
  Tanh,
} from '../src/index.js';

class Block extends Module {
  scale = new Parameter(tensor([2]));
  fc = new Linear(3, 3);
  forward(x: Tensor): Tensor {
    return this.fc.forward(x).mul(this.scale);
  }
}

class Net extends Module {
  fc1 = new Linear(2, 3);
  blocks = [new Block(), new Block()];
  bn = new BatchNorm1d(3);
  head = new Sequential(new Tanh(), new Linear(3, 1, { bias: false }));
  note = 'not a member';
  cached: Tensor = zeros([1]); // a plain tensor is neither a parameter nor a buffer
  forward(x: Tensor): Tensor {
    let h = this.fc1.forward(x);
    for (const b of this.blocks) h = b.forward(h);
    return this.head.forward(this.bn.forward(h));
  }
}

const snapshot = (m: Module) => Object.entries(m.stateDict()).map(([k, v]) => [k, [...v.data()]]);

describe('Module', () => {
  it('names parameters with PyTorch dotted names: own first, then children in property order', () => {
    expect(new Net().namedParameters().map(([n]) => n)).toEqual([
      'fc1.weight',
      'fc1.bias',
      'blocks.0.scale',
      'blocks.0.fc.weight',
      'blocks.0.fc.bias',
      'blocks.1.scale',
      'blocks.1.fc.weight',
      'blocks.1.fc.bias',
      'bn.weight',
      'bn.bias',
      'head.1.weight',
    ]);
  });

  it('lists children and modules, and parameters() matches namedParameters()', () => {
    const net = new Net();
    expect(net.namedChildren().map(([n]) => n)).toEqual(['fc1', 'blocks.0', 'blocks.1', 'bn', 'head']);
    expect(net.children()).toHaveLength(5);
    expect(net.namedModules().map(([n]) => n)).toEqual([
      '',
      'fc1',
      'blocks.0',
      'blocks.0.fc',
      'blocks.1',
      'blocks.1.fc',
      'bn',
      'head',
      'head.0',
      'head.1',
    ]);
    expect(net.parameters()).toEqual(net.namedParameters().map(([, p]) => p));
    expect(net.parameters().every((p) => p instanceof Parameter && p.requiresGrad)).toBe(true);
  });

  it('lists a shared parameter or module once', () => {
    const shared = new Linear(2, 2);
    const seq = new Sequential(shared, new ReLU(), shared);
    expect(seq.parameters()).toHaveLength(2);
    expect(seq.namedModules().map(([n]) => n)).toEqual(['', '0', '1']);
    // The state dict keeps both names, as PyTorch's does.
    expect(Object.keys(seq.stateDict())).toEqual(['0.weight', '0.bias', '2.weight', '2.bias']);
  });

  it('puts buffers in the state dict under PyTorch names, after the parameters of their module', () => {
    expect(Object.keys(new Net().stateDict())).toEqual([
      'fc1.weight',
      'fc1.bias',
      'blocks.0.scale',
      'blocks.0.fc.weight',
      'blocks.0.fc.bias',
      'blocks.1.scale',
      'blocks.1.fc.weight',
      'blocks.1.fc.bias',
      'bn.weight',
      'bn.bias',
      'bn.running_mean',
      'bn.running_var',
      'bn.num_batches_tracked',
      'head.1.weight',
    ]);
    expect(new Net().namedBuffers().map(([n]) => n)).toEqual([
      'bn.running_mean',
      'bn.running_var',
      'bn.num_batches_tracked',
    ]);
  });

  it('state dict tensors share storage with the model but are detached', () => {
    const fc = new Linear(2, 2);
    const sd = fc.stateDict();
    expect(sd.weight!.requiresGrad).toBe(false);
    noGrad(() => fc.weight.fill_(3)); // a parameter is written under noGrad, as in PyTorch
    expect([...sd.weight!.data()]).toEqual([3, 3, 3, 3]);
  });

  it('train() and eval() set the mode recursively', () => {
    const net = new Net();
    expect(net.namedModules().every(([, m]) => m.training)).toBe(true);
    expect(net.eval()).toBe(net);
    expect(net.namedModules().every(([, m]) => !m.training)).toBe(true);
    net.train();
    expect(net.bn.training && net.head.training).toBe(true);
    net.train(false);
    expect(net.blocks[1]!.fc.training).toBe(false);
  });

  it('zeroGrad() sets every gradient to null', () => {
    const net = new Net();
    net
      .forward(
        tensor([
          [1, 2],
          [3, 4],
        ]),
      )
      .sum()
      .backward();
    expect(net.parameters().every((p) => p.grad !== null)).toBe(true);
    net.zeroGrad();
    expect(net.parameters().every((p) => p.grad === null)).toBe(true);
  });

  it('apply() visits children before parents', () => {
    const seen: string[] = [];
    new Sequential(new Linear(1, 1), new Sequential(new ReLU())).apply((m) => seen.push(m.constructor.name));
    expect(seen).toEqual(['Linear', 'ReLU', 'Sequential', 'Sequential']);
  });

  it('loadStateDict copies values into the existing parameters, converting dtype', () => {
    const a = new Net();
    const b = new Net();
    const weightBefore = b.fc1.weight;
    b.loadStateDict(a.stateDict());
    expect(snapshot(b)).toEqual(snapshot(a));
    expect(b.fc1.weight).toBe(weightBefore);
    const fc = new Linear(2, 1);
    fc.loadStateDict({ weight: tensor([[0.5, 0.25]], { dtype: 'float64' }), bias: tensor([1]) });
    expect(fc.weight.dtype).toBe('float32');
    expect(fc.forward(tensor([[2, 4]])).toArray()).toEqual([[3]]);
  });

  it('a strict loadStateDict rejects missing and unexpected keys and leaves the model unchanged', () => {
    const net = new Net();
    const before = snapshot(net);
    const sd = new Net().stateDict();
    delete sd['bn.running_var'];
    sd.extra = zeros([1]);
    expect(() => net.loadStateDict(sd)).toThrow(ValueError);
    expect(() => net.loadStateDict(sd)).toThrow(
      /missing keys \["bn.running_var"\].*unexpected keys \["extra"\]/,
    );
    expect(snapshot(net)).toEqual(before);
  });

  it('a non-strict loadStateDict loads the common keys and reports the rest', () => {
    const net = new Net();
    const other = new Net();
    const sd = other.stateDict();
    delete sd['fc1.bias'];
    sd.extra = zeros([1]);
    const result = net.loadStateDict(sd, { strict: false });
    expect(result).toEqual({ missingKeys: ['fc1.bias'], unexpectedKeys: ['extra'] });
    expect([...net.fc1.weight.data()]).toEqual([...other.fc1.weight.data()]);
  });

  it('a shape mismatch throws naming the key and both shapes, and writes nothing', () => {
    const net = new Net();
    const before = snapshot(net);
    const sd = new Net().stateDict();
    sd['head.1.weight'] = zeros([1, 4]);
    expect(() => net.loadStateDict(sd)).toThrow(ShapeError);
    expect(() => net.loadStateDict(sd)).toThrow(
      "'head.1.weight': shape [1,4] in the state dict, [1,3] in the model",
    );
    expect(() => net.loadStateDict(sd, { strict: false })).toThrow(ShapeError);
    // fc1 comes before head in the dict, and still was not written.
    expect(snapshot(net)).toEqual(before);
  });

  it('loadStateDict of something that is not a state dict: a TypeError naming it, model unchanged', () => {
    const net = new Net();
    const before = snapshot(net);
    for (const bad of [null, undefined, 3, 'weights', [zeros([1])]]) {
      expect(() => net.loadStateDict(bad as never)).toThrow(TypeError);
    }
    expect(() => net.loadStateDict(null as never)).toThrow(
      'loadStateDict: expected a state dict (an object or Map of Tensors) for Net, got null',
    );
    const sd: Record<string, unknown> = new Net().stateDict();
    sd['fc1.bias'] = [0.5, 0.5, 0.5];
    expect(() => net.loadStateDict(sd as never)).toThrow(
      "loadStateDict: value for 'fc1.bias' in Net is not a Tensor",
    );
    expect(() => net.loadStateDict(new Net().stateDict(), null as never)).toThrow(TypeError);
    expect(snapshot(net)).toEqual(before);
  });

  it('loadStateDict accepts a Map', () => {
    const fc = new Linear(1, 1);
    fc.loadStateDict(
      new Map([
        ['weight', tensor([[2]])],
        ['bias', tensor([1])],
      ]),
    );
    expect(fc.forward(tensor([[3]])).item()).toBe(7);
  });

  it('describes the module tree like PyTorch', () => {
    expect(String(new Sequential(new Linear(2, 2), new ReLU(), new Dropout(0.2)))).toBe(
      'Sequential(\n  (0): Linear(2, 2)\n  (1): ReLU()\n  (2): Dropout(p=0.2)\n)',
    );
  });
});

describe('Parameter', () => {
  it('is a leaf Tensor that requires grad and shares its data', () => {
    const data = tensor([1, 2]);
    const p = new Parameter(data);
    expect(p.isLeaf && p.requiresGrad).toBe(true);
    expect(p.storage).toBe(data.storage);
    expect(new Parameter(tensor([1]), false).requiresGrad).toBe(false);
    expect(new Parameter(tensor([1]).mul(2)).isLeaf).toBe(true);
  });

  it('counts 26 learnable parameters in the lecture 3-4-2 network', () => {
    const net = new MLP([3, 4, 2]);
    expect(net.parameters().reduce((n, p) => n + p.size, 0)).toBe(26);
    const weights = net.namedParameters().filter(([n]) => n.endsWith('weight'));
    expect(weights.reduce((n, [, p]) => n + p.size, 0)).toBe(20);
  });
});

describe('Module.requiresGrad_', () => {
  it('freezes a submodule: its parameters get no .grad, the others still do; returns this', () => {
    const first = new Linear(3, 4);
    const last = new Linear(4, 2);
    const model = new Sequential(first, new ReLU(), last);
    expect(first.requiresGrad_(false)).toBe(first);
    expect(model.parameters().map((p) => p.requiresGrad)).toEqual([false, false, true, true]);
    model
      .forward(tensor([[1, -2, 0.5]]))
      .square()
      .sum()
      .backward();
    expect([first.weight.grad, first.bias!.grad]).toEqual([null, null]);
    expect(last.weight.grad).not.toBeNull();
    expect(last.bias!.grad).not.toBeNull();
  });

  it('applies recursively, defaults to true, and unfreezing trains the parameters again', () => {
    const block = new Block();
    const model = new Sequential(block, new Linear(3, 1));
    expect(model.requiresGrad_(false)).toBe(model);
    expect(model.parameters().every((p) => !p.requiresGrad)).toBe(true);
    const out = model.forward(tensor([[1, 2, 3]]));
    expect(out.requiresGrad).toBe(false); // nothing to differentiate: a frozen model records no graph
    block.requiresGrad_();
    expect(model.namedParameters().map(([n, p]) => [n, p.requiresGrad])).toEqual([
      ['0.scale', true],
      ['0.fc.weight', true],
      ['0.fc.bias', true],
      ['1.weight', false],
      ['1.bias', false],
    ]);
    model
      .forward(tensor([[1, 2, 3]]))
      .sum()
      .backward();
    expect(block.scale.grad).not.toBeNull();
    expect(block.fc.weight.grad).not.toBeNull();
    expect(model.parameters()[3]!.grad).toBeNull();
  });
});
