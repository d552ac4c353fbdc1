// The second batch of layers against PyTorch (fixtures/generate_layers2.py → layers2.json):
// Embedding, LayerNorm, GroupNorm, RMSNorm, Conv1d, ConvTranspose2d, AdaptiveAvgPool2d and Upsample
// (their functional forms run underneath), plus core's fold. Weights are loaded by PyTorch's
// state-dict keys; forward values and the gradients of sum(out * upstream) for the input and every
// parameter are compared in float64 on the cpu backend (tight), in float32 on the cpu and wasm
// backends and in float32 on the webgpu device. Then gradcheck of every functional form in float64.
import {
  type Backend,
  cpuBackend,
  type Device,
  type DType,
  fold,
  Generator,
  getBackend,
  gradcheck,
  randn,
  setBackend,
  type Tensor,
  tensor,
  wasmBackend,
} from '@backprop/core';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { F32 } from '../../core/test/fixture-check.js';
import { F64, type Tolerance } from '../../core/test/helpers.js';
import { startWebGPU } from '../../core/test/webgpu-setup.js';
import {
  AdaptiveAvgPool2d,
  Conv1d,
  ConvTranspose2d,
  Embedding,
  functional as F,
  GroupNorm,
  LayerNorm,
  type Module,
  RMSNorm,
  Upsample,
} from '../src/index.js';
import { decode, decodeState, type Encoded, expectMatches, readFixture } from './helpers.js';

interface LayerSpec {
  type: string;
  args: unknown[];
  options: Record<string, unknown>;
}

interface LayerCase {
  name: string;
  spec: LayerSpec;
  state: Record<string, Encoded>;
  input: Encoded;
  upstream: Encoded;
  output: Encoded;
  inputGrad: Encoded | null;
  paramGrads: Record<string, Encoded>;
}

interface FoldCase {
  name: string;
  outputSize: [number, number];
  kernelSize: number | [number, number];
  options: Record<string, number | [number, number]>;
  input: Encoded;
  upstream: Encoded;
  output: Encoded;
  inputGrad: Encoded;
}

const { layers, fold: folds } = readFixture<{ layers: LayerCase[]; fold: FoldCase[] }>('layers2.json');

/** The backprop layer for a fixture spec, with parameters of `dtype`. */
function build(spec: LayerSpec, dtype: DType): Module {
  const [a0, a1, a2] = spec.args as [never, never, never];
  const o = { ...spec.options, dtype } as never;
  const makers: Record<string, () => Module> = {
    Embedding: () => new Embedding(a0, a1, o),
    LayerNorm: () => new LayerNorm(a0, o),
    GroupNorm: () => new GroupNorm(a0, a1, o),
    RMSNorm: () => new RMSNorm(a0, o),
    Conv1d: () => new Conv1d(a0, a1, a2, o),
    ConvTranspose2d: () => new ConvTranspose2d(a0, a1, a2, o),
    AdaptiveAvgPool2d: () => new AdaptiveAvgPool2d(a0),
    Upsample: () => new Upsample(spec.options),
  };
  const make = makers[spec.type];
  if (!make) throw new Error(`no builder for ${spec.type}`);
  return make();
}

/** A float input as a leaf of `dtype` on `device` (int indices stay int32). */
const leaf = (e: Encoded, dtype: DType, device: Device): Tensor =>
  e.dtype === 'int64' ? decode(e).to(device) : decode(e).to(dtype).to(device).requiresGrad_();

async function checkLayer(c: LayerCase, dtype: DType, tol: Tolerance, device: Device = 'cpu') {
  const module = build(c.spec, dtype);
  // strict: the keys must be exactly PyTorch's
  module.loadStateDict(decodeState(c.state));
  module.to(device);
  const x = leaf(c.input, dtype, device);
  const out = module.forward(x);
  expect(out.dtype).toBe(dtype);
  await expectMatches('output', out, c.output, tol);
  out.backward(decode(c.upstream).to(dtype).to(device));
  if (c.inputGrad) await expectMatches('input grad', x.grad, c.inputGrad, tol);
  const params = Object.fromEntries(module.namedParameters());
  expect(Object.keys(params).sort()).toEqual(Object.keys(c.paramGrads).sort());
  for (const [name, g] of Object.entries(c.paramGrads))
    await expectMatches(`${name} grad`, params[name]!.grad, g, tol);
}

async function checkFold(c: FoldCase, dtype: DType, tol: Tolerance, device: Device = 'cpu') {
  const x = leaf(c.input, dtype, device);
  const out = fold(x, c.outputSize, c.kernelSize, c.options);
  await expectMatches('output', out, c.output, tol);
  out.backward(decode(c.upstream).to(dtype).to(device));
  await expectMatches('input grad', x.grad, c.inputGrad, tol);
}

