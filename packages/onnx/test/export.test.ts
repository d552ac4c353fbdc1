import { cat, manualSeed, noGrad, randint, randn, type Tensor, tensor, where } from '@backprop/core';
import {
  AdaptiveAvgPool2d,
  type AnyModule,
  AvgPool2d,
  BatchNorm1d,
  BatchNorm2d,
  Conv1d,
  Conv2d,
  Dropout,
  ELU,
  Embedding,
  Flatten,
  GELU,
  Hardtanh,
  LayerNorm,
  LeakyReLU,
  Linear,
  LogSoftmax,
  MaxPool2d,
  Module,
  MultiheadAttention,
  ReLU,
  Sequential,
  Sigmoid,
  SiLU,
  Softmax,
  Softplus,
  Tanh,
} from '@backprop/nn';
import { describe, expect, test } from 'vitest';
import { exportOnnx, OnnxExportError } from '../src/index.js';
import { expectSameOutputs } from './helpers.js';

/** Exports `model` on `inputs`, runs it in onnxruntime-web and compares with backprop's forward. */
async function roundTrip(model: Module<Tensor[], Tensor>, inputs: Tensor[], options = {}): Promise<number> {
  const bytes = exportOnnx(model, inputs, options);
  const want = noGrad(() => model.forward(...inputs));
  return expectSameOutputs(bytes, inputs, [want]);
}

/** A model whose forward is a function of its inputs (and the layers it is given). */
class Fn extends Module<Tensor[], Tensor> {
  constructor(
    readonly layers: AnyModule[],
    readonly fn: (self: Fn, ...xs: Tensor[]) => Tensor,
  ) {
    super();
  }
  forward(...xs: Tensor[]): Tensor {
    return this.fn(this, ...xs);
  }
}

