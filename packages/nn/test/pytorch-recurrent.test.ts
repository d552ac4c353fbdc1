// RNN, LSTM and GRU against PyTorch (fixtures/generate_recurrent.py → recurrent.json): weights are
// loaded by PyTorch's state-dict keys, then the output, the final states and the gradients of
// sum(output · up) + sum(hN · up) (+ sum(cN · up)) for the input, the given initial states and every
// parameter are compared in float64 on the cpu backend (tight), in float32 on the cpu and wasm
// backends and in float32 on the webgpu device. Then gradcheck, errors, and inter-layer dropout.
import {
  type Backend,
  cat,
  cpuBackend,
  type Device,
  type DType,
  Generator,
  getBackend,
  gradcheck,
  ones,
  rand,
  randn,
  ShapeError,
  setBackend,
  type Tensor,
  ValueError,
  wasmBackend,
  zeros,
} from '@backprop/core';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { F32 } from '../../core/test/fixture-check.js';
import { expectClose, F64, type Tolerance } from '../../core/test/helpers.js';
import { startWebGPU } from '../../core/test/webgpu-setup.js';
import { GRU, LSTM, RNN, type RNNOptions } from '../src/index.js';
import { decode, decodeState, type Encoded, expectMatches, readFixture } from './helpers.js';

interface RecurrentCase {
  name: string;
  kind: 'RNN' | 'LSTM' | 'GRU';
  inputSize: number;
  hiddenSize: number;
  options: RNNOptions;
  state: Record<string, Encoded>;
  input: Encoded;
  initial: Encoded[];
  output: Encoded;
  finals: Encoded[];
  upOutput: Encoded;
  upFinals: Encoded[];
  inputGrad: Encoded;
  initialGrads: Encoded[];
  paramGrads: Record<string, Encoded>;
}

const { cases } = readFixture<{ cases: RecurrentCase[] }>('recurrent.json');

type AnyRecurrent = RNN | LSTM | GRU;

function build(c: Pick<RecurrentCase, 'kind' | 'inputSize' | 'hiddenSize' | 'options'>, dtype: DType) {
  const options = { ...c.options, dtype };
  if (c.kind === 'LSTM') return new LSTM(c.inputSize, c.hiddenSize, options);
  if (c.kind === 'GRU') return new GRU(c.inputSize, c.hiddenSize, options);
  return new RNN(c.inputSize, c.hiddenSize, options);
}

/** Runs any of the three with initial states given as a list ([h0] or [h0, c0], or none). */
function run(module: AnyRecurrent, x: Tensor, initial: Tensor[]): [Tensor, Tensor[]] {
  if (module instanceof LSTM) {
    const [out, [h, c]] = module.forward(x, initial.length ? [initial[0]!, initial[1]!] : undefined);
    return [out, [h, c]];
  }
  const [out, h] = module.forward(x, initial[0]);
  return [out, [h]];
}

const leaf = (e: Encoded, dtype: DType, device: Device): Tensor =>
  decode(e).to(dtype).to(device).requiresGrad_();

async function checkCase(c: RecurrentCase, dtype: DType, tol: Tolerance, device: Device = 'cpu') {
  const module = build(c, dtype);
  // strict: the keys must be exactly PyTorch's, and in its order
  module.loadStateDict(decodeState(c.state));
  expect(Object.keys(module.stateDict())).toEqual(Object.keys(c.state));
  module.to(device);
  const x = leaf(c.input, dtype, device);
  const initial = c.initial.map((s) => leaf(s, dtype, device));
  const [out, finals] = run(module, x, initial);
  expect(out.dtype).toBe(dtype);
  expect(out.device).toBe(device);
  await expectMatches('output', out, c.output, tol);
  expect(finals.length).toBe(c.finals.length);
  for (let j = 0; j < finals.length; j++)
    await expectMatches(`final state ${j}`, finals[j]!, c.finals[j]!, tol);
  const up = (e: Encoded) => decode(e).to(dtype).to(device);
  let loss = out.mul(up(c.upOutput)).sum();
  finals.forEach((f, j) => {
    loss = loss.add(f.mul(up(c.upFinals[j]!)).sum());
  });
  loss.backward();
  await expectMatches('input grad', x.grad, c.inputGrad, tol);
  for (let j = 0; j < initial.length; j++) {
    await expectMatches(`initial state ${j} grad`, initial[j]!.grad, c.initialGrads[j]!, tol);
  }
  const params = Object.fromEntries(module.namedParameters());
  expect(Object.keys(params)).toEqual(Object.keys(c.paramGrads));
  for (const [name, g] of Object.entries(c.paramGrads)) {
    await expectMatches(`${name} grad`, params[name]!.grad, g, tol);
  }
}