describe('the fixtures cover what they should', () => {
  it('every layer, with the configurations the task names', () => {
    const of = (type: string) => layers.filter((c) => c.spec.type === type);
    for (const t of ['Embedding', 'LayerNorm', 'GroupNorm', 'RMSNorm', 'Conv1d', 'ConvTranspose2d']) {
      expect(of(t).length, t).toBeGreaterThanOrEqual(3);
    }
    const opts = (t: string) => of(t).map((c) => c.spec.options);
    const ct = opts('ConvTranspose2d');
    for (const k of ['stride', 'padding', 'outputPadding', 'groups', 'dilation', 'bias']) {
      expect(
        ct.some((o) => k in o),
        `ConvTranspose2d ${k}`,
      ).toBe(true);
    }
    expect(opts('Embedding').some((o) => (o.paddingIdx as number) < 0)).toBe(true);
    const up = opts('Upsample');
    expect(up.some((o) => (o.mode ?? 'nearest') === 'nearest')).toBe(true);
    expect(up.some((o) => o.mode === 'bilinear' && o.alignCorners === true)).toBe(true);
    expect(up.some((o) => o.mode === 'bilinear' && !o.alignCorners)).toBe(true);
    expect(up.some((o) => 'size' in o) && up.some((o) => 'scaleFactor' in o)).toBe(true);
    expect(of('AdaptiveAvgPool2d').length).toBeGreaterThanOrEqual(3);
    expect(folds.length).toBeGreaterThanOrEqual(2);
  });
});

const initial = getBackend();
afterEach(() => setBackend(initial));

const RUNS: [string, Backend, DType, Tolerance][] = [
  ['float64 on the cpu backend', cpuBackend, 'float64', F64],
  ['float32 on the cpu backend', cpuBackend, 'float32', F32],
  ['float32 on the wasm backend', wasmBackend, 'float32', F32],
];

for (const [runName, backend, dtype, tol] of RUNS) {
  describe(`layers match PyTorch: ${runName}`, () => {
    it.each(layers.map((c) => [c.name, c] as const))('%s', async (_, c) => {
      setBackend(backend);
      await checkLayer(c, dtype, tol);
    });
    it.each(folds.map((c) => [c.name, c] as const))('core %s', async (_, c) => {
      setBackend(backend);
      await checkFold(c, dtype, tol);
    });
  });
}

describe('layers match PyTorch: float32 on the webgpu device', () => {
  beforeAll(startWebGPU, 60_000);
  it.each(layers.map((c) => [c.name, c] as const))('%s', async (_, c) => {
    await checkLayer(c, 'float32', F32, 'webgpu');
  });
  it.each(folds.map((c) => [c.name, c] as const))('core %s', async (_, c) => {
    await checkFold(c, 'float32', F32, 'webgpu');
  });
});

describe('gradcheck of the functional forms in float64', () => {
  const f64 = { dtype: 'float64' as const };
  const r = (shape: number[]) => randn(shape, { ...f64, requiresGrad: true, generator: new Generator(5) });

  it('embedding (the weight; indices are constants)', () => {
    const index = tensor(
      [
        [0, 3, 3],
        [4, 1, 0],
      ],
      { dtype: 'int32' },
    );
    expect(gradcheck((w, i) => F.embedding(i, w), [r([5, 3]), index])).toBe(true);
  });

  it('layerNorm, groupNorm and rmsNorm (input, weight and bias)', () => {
    expect(gradcheck((x, w, b) => F.layerNorm(x, [3, 4], w, b), [r([2, 3, 4]), r([3, 4]), r([3, 4])])).toBe(
      true,
    );
    expect(gradcheck((x, w, b) => F.groupNorm(x, 2, w, b, 1e-3), [r([2, 4, 3]), r([4]), r([4])])).toBe(true);
    expect(gradcheck((x, w) => F.rmsNorm(x, 4, w, 1e-6), [r([3, 4]), r([4])])).toBe(true);
    expect(gradcheck((x) => F.rmsNorm(x, [4]), [r([2, 4])])).toBe(true);
  });

  it('conv1d with stride, padding, dilation and groups', () => {
    const options = { stride: 2, padding: 1, dilation: 2, groups: 2 };
    expect(gradcheck((x, w, b) => F.conv1d(x, w, b, options), [r([2, 4, 7]), r([6, 2, 3]), r([6])])).toBe(
      true,
    );
  });

  it('convTranspose2d with stride, padding, outputPadding, groups and dilation', () => {
    const options = { stride: 2, padding: 1, outputPadding: 1, groups: 2, dilation: [1, 2] as const };
    const inputs = [r([2, 4, 3, 2]), r([4, 3, 3, 2]), r([6])];
    expect(gradcheck((x, w, b) => F.convTranspose2d(x, w, b, options), inputs)).toBe(true);
  });

  it('adaptiveAvgPool2d, interpolate (nearest, bilinear both ways) and dropout2d', () => {
    expect(gradcheck((x) => F.adaptiveAvgPool2d(x, [3, 2]), [r([1, 2, 5, 4])])).toBe(true);
    expect(gradcheck((x) => F.interpolate(x, { scaleFactor: 1.5 }), [r([1, 2, 3, 4])])).toBe(true);
    for (const alignCorners of [false, true]) {
      const options = { size: [5, 3] as const, mode: 'bilinear' as const, alignCorners };
      expect(gradcheck((x) => F.interpolate(x, options), [r([1, 2, 3, 4])])).toBe(true);
    }
    // A fresh generator per call: the same mask every time gradcheck evaluates the function.
    expect(gradcheck((x) => F.dropout2d(x, 0.5, { generator: new Generator(3) }), [r([2, 3, 2, 2])])).toBe(
      true,
    );
  });

  it("core's fold", () => {
    const options = { stride: [2, 1] as const, padding: 1, dilation: [1, 2] as const };
    expect(gradcheck((x) => fold(x, [4, 5], [2, 3], options), [r([1, 12, 9])])).toBe(true);
  });
});
