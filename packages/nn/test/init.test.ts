import { Generator, randn, Tensor, ValueError, zeros } from '@backprop/core';
import { describe, expect, it } from 'vitest';
import { init } from '../src/index.js';

const stats = (t: Tensor) => {
  const v = [...t.data()];
  const mean = v.reduce((s, x) => s + x, 0) / v.length;
  const std = Math.sqrt(v.reduce((s, x) => s + (x - mean) ** 2, 0) / v.length);
  return { mean, std, maxAbs: Math.max(...v.map(Math.abs)) };
};

const g = () => ({ generator: new Generator(11) });

describe('init', () => {
  it('uniform_, normal_, constant_, zeros_, ones_', () => {
    const u = stats(init.uniform_(zeros([10000]), -2, 4, g()));
    expect(u.mean).toBeCloseTo(1, 1);
    expect(u.std).toBeCloseTo(6 / Math.sqrt(12), 1);
    const n = stats(init.normal_(zeros([10000]), 3, 0.5, g()));
    expect(n.mean).toBeCloseTo(3, 1);
    expect(n.std).toBeCloseTo(0.5, 1);
    expect(init.constant_(zeros([2]), 7).toArray()).toEqual([7, 7]);
    expect(init.zeros_(randn([2])).toArray()).toEqual([0, 0]);
    expect(init.ones_(zeros([2])).toArray()).toEqual([1, 1]);
  });

  it('xavier uses fanIn + fanOut, including the receptive field of conv weights', () => {
    const w = zeros([50, 20, 3, 3]); // fanIn 180, fanOut 450
    const bound = Math.sqrt(6 / (180 + 450));
    const u = stats(init.xavierUniform_(w, g()));
    expect(u.maxAbs).toBeLessThanOrEqual(bound);
    expect(u.std).toBeCloseTo(bound / Math.sqrt(3), 2);
    const n = stats(init.xavierNormal_(zeros([200, 300]), { gain: 2, ...g() }));
    expect(n.std).toBeCloseTo(2 * Math.sqrt(2 / 500), 2);
  });

  it('kaiming as PyTorch: gain(nonlinearity, a) / sqrt(fan)', () => {
    const relu = stats(init.kaimingNormal_(zeros([300, 200]), { nonlinearity: 'relu', ...g() }));
    expect(relu.std).toBeCloseTo(Math.sqrt(2 / 200), 3);
    const out = stats(
      init.kaimingNormal_(zeros([300, 200]), { mode: 'fanOut', nonlinearity: 'relu', ...g() }),
    );
    expect(out.std).toBeCloseTo(Math.sqrt(2 / 300), 3);
    // The default leaky_relu with a = sqrt(5): bound = sqrt(3) * sqrt(2 / 6) / sqrt(fanIn) = 1 / sqrt(fanIn)
    const lin = stats(init.kaimingUniform_(zeros([400, 100]), { a: Math.sqrt(5), ...g() }));
    expect(lin.maxAbs).toBeLessThanOrEqual(0.1);
    expect(lin.maxAbs).toBeGreaterThan(0.099);
  });

  it('calculateGain', () => {
    expect(init.calculateGain('sigmoid')).toBe(1);
    expect(init.calculateGain('tanh')).toBeCloseTo(5 / 3, 12);
    expect(init.calculateGain('relu')).toBeCloseTo(Math.SQRT2, 12);
    expect(init.calculateGain('leaky_relu', 0.2)).toBeCloseTo(Math.sqrt(2 / 1.04), 12);
    expect(init.calculateGain('leakyRelu')).toBeCloseTo(Math.sqrt(2 / 1.0001), 12);
  });

  it('is reproducible, respects dtype and views, and rejects 1-D fans', () => {
    const a = init.kaimingUniform_(zeros([3, 4], { dtype: 'float64' }), g());
    const b = init.kaimingUniform_(zeros([3, 4], { dtype: 'float64' }), g());
    expect(a.dtype).toBe('float64');
    expect([...a.data()]).toEqual([...b.data()]);
    const base = zeros([4, 4]);
    init.constant_(base.slice(0, 1, 3), 5);
    expect(base.toArray()).toEqual([
      [0, 0, 0, 0],
      [5, 5, 5, 5],
      [5, 5, 5, 5],
      [0, 0, 0, 0],
    ]);
    expect(() => init.xavierUniform_(zeros([5]))).toThrow(ValueError);
    expect(() => init.xavierUniform_(zeros([5]))).toThrow(
      'init.xavierUniform_: fan in and fan out need a tensor of at least 2 dims, got shape [5]',
    );
    expect(init.kaimingUniform_(new Tensor(new Float32Array(0), [0, 3])).size).toBe(0);
  });
});