describe('the fixtures cover what they should', () => {
  it('every layer in every configuration the task names', () => {
    for (const kind of ['RNN tanh', 'RNN relu', 'LSTM', 'GRU']) {
      const mine = cases.filter((c) =>
        kind.startsWith('RNN')
          ? c.kind === 'RNN' && (c.options.nonlinearity ?? 'tanh') === kind.slice(4)
          : c.kind === kind,
      );
      const has = (pred: (c: RecurrentCase) => boolean, what: string) =>
        expect(mine.some(pred), `${kind}: ${what}`).toBe(true);
      has((c) => (c.options.numLayers ?? 1) === 1, 'one layer');
      has((c) => c.options.numLayers === 2 && c.options.bias === false, 'two layers without bias');
      has((c) => c.options.numLayers === 2 && c.options.bidirectional === true, 'bidirectional two layers');
      has((c) => c.options.batchFirst === true, 'batchFirst');
      has((c) => c.input.shape.length === 2, 'unbatched input');
      has((c) => c.initial.length === (c.kind === 'LSTM' ? 2 : 1), 'given initial states');
    }
    expect(Object.keys(cases.find((c) => c.options.bidirectional)!.state)).toContain('weight_ih_l0_reverse');
  });
});

const initialBackend = getBackend();
afterEach(() => setBackend(initialBackend));

const RUNS: [string, Backend, DType, Tolerance][] = [
  ['float64 on the cpu backend', cpuBackend, 'float64', F64],
  ['float32 on the cpu backend', cpuBackend, 'float32', F32],
  ['float32 on the wasm backend', wasmBackend, 'float32', F32],
];

for (const [runName, backend, dtype, tol] of RUNS) {
  describe(`recurrent layers match PyTorch: ${runName}`, () => {
    it.each(cases.map((c) => [c.name, c] as const))('%s', async (_, c) => {
      setBackend(backend);
      await checkCase(c, dtype, tol);
    });
  });
}

describe('recurrent layers match PyTorch: float32 on the webgpu device', () => {
  beforeAll(startWebGPU, 60_000);
  it.each(cases.map((c) => [c.name, c] as const))('%s', async (_, c) => {
    await checkCase(c, 'float32', F32, 'webgpu');
  });
  it('inter-layer dropout draws the same masks as on the cpu', async () => {
    const make = () => new GRU(3, 4, { numLayers: 3, dropout: 0.5, generator: new Generator(8) });
    const x = randn([5, 2, 3], { generator: new Generator(3) });
    const [onCpu] = make().forward(x);
    const [onGpu] = make().to('webgpu').forward(x.to('webgpu'));
    expect(onGpu.device).toBe('webgpu');
    expectClose(Array.from(await onGpu.dataAsync()), onCpu, F32);
  });
});

describe('gradcheck in float64 (input and initial states)', () => {
  const f64 = { dtype: 'float64' as const };
  const g = new Generator(11);
  const r = (shape: number[]) => randn(shape, { ...f64, requiresGrad: true, generator: g });
  // Every output of the layer, flattened into one tensor, so every path is checked.
  const flat = (ts: Tensor[]) => cat(ts.map((t) => t.reshape([-1])));

  it('a 2-layer bidirectional LSTM', () => {
    const lstm = new LSTM(3, 4, { numLayers: 2, bidirectional: true, ...f64, generator: g });
    const f = (x: Tensor, h0: Tensor, c0: Tensor) => {
      const [out, [h, c]] = lstm.forward(x, [h0, c0]);
      return flat([out, h, c]);
    };
    expect(gradcheck(f, [r([4, 2, 3]), r([4, 2, 4]), r([4, 2, 4])])).toBe(true);
  });

  it('a 2-layer GRU, batchFirst', () => {
    const gru = new GRU(3, 4, { numLayers: 2, batchFirst: true, ...f64, generator: g });
    const f = (x: Tensor, h0: Tensor) => {
      const [out, h] = gru.forward(x, h0);
      return flat([out, h]);
    };
    expect(gradcheck(f, [r([2, 5, 3]), r([2, 2, 4])])).toBe(true);
  });

  it('an unbatched RNN with relu', () => {
    const rnn = new RNN(3, 4, { nonlinearity: 'relu', bidirectional: true, ...f64, generator: g });
    const f = (x: Tensor, h0: Tensor) => {
      const [out, h] = rnn.forward(x, h0);
      return flat([out, h]);
    };
    expect(gradcheck(f, [r([5, 3]), r([2, 4])])).toBe(true);
  });
});

