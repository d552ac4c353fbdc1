// The second batch of layers beyond the PyTorch fixtures: initialization (Embedding's N(0, 1) and
// zero padding row, ConvTranspose2d's fan from weight dim 1), the padding row's zero gradient,
// RMSNorm's dtype-dependent default eps, Dropout2d's whole-channel masks, and the errors bad
// shapes and options get, each naming the layer and the shape.
import {
  DTypeError,
  Generator,
  ones,
  randn,
  ShapeError,
  type Tensor,
  tensor,
  ValueError,
  zeros,
} from '@backprop/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { startWebGPU } from '../../core/test/webgpu-setup.js';
import {
  AdaptiveAvgPool2d,
  Conv1d,
  ConvTranspose2d,
  Dropout2d,
  Embedding,
  functional as F,
  GroupNorm,
  LayerNorm,
  RMSNorm,
  Upsample,
} from '../src/index.js';

const ints = (v: number[] | number[][]) => tensor(v, { dtype: 'int32' });
const f64 = { dtype: 'float64' as const };

function stats(t: Tensor): { mean: number; std: number; maxAbs: number } {
  const d = Array.from(t.data());
  const mean = d.reduce((a, b) => a + b, 0) / d.length;
  const std = Math.sqrt(d.reduce((a, b) => a + (b - mean) ** 2, 0) / d.length);
  return { mean, std, maxAbs: Math.max(...d.map(Math.abs)) };
}

describe('initialization as PyTorch', () => {
  it('Embedding: N(0, 1), the padding row zero, a negative paddingIdx counted from the end', () => {
    const emb = new Embedding(400, 50, { paddingIdx: -3, generator: new Generator(1) });
    expect(emb.paddingIdx).toBe(397);
    expect(emb.weight.shape).toEqual([400, 50]);
    const s = stats(emb.weight);
    expect(Math.abs(s.mean)).toBeLessThan(0.02);
    expect(Math.abs(s.std - 1)).toBeLessThan(0.02);
    expect(Array.from(emb.weight.slice(0, 397, 398).data())).toEqual(new Array(50).fill(0));
    expect(Object.keys(emb.stateDict())).toEqual(['weight']);
  });

  it('ConvTranspose2d: weight [inC, outC / groups, kh, kw], U(±1/√fan) with fan = outC / groups · kh · kw', () => {
    const ct = new ConvTranspose2d(64, 8, [3, 2], { groups: 2, generator: new Generator(2) });
    expect(ct.weight.shape).toEqual([64, 4, 3, 2]);
    expect(ct.bias!.shape).toEqual([8]);
    const bound = 1 / Math.sqrt(4 * 3 * 2);
    expect(stats(ct.weight).maxAbs).toBeLessThanOrEqual(bound);
    expect(stats(ct.weight).maxAbs).toBeGreaterThan(0.98 * bound);
    expect(stats(ct.bias!).maxAbs).toBeLessThanOrEqual(bound);
    expect(Object.keys(ct.stateDict())).toEqual(['weight', 'bias']);
  });

  it('Conv1d: weight [outC, inC / groups, k], U(±1/√(inC / groups · k))', () => {
    const conv = new Conv1d(8, 64, 5, { groups: 4, bias: false, generator: new Generator(3) });
    expect(conv.weight.shape).toEqual([64, 2, 5]);
    expect(conv.bias).toBeNull();
    const bound = 1 / Math.sqrt(2 * 5);
    expect(stats(conv.weight).maxAbs).toBeLessThanOrEqual(bound);
    expect(stats(conv.weight).maxAbs).toBeGreaterThan(0.95 * bound);
  });

  it('norms: weight ones and bias zeros, or none', () => {
    expect(Object.keys(new LayerNorm([2, 3]).stateDict())).toEqual(['weight', 'bias']);
    expect(Object.keys(new LayerNorm(3, { bias: false }).stateDict())).toEqual(['weight']);
    expect(Object.keys(new LayerNorm(3, { elementwiseAffine: false }).stateDict())).toEqual([]);
    expect(Object.keys(new GroupNorm(2, 4, { affine: false }).stateDict())).toEqual([]);
    expect(Object.keys(new RMSNorm(3).stateDict())).toEqual(['weight']);
    const ln = new LayerNorm([2, 3], { dtype: 'float64' });
    expect(ln.weight!.toArray()).toEqual([
      [1, 1, 1],
      [1, 1, 1],
    ]);
    expect(ln.bias!.dtype).toBe('float64');
    expect(new GroupNorm(2, 4).bias!.toArray()).toEqual([0, 0, 0, 0]);
  });
});