describe('init rejects impossible arguments, leaving the tensor as it was', () => {
  const filled = () => zeros([2, 3]).add(7);
  const unchanged = (t: Tensor) => expect([...t.data()]).toEqual([7, 7, 7, 7, 7, 7]);

  it('uniform_ with a > b, or a NaN/infinite bound', () => {
    const t = filled();
    expect(() => init.uniform_(t, 2, 1)).toThrow(ValueError);
    expect(() => init.uniform_(t, 2, 1)).toThrow(
      'init.uniform_: expects a <= b (a range [a, b)), got a = 2 > b = 1',
    );
    expect(() => init.uniform_(t, Number.NaN, 1)).toThrow('init.uniform_: a must be finite, got NaN');
    expect(() => init.uniform_(t, 0, Number.POSITIVE_INFINITY)).toThrow(
      'init.uniform_: b must be finite, got Infinity',
    );
    unchanged(t);
    // a == b is allowed (as PyTorch): every draw is a.
    expect([...init.uniform_(t, 3, 3).data()]).toEqual([3, 3, 3, 3, 3, 3]);
  });

  it('normal_ with a negative or NaN std, or a NaN mean', () => {
    const t = filled();
    expect(() => init.normal_(t, 0, -1)).toThrow(ValueError);
    expect(() => init.normal_(t, 0, -1)).toThrow('init.normal_: std must be >= 0, got -1');
    expect(() => init.normal_(t, 0, Number.NaN)).toThrow('init.normal_: std must be finite, got NaN');
    expect(() => init.normal_(t, Number.NaN, 1)).toThrow('init.normal_: mean must be finite, got NaN');
    unchanged(t);
    expect([...init.normal_(t, 2, 0).data()]).toEqual([2, 2, 2, 2, 2, 2]);
  });

  it('xavier with a negative or NaN gain, kaiming with a NaN slope or an unknown mode', () => {
    const t = filled();
    expect(() => init.xavierUniform_(t, { gain: -1 })).toThrow(
      'init.xavierUniform_: gain must be >= 0, got -1',
    );
    expect(() => init.xavierNormal_(t, { gain: Number.NaN })).toThrow(
      'init.xavierNormal_: gain must be finite, got NaN',
    );
    expect(() => init.kaimingUniform_(t, { a: Number.NaN })).toThrow(
      'init.kaimingUniform_: a must be finite, got NaN',
    );
    expect(() => init.kaimingNormal_(t, { mode: 'fanout' as 'fanOut' })).toThrow(
      "init.kaimingNormal_: mode must be 'fanIn' or 'fanOut', got 'fanout'",
    );
    unchanged(t);
  });

  it('wrong argument types are TypeErrors naming the function', () => {
    expect(() => init.zeros_(null as unknown as Tensor)).toThrow(TypeError);
    expect(() => init.zeros_(null as unknown as Tensor)).toThrow(
      'init.zeros_: expected a Tensor to fill, got null',
    );
    const t = filled();
    expect(() => init.uniform_(t, '0' as unknown as number, 1)).toThrow(
      'init.uniform_: a must be a number, got string 0',
    );
    expect(() => init.constant_(t, '1' as unknown as number)).toThrow(TypeError);
    unchanged(t);
  });
});