describe('parameters, init and description', () => {
  it("PyTorch's names, shapes and order, layer k > 0 reading hidden · directions", () => {
    const lstm = new LSTM(3, 4, { numLayers: 2, bidirectional: true });
    const shapes = lstm.namedParameters().map(([n, p]) => `${n} ${p.shape.join('x')}`);
    const layer = (k: number, suffix: string, inSize: number) => [
      `weight_ih_l${k}${suffix} 16x${inSize}`,
      `weight_hh_l${k}${suffix} 16x4`,
      `bias_ih_l${k}${suffix} 16`,
      `bias_hh_l${k}${suffix} 16`,
    ];
    expect(shapes).toEqual([
      ...layer(0, '', 3),
      ...layer(0, '_reverse', 3),
      ...layer(1, '', 8),
      ...layer(1, '_reverse', 8),
    ]);
    expect(lstm.allWeights.map((ws) => ws.length)).toEqual([4, 4, 4, 4]);
    const gru = new GRU(3, 5, { bias: false });
    expect(gru.namedParameters().map(([n, p]) => `${n} ${p.shape.join('x')}`)).toEqual([
      'weight_ih_l0 15x3',
      'weight_hh_l0 15x5',
    ]);
  });

  it('every parameter from U(−1/√hidden, 1/√hidden), reproducible from a seeded generator', () => {
    const make = () => new RNN(6, 9, { numLayers: 2, generator: new Generator(42) });
    const a = make();
    for (const p of a.parameters()) {
      const values = Array.from(p.data());
      expect(Math.max(...values.map(Math.abs))).toBeLessThanOrEqual(1 / 3);
      expect(Math.max(...values.map(Math.abs))).toBeGreaterThan(0.2); // not all zeros or tiny
    }
    const b = make();
    a.parameters().forEach((p, i) => {
      expect(Array.from(p.data())).toEqual(Array.from(b.parameters()[i]!.data()));
    });
  });

  it('describes itself as PyTorch does, in camelCase', () => {
    expect(new LSTM(3, 4).describe()).toBe('LSTM(3, 4)');
    expect(String(new RNN(3, 4, { nonlinearity: 'relu', batchFirst: true }))).toBe(
      "RNN(3, 4, nonlinearity='relu', batchFirst=true)",
    );
    expect(new GRU(3, 4, { numLayers: 2, bias: false, dropout: 0.5, bidirectional: true }).describe()).toBe(
      'GRU(3, 4, numLayers=2, bias=false, dropout=0.5, bidirectional=true)',
    );
  });

  it('an empty batch gives empty outputs', () => {
    const [out, [h, c]] = new LSTM(3, 4, { bidirectional: true }).forward(randn([5, 0, 3]));
    expect([out.shape, h.shape, c.shape]).toEqual([
      [5, 0, 8],
      [2, 0, 4],
      [2, 0, 4],
    ]);
  });
});

