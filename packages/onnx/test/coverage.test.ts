// The layers and ops beyond the first export's list: transposed convolution, norms, scatter,
// sort/topk, einsum, recurrent layers and transformer blocks, each run in onnxruntime-web and
// compared with backprop's forward.
import {
  conv2d,
  cumsum,
  einsum,
  manualSeed,
  maxPool2d,
  noGrad,
  randn,
  scatter,
  scatterAdd,
  type Tensor,
  tensor,
  zeros,
} from '@backprop/core';
import {
  type AnyModule,
  ConvTranspose2d,
  GRU,
  GroupNorm,
  Linear,
  LSTM,
  Module,
  MultiheadAttention,
  RMSNorm,
  RNN,
  Sequential,
  TransformerEncoderLayer,
} from '@backprop/nn';
import { describe, expect, test } from 'vitest';
import { type ExportOnnxOptions, exportOnnx, OnnxExportError } from '../src/index.js';
import { expectSameOutputs } from './helpers.js';

/** A model whose forward is a function of its inputs (and the layers it is given). */
class Fn extends Module<Tensor[], Tensor | Tensor[]> {
  constructor(
    readonly layers: AnyModule[],
    readonly fn: (...xs: Tensor[]) => Tensor | Tensor[],
  ) {
    super();
  }
  forward(...xs: Tensor[]): Tensor | Tensor[] {
    return this.fn(...xs);
  }
}

/** A one-tensor layer computing `f`. */
class Op extends Module {
  constructor(readonly f: (x: Tensor) => Tensor) {
    super();
  }
  forward(x: Tensor): Tensor {
    return this.f(x);
  }
}

/**
 * Exports, runs in onnxruntime-web, compares every output, and checks that the graph holds the ONNX
 * ops `uses` (op types appear in the bytes as strings); returns the largest |difference|.
 */
async function roundTrip(
  name: string,
  model: Module<Tensor[], Tensor | Tensor[]> | AnyModule,
  inputs: Tensor[],
  uses: readonly string[] = [],
  options: ExportOnnxOptions = {},
): Promise<number> {
  (model as AnyModule).eval(); // backprop's reference without dropout, as the export
  const bytes = exportOnnx(model as AnyModule, inputs, options);
  const out = noGrad(() => (model as unknown as Module<Tensor[], Tensor | Tensor[]>).forward(...inputs));
  const want = (Array.isArray(out) ? out.flat(2) : [out]) as Tensor[];
  const text = new TextDecoder('latin1').decode(bytes);
  for (const op of uses) expect(text, `${name} exports ${op}`).toContain(op);
  const worst = await expectSameOutputs(bytes, inputs, want);
  console.log(`[onnx] ${name}: max |ort - backprop| = ${worst.toExponential(2)}`);
  return worst;
}