describe('exportOnnx runs in onnxruntime-web with backprop outputs', () => {
  test('MLP with a dynamic batch axis, at two batch sizes', async () => {
    manualSeed(0);
    const model = new Sequential(
      new Linear(4, 16),
      new ReLU(),
      new Linear(16, 8),
      new Tanh(),
      new Linear(8, 3),
      new Sigmoid(),
    );
    const bytes = exportOnnx(model, [randn([2, 4])], {
      inputNames: ['x'],
      outputNames: ['y'],
      dynamicAxes: { x: { 0: 'batch' }, y: { 0: 'batch' } },
    });
    for (const n of [1, 7]) {
      const x = randn([n, 4]);
      await expectSameOutputs(bytes, [x], [noGrad(() => model.forward(x))]);
    }
  });

  test('LeNet-style CNN: Conv2d, BatchNorm2d (eval), pools, Flatten, Dropout, LogSoftmax', async () => {
    manualSeed(1);
    const model = new Sequential(
      new Conv2d(1, 4, 3, { padding: 1 }),
      new BatchNorm2d(4),
      new ReLU(),
      new MaxPool2d(2),
      new Conv2d(4, 6, 3, { stride: 1 }),
      new ReLU(),
      new AvgPool2d(2),
      new AdaptiveAvgPool2d(1),
      new Flatten(),
      new Dropout(0.5),
      new Linear(6, 10),
      new LogSoftmax(1),
    );
    // A few training steps' statistics, so that the running mean and variance are not 0 and 1.
    for (let i = 0; i < 3; i++) noGrad(() => model.forward(randn([4, 1, 14, 14]).mul(2).add(1)));
    model.eval();
    const x = randn([3, 1, 14, 14]);
    const bytes = exportOnnx(model, [x], { dynamicAxes: { input: { 0: 'batch' }, output: { 0: 'batch' } } });
    await expectSameOutputs(bytes, [x], [noGrad(() => model.forward(x))]);
    const x2 = randn([5, 1, 14, 14]);
    await expectSameOutputs(bytes, [x2], [noGrad(() => model.forward(x2))]);
  });

  test('export leaves the training mode as it was', () => {
    const model = new Sequential(new Linear(2, 2), new Dropout(0.5));
    exportOnnx(model, [randn([1, 2])]);
    expect(model.training).toBe(true);
  });

  test('Conv1d, BatchNorm1d, unbatched Conv2d', async () => {
    manualSeed(2);
    const seq = new Sequential(
      new Conv1d(3, 5, 3, { padding: 2, dilation: 2 }),
      new BatchNorm1d(5),
      new ELU(0.7),
    );
    for (let i = 0; i < 2; i++) noGrad(() => seq.forward(randn([4, 3, 9])));
    seq.eval();
    await roundTrip(seq, [randn([2, 3, 9])]);
    await roundTrip(new Conv2d(2, 3, [3, 2], { stride: [2, 1], groups: 1 }), [randn([2, 7, 6])]);
  });

  test('LayerNorm + GELU MLP and the other activations', async () => {
    manualSeed(3);
    const model = new Sequential(
      new Linear(6, 12),
      new LayerNorm(12),
      new GELU(),
      new Linear(12, 12),
      new SiLU(),
      new LeakyReLU(0.1),
      new Softplus(),
      new Linear(12, 4),
      new Softmax(-1),
    );
    await roundTrip(model, [randn([3, 5, 6])]);
    await roundTrip(
      new Sequential(new GELU({ approximate: 'tanh' }), new Softplus(2, 5), new Hardtanh(-0.5, 2)),
      [randn([4, 3]).mul(4)],
    );
  });

  test('a mask computed from the input by a comparison is refused, not frozen into the graph', () => {
    class Masked extends Module {
      forward(x: Tensor): Tensor {
        return where(x.gt(0), x, x.mul(0.5)); // gt records no node: its mask would be a constant
      }
    }
    expect(() => exportOnnx(new Masked(), [randn([2, 3])])).toThrow(
      /constant 'const_\d+' \(read by Where node '[^']*'\) depends on the input through an op that records no gradient/,
    );
  });

  test('Embedding and attention written with matmul and softmax', async () => {
    manualSeed(4);
    const emb = new Embedding(20, 8);
    const q = new Linear(8, 8);
    const k = new Linear(8, 8);
    const v = new Linear(8, 8);
    const norm = new LayerNorm(8);
    const model = new Fn([emb, q, k, v, norm], (_, ids) => {
      const h = emb.forward(ids!);
      const scores = q.forward(h).matmul(k.forward(h).transpose(-2, -1)).div(Math.sqrt(8));
      return norm.forward(h.add(scores.softmax(-1).matmul(v.forward(h))));
    });
    const ids = randint(0, 20, [2, 5]);
    await roundTrip(model, [ids]);
  });

  test('nn.MultiheadAttention', async () => {
    manualSeed(5);
    const mha = new MultiheadAttention(8, 2, { batchFirst: true });
    const model = new Fn([mha], (_, x) => mha.forward(x!, x!, x!)[0]);
    const bytes = exportOnnx(model, [randn([2, 4, 8])], {
      dynamicAxes: { input: { 0: 'batch' }, output: { 0: 'batch' } },
    });
    for (const n of [2, 3]) {
      const x = randn([n, 4, 8]);
      await expectSameOutputs(bytes, [x], [noGrad(() => model.forward(x))]);
    }
  });

  test('core ops: arithmetic, reductions, movement, indexing', async () => {
    manualSeed(6);
    const w = new Linear(4, 4);
    const model = new Fn([w], (_, x, y) => {
      const a = w.forward(x!).add(y!).sub(1).mul(y!).div(2);
      const b = a.abs().add(1).pow(1.5).sqrt().exp().log();
      const c = cat([b, a.permute([1, 0]).reshape([3, 4])], 0).slice(0, 1, 5, 2);
      const d = c.sub(c.mean(0)).add(c.sum(1, true).div(10)).sub(c.max(1, true).div(2)).neg();
      const e = where(tensor([[true, false, true, false]]), d, d.square()).clamp(-1, 1.5);
      return e.indexSelect(1, [3, 0]).mul(e.slice(1, 0, 2).reciprocal());
    });
    const inputs = [randn([3, 4]), randn([3, 4])];
    // Not a constant result (which would match whatever the graph computed).
    expect(new Set(model.forward(...inputs).data()).size).toBeGreaterThan(2);
    await roundTrip(model, inputs);
  });
});

describe('exportOnnx errors', () => {
  test('an op ONNX cannot express names itself and its layer', () => {
    const model = new Sequential(new Linear(3, 3), new Fn([], (_, x) => x!.cumprod(1)));
    expect(() => exportOnnx(model, [randn([2, 3])])).toThrow(OnnxExportError);
    expect(() => exportOnnx(model, [randn([2, 3])])).toThrow(/op 'cumprod' in layer '1' \(Fn\)/);
  });

  test('options are checked', () => {
    const model = new Linear(2, 2);
    expect(() => exportOnnx(model, [randn([1, 2])], { opsetVersion: 13 })).toThrow(/opsetVersion 13/);
    expect(() => exportOnnx(model, [randn([1, 2])], { dynamicAxes: { x: [0] } })).toThrow(/'x'/);
    expect(() => exportOnnx(model, [randn([1, 2])], { dynamicAxes: { input: [2] } })).toThrow(/axis 2/);
  });
});