describe('errors', () => {
  const msg = (fn: () => unknown): string => {
    try {
      fn();
    } catch (e) {
      return `${(e as Error).constructor.name}: ${(e as Error).message}`;
    }
    throw new Error('expected a throw');
  };

  it('input of the wrong rank or size, or an empty sequence, names the layer and shapes', () => {
    const lstm = new LSTM(3, 4);
    expect(() => lstm.forward(randn([5, 2, 3, 1]))).toThrow(ShapeError);
    expect(msg(() => lstm.forward(randn([5])))).toBe(
      'ShapeError: LSTM(3, 4): expected input [T, N, 3] or unbatched [T, 3], got shape [5]',
    );
    expect(msg(() => new GRU(3, 4, { batchFirst: true }).forward(randn([2, 5, 7])))).toBe(
      'ShapeError: GRU(3, 4, batchFirst=true): expected input [N, T, 3] or unbatched [T, 3], got shape [2,5,7]',
    );
    expect(msg(() => new RNN(3, 4).forward(randn([0, 2, 3])))).toBe(
      'ShapeError: RNN(3, 4): expected a sequence of length at least 1, got input of shape [0,2,3]',
    );
  });

  it('initial states of the wrong shape name the state and both shapes', () => {
    const lstm = new LSTM(3, 4, { numLayers: 2 });
    const x = randn([5, 2, 3]);
    expect(msg(() => lstm.forward(x, [zeros([2, 3, 4]), zeros([2, 2, 4])]))).toBe(
      'ShapeError: LSTM(3, 4, numLayers=2): expected h0 of shape [2,2,4] (layers·directions, batch, hidden), got shape [2,3,4]',
    );
    expect(msg(() => lstm.forward(x, [zeros([2, 2, 4]), zeros([1, 2, 4])]))).toContain(
      'expected c0 of shape [2,2,4]',
    );
    // unbatched input takes unbatched states, as PyTorch
    expect(msg(() => new GRU(3, 4).forward(randn([5, 3]), zeros([1, 1, 4])))).toBe(
      'ShapeError: GRU(3, 4): expected h0 of shape [1,4] (layers·directions, hidden), got shape [1,1,4]',
    );
    expect(msg(() => new RNN(3, 4, { bidirectional: true }).forward(x, zeros([1, 2, 4])))).toContain(
      'expected h0 of shape [2,2,4]',
    );
    expect(() => lstm.forward(x, zeros([2, 2, 4]) as never)).toThrow(TypeError);
  });

  it('bad constructor arguments', () => {
    expect(() => new LSTM(0, 4)).toThrow(ValueError);
    expect(() => new GRU(3, 2.5)).toThrow(ValueError);
    expect(() => new RNN(3, 4, { numLayers: 0 })).toThrow(ValueError);
    expect(msg(() => new LSTM(3, 4, { dropout: 1.5 }))).toBe(
      'ValueError: LSTM: dropout must be a number in [0, 1], got 1.5',
    );
    expect(() => new GRU(3, 4, { dropout: Number.NaN })).toThrow(ValueError);
    expect(msg(() => new RNN(3, 4, { nonlinearity: 'sigmoid' as never }))).toBe(
      "ValueError: RNN: nonlinearity must be 'tanh' or 'relu', got 'sigmoid'",
    );
  });
});

describe('dropout between layers', () => {
  const f64 = { dtype: 'float64' as const };
  // The parameters of layer k of `from` as a one-layer state dict.
  const layerOf = (from: LSTM, k: number) =>
    Object.fromEntries(
      Object.entries(from.stateDict())
        .filter(([n]) => n.endsWith(`_l${k}`))
        .map(([n, t]) => [n.replace(`_l${k}`, '_l0'), t]),
    );

  it('masks layer 0 output with the seeded generator, scaled by 1/(1 − p), in training only', () => {
    const p = 0.4;
    const x = randn([6, 2, 3], { ...f64, generator: new Generator(1) });
    const lstm = new LSTM(3, 4, { numLayers: 2, dropout: p, ...f64, generator: new Generator(9) });
    // By hand: layer 0, then the mask from the same generator stream, then layer 1.
    const stream = new Generator(9);
    const twin = new LSTM(3, 4, { numLayers: 2, ...f64, generator: stream }); // same draws as lstm's init
    const first = new LSTM(3, 4, f64);
    first.loadStateDict(layerOf(twin, 0));
    const second = new LSTM(4, 4, f64);
    second.loadStateDict(layerOf(twin, 1));
    const [h1] = first.forward(x);
    const keep = rand(h1.shape, { ...f64, generator: stream })
      .ge(p)
      .to('float64')
      .mul(1 / (1 - p));
    const [expected] = second.forward(h1.mul(keep));
    const [trained] = lstm.forward(x);
    expectClose(trained, expected, F64);
    // eval: no mask, the same as the model without dropout
    const [evaluated] = lstm.eval().forward(x);
    expectClose(evaluated, twin.forward(x)[0], F64);
    expect(() => expectClose(trained, evaluated, F64)).toThrow();
  });

  it('drops nothing after the last layer, and p = 1 zeroes what layer 1 reads', () => {
    const x = randn([5, 2, 3], { ...f64, generator: new Generator(2) });
    const one = new GRU(3, 4, { dropout: 0.9, ...f64, generator: new Generator(4) });
    const plain = new GRU(3, 4, { ...f64, generator: new Generator(4) });
    expectClose(one.train().forward(x)[0], plain.forward(x)[0], F64);
    const all = new LSTM(3, 4, { numLayers: 2, dropout: 1, ...f64 });
    const second = new LSTM(4, 4, f64);
    second.loadStateDict(layerOf(all, 1));
    expectClose(all.forward(x)[0], second.forward(zeros([5, 2, 4], f64))[0], F64);
    expect(all.forward(ones([5, 2, 3], f64))[0].shape).toEqual([5, 2, 4]);
  });
});