describe('coverage: layers and ops run in onnxruntime-web with backprop outputs', () => {
  test('ConvTranspose2d: stride, padding, outputPadding, dilation, groups, unbatched, no bias', async () => {
    manualSeed(10);
    const up = new ConvTranspose2d(4, 6, 3, { stride: 2, padding: 1, outputPadding: 1, groups: 2 });
    await roundTrip('ConvTranspose2d stride 2 groups 2', up, [randn([2, 4, 5, 5])], ['ConvTranspose']);
    const dil = new ConvTranspose2d(3, 2, [2, 3], {
      stride: [1, 2],
      padding: [0, 1],
      dilation: 2,
      bias: false,
    });
    await roundTrip('ConvTranspose2d dilation 2 no bias', dil, [randn([1, 3, 4, 6])]);
    await roundTrip('ConvTranspose2d unbatched', up, [randn([4, 3, 3])]);
  });

  test('norm → ReduceL2, cumsum, einsum', async () => {
    manualSeed(11);
    const w = new Linear(4, 4);
    const model = new Fn([w], (x) => {
      const h = w.forward(x!);
      return [
        h.norm([1], true),
        h.norm(),
        cumsum(h, 1),
        einsum('ij,jk->ik', h, h.transpose(0, 1)),
        einsum('ii->i', h),
      ];
    });
    await roundTrip('norm, cumsum, einsum', model, [randn([4, 4])], ['ReduceL2', 'CumSum', 'MatMul']);
  });

  test('functional conv2d and maxPool2d (outside their layers) → Conv, MaxPool', async () => {
    manualSeed(14);
    const [w, b] = [randn([4, 2, 3, 3]), randn([4])];
    const model = new Fn([], (x) => [
      maxPool2d(conv2d(x!, w, b, { padding: 1, groups: 2 }), 2),
      conv2d(x!, w.narrow(1, 0, 1), null, { stride: 2, dilation: [1, 2], groups: 4 }),
    ]);
    await roundTrip('functional conv2d, maxPool2d', model, [randn([2, 4, 6, 7])], ['Conv', 'MaxPool']);
  });

  test('scatter and scatterAdd → ScatterElements', async () => {
    manualSeed(12);
    const index = tensor(
      [
        [2, 0, 1],
        [0, 0, 2],
      ],
      { dtype: 'int32' },
    );
    const model = new Fn([], (x, src) => [
      scatter(x!, 0, index, src!),
      scatterAdd(x!, 0, index, src!),
      scatterAdd(zeros([3, 3]), 1, index, src!.mul(2)),
    ]);
    await roundTrip('scatter, scatterAdd', model, [randn([3, 3]), randn([2, 3])], ['ScatterElements']);
  });

  test('sort and topk values (and indices) → TopK, ties in index order', async () => {
    manualSeed(13);
    const model = new Fn([], (x) => {
      const h = x!.mul(2);
      const s = h.sort(1, true);
      const t = h.topk(2, 0, false);
      const asc = h.sort(-1);
      return [s.values, t.values, asc.values.add(1), s.indices, t.indices];
    });
    await roundTrip('sort/topk', model, [randn([3, 5])], ['TopK']);
    // Ties: TopK orders equal values by index, as backprop's stable sort.
    const ties = tensor([
      [1, 3, 1, 3, 2],
      [0, 0, 0, 1, 1],
    ]);
    await roundTrip('sort/topk with ties', model, [ties]);
  });

  test('GroupNorm and RMSNorm (op by op)', async () => {
    manualSeed(14);
    const model = new Sequential(new GroupNorm(2, 6), new RMSNorm([5]), new RMSNorm(5, { eps: 1e-3 }));
    await roundTrip('GroupNorm + RMSNorm', model, [randn([2, 6, 4, 5]).mul(3).add(1)]);
  });

  test('LSTM (2 layers), GRU (bidirectional), RNN (batchFirst, relu)', async () => {
    manualSeed(15);
    await roundTrip('LSTM 2 layers', new LSTM(3, 5, { numLayers: 2 }), [randn([4, 2, 3])]);
    await roundTrip('GRU bidirectional', new GRU(3, 4, { bidirectional: true }), [randn([5, 2, 3])]);
    await roundTrip('RNN batchFirst relu', new RNN(3, 4, { batchFirst: true, nonlinearity: 'relu' }), [
      randn([2, 6, 3]),
    ]);
    const lstm = new LSTM(3, 4, { batchFirst: true });
    const given = new Fn([lstm], (x, h0, c0) => lstm.forward(x!, [h0!, c0!]).flat());
    await roundTrip('LSTM batchFirst, state as inputs', given, [
      randn([2, 3, 3]),
      randn([1, 2, 4]),
      randn([1, 2, 4]),
    ]);
  });

  test('TransformerEncoderLayer: post-norm relu, pre-norm gelu with isCausal', async () => {
    manualSeed(16);
    const post = new TransformerEncoderLayer(8, 2, { dimFeedforward: 16, batchFirst: true });
    await roundTrip('TransformerEncoderLayer post-norm relu', post, [randn([2, 5, 8])]);
    const pre = new TransformerEncoderLayer(8, 2, {
      dimFeedforward: 16,
      activation: 'gelu',
      normFirst: true,
    });
    const causal = new Fn([pre], (x) => pre.forward(x!, { isCausal: true }));
    await roundTrip('TransformerEncoderLayer pre-norm gelu causal', causal, [randn([5, 2, 8])]);
  });

  test('MultiheadAttention with a constant keyPaddingMask', async () => {
    manualSeed(17);
    const mha = new MultiheadAttention(8, 2, { batchFirst: true });
    const mask = tensor([
      [false, false, true, true],
      [false, false, false, true],
    ]);
    const model = new Fn([mha], (x) => mha.forward(x!, x!, x!, { keyPaddingMask: mask })[0]);
    await roundTrip('MHA keyPaddingMask', model, [randn([2, 4, 8])]);
  });
});

describe('coverage: what is refused', () => {
  test('cumprod names itself and its layer', () => {
    const model = new Sequential(new Linear(3, 3), new Op((x) => x.cumprod(1)));
    expect(() => exportOnnx(model, [randn([2, 3])])).toThrow(OnnxExportError);
    expect(() => exportOnnx(model, [randn([2, 3])])).toThrow(
      /op 'cumprod' in layer '1' \(Op\) cannot be exported to ONNX: ONNX \(opset 17\) has no cumulative product/,
    );
  });

  test('a gather at a constant index is no TopK, even where the index sorts the example', async () => {
    const index = tensor([[0, 1, 2]], { dtype: 'int32' });
    const model = new Fn([], (x) => x!.gather(1, index));
    // [1, 2, 3] is sorted: the constant index equals its argsort, but the gather must stay a gather.
    const bytes = exportOnnx(model, [tensor([[1, 2, 3]])]);
    expect(new TextDecoder('latin1').decode(bytes)).not.toContain('TopK');
    const x = tensor([[3, 1, 2]]);
    await expectSameOutputs(bytes, [x], [noGrad(() => model.forward(x) as Tensor)]);
  });

  test('a sort of values that all tie in the example cannot tell its direction', () => {
    const model = new Op((x) => x.mul(2).sort(-1).values);
    expect(() => exportOnnx(model, [tensor([[1, 1, 1]])])).toThrow(
      /op 'gather' \(sort or topk\) reads values that all tie along dim 1/,
    );
  });

  test('a recurrent model with dynamic axes is refused, naming the layer', () => {
    const model = new Sequential(new Linear(3, 3), new Op((x) => x));
    const lstm = new LSTM(3, 4);
    const wrapped = new Fn([model, lstm], (x) => lstm.forward(model.forward(x!) as Tensor)[0]);
    expect(() => exportOnnx(wrapped, [randn([4, 2, 3])], { dynamicAxes: { input: { 1: 'batch' } } })).toThrow(
      /layer 'layers.1' \(LSTM\) exports unrolled .* cannot have dynamicAxes/,
    );
  });
});