describe('Embedding', () => {
  it('reads the padding row as it is, but gives it no gradient, also through repeats', () => {
    const emb = new Embedding(4, 2, { paddingIdx: 1, dtype: 'float64' });
    emb.weight.slice(0, 1, 2).detach().fill_(7); // a non-zero padding row, as after loading weights
    const out = emb.forward(
      ints([
        [1, 2, 1],
        [2, 0, 3],
      ]),
    );
    expect(out.shape).toEqual([2, 3, 2]);
    const table = emb.weight.toArray() as number[][];
    expect(table[1]).toEqual([7, 7]);
    expect(out.reshape([6, 2]).toArray()).toEqual([1, 2, 1, 2, 0, 3].map((i) => table[i]));
    out.sum().backward();
    expect(emb.weight.grad!.toArray()).toEqual([
      [1, 1],
      [0, 0],
      [2, 2],
      [1, 1],
    ]);
  });

  it('takes indices of any shape, a 0-d index included', () => {
    const emb = new Embedding(5, 3);
    expect(emb.forward(ints([4])).shape).toEqual([1, 3]);
    expect(emb.forward(tensor(2, { dtype: 'int32' })).shape).toEqual([3]);
    expect(emb.forward(zeros([2, 1, 4], { dtype: 'int32' })).shape).toEqual([2, 1, 4, 3]);
  });
});

describe('RMSNorm', () => {
  it("defaults eps to the machine epsilon of the input's dtype (torch.finfo(dtype).eps)", () => {
    const x = (dtype: 'float32' | 'float64') => tensor([[1e-4, -1e-4]], { dtype });
    // mean(x²) = 1e-8: beside float32's eps (1.19e-7) it is small, beside float64's (2.2e-16) it dominates.
    const y32 = new RMSNorm(2).forward(x('float32')).data()[0]!;
    const y64 = new RMSNorm(2, { dtype: 'float64' }).forward(x('float64')).data()[0]!;
    expect(y32).toBeCloseTo(1e-4 / Math.sqrt(1e-8 + 2 ** -23), 5);
    expect(y64).toBeCloseTo(1, 7);
    expect(F.rmsNorm(x('float64'), 2, null, 1e-8).data()[0]).toBeCloseTo(1 / Math.sqrt(2), 7);
  });
});

describe('Dropout2d', () => {
  it('zeroes whole channels and scales the rest by 1 / (1 − p) in training', () => {
    const drop = new Dropout2d(0.25, { generator: new Generator(4) });
    const y = drop.forward(ones([40, 50, 2, 3]));
    const channels = y.reshape([2000, 6]).toArray() as number[][];
    for (const c of channels) expect(new Set(c).size).toBe(1);
    const dropped = channels.filter((c) => c[0] === 0).length;
    expect(channels.every((c) => c[0] === 0 || Math.abs(c[0]! - 4 / 3) < 1e-6)).toBe(true);
    expect(Math.abs(dropped / 2000 - 0.25)).toBeLessThan(0.04);
  });

  it('is the identity in eval mode and for p = 0; zeros for p = 1; masks the gradient too', () => {
    const x = randn([2, 3, 2, 2]);
    expect(new Dropout2d(0.5).eval().forward(x)).toBe(x);
    expect(new Dropout2d(0).forward(x)).toBe(x);
    expect(Array.from(new Dropout2d(1).forward(x).data()).every((v) => v === 0)).toBe(true);
    const leaf = ones([3, 4, 2], f64).requiresGrad_();
    const y = F.dropout2d(leaf, 0.5, { generator: new Generator(9) });
    y.sum().backward();
    expect(Array.from(leaf.grad!.data())).toEqual(Array.from(y.data()));
  });

  it('draws the same masks from the same seed', () => {
    const a = new Dropout2d(0.5, { generator: new Generator(11) }).forward(ones([4, 8, 1, 1]));
    const b = new Dropout2d(0.5, { generator: new Generator(11) }).forward(ones([4, 8, 1, 1]));
    expect(a.toArray()).toEqual(b.toArray());
  });

  describe('on the webgpu device', () => {
    beforeAll(startWebGPU, 60_000);
    it('masks whole channels there too', async () => {
      const y = new Dropout2d(0.5, { generator: new Generator(4) }).forward(ones([3, 5, 2, 2]).to('webgpu'));
      expect(y.device).toBe('webgpu');
      const channels = (await y.reshape([15, 4]).toArrayAsync()) as number[][];
      for (const c of channels) expect(c.every((v) => v === c[0] && (v === 0 || v === 2))).toBe(true);
    });
  });
});

/** The error `fn` throws, checked for its class and for every fragment of its message. */
function expectError(fn: () => unknown, type: new (...args: never[]) => Error, ...fragments: string[]) {
  let error: unknown;
  try {
    fn();
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(type);
  for (const f of fragments) expect((error as Error).message).toContain(f);
}

describe('errors name the layer and the shape', () => {
  it('Embedding', () => {
    expectError(
      () => new Embedding(10, 3).forward(randn([2])),
      DTypeError,
      'Embedding(10, 3)',
      'int32',
      'float32',
    );
    expectError(
      () => new Embedding(10, 3, { paddingIdx: 10 }),
      ValueError,
      'Embedding',
      'paddingIdx',
      '[-10, 10)',
    );
    expectError(() => new Embedding(0, 3), ValueError, 'Embedding', 'numEmbeddings');
    expectError(() => F.embedding(ints([1]), randn([3])), ShapeError, 'embedding', '[3]');
  });

  it('LayerNorm, GroupNorm, RMSNorm', () => {
    expectError(
      () => new LayerNorm(4).forward(randn([2, 5])),
      ShapeError,
      'LayerNorm([4]',
      'trailing dims [4]',
      '[2,5]',
    );
    expectError(() => new LayerNorm([]), ValueError, 'LayerNorm', 'normalizedShape');
    expectError(
      () => F.layerNorm(randn([2, 4]), 4, randn([3])),
      ShapeError,
      'layerNorm',
      'weight',
      '[4]',
      '[3]',
    );
    expectError(
      () => new GroupNorm(2, 6).forward(randn([2, 4, 3])),
      ShapeError,
      'GroupNorm(2, 6',
      '[N, 6, *]',
      '[2,4,3]',
    );
    expectError(() => new GroupNorm(4, 6), ValueError, 'GroupNorm', 'divisible');
    expectError(() => F.groupNorm(randn([2, 5]), 2), ShapeError, 'groupNorm', '[2,5]');
    expectError(() => new RMSNorm([2, 3]).forward(randn([3, 2])), ShapeError, 'RMSNorm([2,3]', '[3,2]');
  });

  it('Conv1d', () => {
    expectError(
      () => new Conv1d(3, 4, 3).forward(randn([2, 5, 7])),
      ShapeError,
      'Conv1d(3, 4, kernelSize=3)',
      '[2,5,7]',
    );
    expectError(() => new Conv1d(3, 4, 3).forward(randn([7])), ShapeError, 'Conv1d', '[7]');
    expectError(
      () => new Conv1d(3, 4, 5).forward(randn([1, 3, 2])),
      ShapeError,
      'conv1d',
      'too short',
      '[1,3,2]',
    );
    expectError(() => new Conv1d(3, 4, 3, { groups: 2 }), ValueError, 'Conv1d', 'divisible by groups');
    expectError(
      () => F.conv1d(randn([1, 2, 5]), randn([4, 2, 3, 1])),
      ShapeError,
      'conv1d',
      'weight',
      '[4,2,3,1]',
    );
  });

  it('ConvTranspose2d', () => {
    const ct = new ConvTranspose2d(3, 2, 3);
    expectError(
      () => ct.forward(randn([1, 4, 5, 5])),
      ShapeError,
      'ConvTranspose2d(3, 2, kernelSize=[3,3])',
      '[1,4,5,5]',
    );
    expectError(() => ct.forward(randn([4, 5])), ShapeError, 'ConvTranspose2d', '[4,5]');
    expectError(
      () => new ConvTranspose2d(2, 2, 3, { stride: 2, outputPadding: 2 }),
      ValueError,
      'outputPadding',
      'stride',
    );
    expectError(
      () => new ConvTranspose2d(3, 4, 3, { groups: 2 }),
      ValueError,
      'ConvTranspose2d',
      'divisible',
    );
    expectError(
      () => F.convTranspose2d(randn([1, 1, 1, 1]), randn([1, 1, 1, 1]), null, { padding: 1 }),
      ShapeError,
      'convTranspose2d',
      'empty output',
    );
    expectError(
      () => F.convTranspose2d(randn([1, 2, 3, 3]), randn([2, 1, 3, 3]), randn([2])),
      ShapeError,
      'convTranspose2d',
      'bias',
      '[1]',
    );
  });

  it('AdaptiveAvgPool2d', () => {
    expectError(() => new AdaptiveAvgPool2d(0), ValueError, 'AdaptiveAvgPool2d', 'outputSize', '0');
    expectError(
      () => new AdaptiveAvgPool2d([2, 2, 2] as never),
      ValueError,
      'AdaptiveAvgPool2d',
      'outputSize',
    );
    expectError(
      () => new AdaptiveAvgPool2d(2).forward(randn([4, 4])),
      ShapeError,
      'AdaptiveAvgPool2d(2)',
      '[4,4]',
    );
    const int4 = zeros([1, 1, 2, 2], { dtype: 'int32' });
    expectError(() => F.adaptiveAvgPool2d(int4, 1), DTypeError, 'adaptiveAvgPool2d', 'int32');
    expectError(
      () => F.adaptiveAvgPool2d(randn([1, 2, 0, 3]), 2),
      ShapeError,
      'adaptiveAvgPool2d',
      '[1,2,0,3]',
    );
  });

  it('Upsample and interpolate', () => {
    expectError(() => new Upsample({ size: 4, scaleFactor: 2 }), ValueError, 'Upsample', 'exactly one');
    expectError(() => new Upsample({}), ValueError, 'Upsample', 'exactly one');
    expectError(
      () => new Upsample({ scaleFactor: 2, alignCorners: true }),
      ValueError,
      'alignCorners',
      'bilinear',
    );
    expectError(
      () => new Upsample({ scaleFactor: 2, mode: 'bicubic' as never }),
      ValueError,
      'mode',
      'bicubic',
    );
    expectError(() => new Upsample({ size: [2, 0] }), ValueError, 'size', '[2,0]');
    expectError(
      () => new Upsample({ scaleFactor: 2 }).forward(randn([3, 4, 4])),
      ShapeError,
      'Upsample(scaleFactor=2',
      '[3,4,4]',
    );
    const int4 = zeros([1, 1, 2, 2], { dtype: 'int32' });
    expect(F.interpolate(int4, { scaleFactor: 2 }).shape).toEqual([1, 1, 4, 4]); // nearest copies any dtype
    expectError(
      () => F.interpolate(int4, { scaleFactor: 2, mode: 'bilinear' }),
      DTypeError,
      'bilinear',
      'int32',
    );
    expectError(
      () => F.interpolate(randn([1, 1, 3, 3]), { scaleFactor: 0.2 }),
      ShapeError,
      'interpolate',
      'empty',
      '[1,1,3,3]',
    );
  });

  it('Dropout2d', () => {
    expectError(() => new Dropout2d(1.5), ValueError, 'Dropout2d', 'p');
    expectError(() => new Dropout2d().forward(randn([3, 4])), ShapeError, 'Dropout2d(p=0.5)', '[3,4]');
  });
});

describe('describe() as a short PyTorch-like repr', () => {
  it('names the arguments that differ from the defaults', () => {
    expect(new Embedding(10, 3, { paddingIdx: 0 }).describe()).toBe('Embedding(10, 3, paddingIdx=0)');
    expect(new Conv1d(2, 4, 3, { stride: 2 }).describe()).toBe('Conv1d(2, 4, kernelSize=3, stride=2)');
    expect(new ConvTranspose2d(2, 4, 3, { outputPadding: 1, stride: 2 }).describe()).toBe(
      'ConvTranspose2d(2, 4, kernelSize=[3,3], stride=[2,2], outputPadding=[1,1])',
    );
    expect(new Upsample({ size: [4, 5], mode: 'bilinear' }).describe()).toBe(
      'Upsample(size=[4,5], mode=bilinear)',
    );
    expect(new AdaptiveAvgPool2d([3, null]).describe()).toBe('AdaptiveAvgPool2d([3,null])');
  });
});
