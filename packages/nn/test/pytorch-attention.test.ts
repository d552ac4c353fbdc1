// Attention, the Transformer encoder layer and the new activation modules against PyTorch
// (fixtures/generate_attention.py → attention.json): parameters loaded by PyTorch's state-dict keys
// (strict), then every output and the gradients of Σ out·up for every input and parameter, in
// float64 on the cpu backend and float32 on the cpu and wasm backends and the webgpu device.
import {
  cpuBackend,
  type Device,
  type DType,
  getBackend,
  gradcheck,
  randn,
  ShapeError,
  setBackend,
  type Tensor,
  tensor,
  ValueError,
  wasmBackend,
} from '@backprop/core';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { F32 } from '../../core/test/fixture-check.js';
import { F64, type Tolerance } from '../../core/test/helpers.js';
import { startWebGPU } from '../../core/test/webgpu-setup.js';
import {
  functional,
  GELU,
  Hardtanh,
  Mish,
  type Module,
  MultiheadAttention,
  SiLU,
  Softplus,
  TransformerEncoderLayer,
} from '../src/index.js';
import { decode, decodeState, type Encoded, expectMatches, readFixture } from './helpers.js';

interface AttentionCase {
  name: string;
  kind: string;
  args: number[];
  options: Record<string, unknown>;
  state: Record<string, Encoded>;
  inputs: Encoded[];
  masks: Record<string, Encoded>;
  forwardOptions: Record<string, unknown>;
  outputs: Encoded[];
  ups: Encoded[];
  inputGrads: Encoded[];
  paramGrads: Record<string, Encoded>;
}

const { cases } = readFixture<{ cases: AttentionCase[] }>('attention.json');

type Runner = {
  module: Module<never[], unknown> | null;
  run: (xs: Tensor[], masks: Record<string, Tensor>) => Tensor[];
};

function build(c: AttentionCase, dtype: DType): Runner {
  const o = c.options;
  const fo = c.forwardOptions;
  const [a0, a1] = c.args as [number, number];
  switch (c.kind) {
    case 'scaledDotProductAttention':
      return {
        module: null,
        run: (xs, m) => [
          functional.scaledDotProductAttention(xs[0]!, xs[1]!, xs[2]!, {
            attnMask: m.attnMask ?? null,
            isCausal: fo.isCausal === true,
            ...(typeof fo.scale === 'number' ? { scale: fo.scale } : {}),
          }),
        ],
      };
    case 'MultiheadAttention': {
      const mha = new MultiheadAttention(a0, a1, {
        bias: o.bias !== false,
        batchFirst: o.batchFirst === true,
        dtype,
      });
      return {
        module: mha,
        run: (xs, m) => {
          const [q, k, v] = fo.selfAttention ? [xs[0]!, xs[0]!, xs[0]!] : [xs[0]!, xs[1]!, xs[2]!];
          const [out, w] = mha.forward(q, k, v, {
            attnMask: m.attnMask ?? null,
            keyPaddingMask: m.keyPaddingMask ?? null,
            isCausal: fo.isCausal === true,
            needWeights: fo.needWeights !== false,
            averageAttnWeights: fo.averageAttnWeights !== false,
          });
          return w ? [out, w] : [out];
        },
      };
    }
    case 'TransformerEncoderLayer': {
      const layer = new TransformerEncoderLayer(a0, a1, {
        dimFeedforward: o.dimFeedforward as number,
        dropout: 0,
        activation: (o.activation as 'relu' | 'gelu' | undefined) ?? 'relu',
        batchFirst: o.batchFirst === true,
        normFirst: o.normFirst === true,
        dtype,
      });
      return {
        module: layer,
        run: (xs, m) => [
          layer.forward(xs[0]!, {
            srcMask: m.srcMask ?? null,
            srcKeyPaddingMask: m.srcKeyPaddingMask ?? null,
            isCausal: fo.isCausal === true,
          }),
        ],
      };
    }
    default: {
      const module = activationModule(c);
      return { module, run: (xs) => [module.forward(xs[0]!)] };
    }
  }
}

function activationModule(c: AttentionCase): Module {
  const [a0, a1] = c.args;
  if (c.kind === 'GELU') return new GELU(c.options as { approximate?: 'none' | 'tanh' });
  if (c.kind === 'SiLU') return new SiLU();
  if (c.kind === 'Mish') return new Mish();
  if (c.kind === 'Softplus') return new Softplus(a0, a1);
  if (c.kind === 'Hardtanh') return new Hardtanh(a0, a1);
  throw new Error(`no builder for ${c.kind}`);
}

async function checkCase(c: AttentionCase, dtype: DType, tol: Tolerance, device: Device = 'cpu') {
  const { module, run } = build(c, dtype);
  if (module) {
    module.loadStateDict(decodeState(c.state));
    expect(Object.keys(module.stateDict())).toEqual(Object.keys(c.state));
    module.to(device);
  }
  const xs = c.inputs.map((e) => decode(e).to(dtype).to(device).requiresGrad_());
  const masks = Object.fromEntries(
    Object.entries(c.masks).map(([k, e]) => {
      const m = decode(e);
      return [k, (m.dtype === 'bool' ? m : m.to(dtype)).to(device)];
    }),
  );
  const outs = run(xs, masks);
  expect(outs.length).toBe(c.outputs.length);
  for (const [i, out] of outs.entries()) {
    expect(out.device).toBe(device);
    await expectMatches(`output ${i}`, out, c.outputs[i]!, tol);
  }
  let loss = outs[0]!.mul(decode(c.ups[0]!).to(dtype).to(device)).sum();
  for (let i = 1; i < outs.length; i++)
    loss = loss.add(outs[i]!.mul(decode(c.ups[i]!).to(dtype).to(device)).sum());
  loss.backward();
  for (const [i, x] of xs.entries()) await expectMatches(`input ${i} grad`, x.grad, c.inputGrads[i]!, tol);
  const params = Object.fromEntries(module?.namedParameters() ?? []);
  expect(Object.keys(params)).toEqual(Object.keys(c.paramGrads));
  for (const [name, g] of Object.entries(c.paramGrads))
    await expectMatches(`${name} grad`, params[name]!.grad, g, tol);
}

const named = cases.map((c) => [c.name, c] as const);
const initialBackend = getBackend();
afterEach(() => setBackend(initialBackend));

describe('attention, the encoder layer and activation modules match PyTorch', () => {
  it('cover every kind', () => {
    const kinds = new Set(cases.map((c) => c.kind));
    for (const k of [
      'scaledDotProductAttention',
      'MultiheadAttention',
      'TransformerEncoderLayer',
      'GELU',
      'SiLU',
      'Mish',
      'Softplus',
      'Hardtanh',
    ]) {
      expect(kinds.has(k), k).toBe(true);
    }
  });
  it.each(named)('float64 on cpu: %s', async (_, c) => {
    setBackend(cpuBackend);
    await checkCase(c, 'float64', F64);
  });
  it.each(named)('float32 on cpu: %s', async (_, c) => {
    setBackend(cpuBackend);
    await checkCase(c, 'float32', F32);
  });
  it.each(named)('float32 on wasm: %s', async (_, c) => {
    setBackend(wasmBackend);
    await checkCase(c, 'float32', F32);
  });
});

describe('on webgpu', () => {
  beforeAll(startWebGPU, 60_000);
  it.each(named)('float32: %s', async (_, c) => {
    await checkCase(c, 'float32', F32, 'webgpu');
  });
});

describe('gradcheck', () => {
  it('MultiheadAttention with masks, in its input and its parameters', () => {
    const mha = new MultiheadAttention(4, 2, { dtype: 'float64' });
    const mask = tensor([
      [false, true, false],
      [false, false, false],
    ]);
    const q = randn([2, 1, 4], { dtype: 'float64' }).requiresGrad_();
    const kv = randn([3, 1, 4], { dtype: 'float64' }).requiresGrad_();
    expect(gradcheck((a, b) => mha.forward(a, b, b, { attnMask: mask })[0], [q, kv])).toBe(true);
    const w = mha.in_proj_weight;
    expect(gradcheck(() => mha.forward(q.detach(), kv.detach(), kv.detach())[0], [w])).toBe(true);
  });

  it('TransformerEncoderLayer, pre-norm with gelu and a causal mask', () => {
    const layer = new TransformerEncoderLayer(4, 2, {
      dimFeedforward: 6,
      dropout: 0,
      normFirst: true,
      activation: 'gelu',
      dtype: 'float64',
    });
    const x = randn([3, 2, 4], { dtype: 'float64' }).requiresGrad_();
    expect(gradcheck((t) => layer.forward(t, { isCausal: true }), [x])).toBe(true);
  });
});

describe('masks and errors', () => {
  it('a bool mask means "may not attend" in MultiheadAttention and "may attend" in scaledDotProductAttention', () => {
    const mha = new MultiheadAttention(4, 1, { batchFirst: true });
    const x = randn([1, 3, 4]);
    const blocked = tensor([
      [false, true, true],
      [false, false, true],
      [false, false, false],
    ]);
    const [, causal] = mha.forward(x, x, x, { isCausal: true });
    const [, masked] = mha.forward(x, x, x, { attnMask: blocked });
    expect(Array.from(masked!.data())).toEqual(Array.from(causal!.data()));
    expect(Array.from(causal!.data()).slice(1, 3)).toEqual([0, 0]);
    const q = randn([3, 4]);
    const allowed = functional.scaledDotProductAttention(q, q, q, { attnMask: blocked.eq(0) });
    const causalSdpa = functional.scaledDotProductAttention(q, q, q, { isCausal: true });
    expect(Array.from(allowed.data())).toEqual(Array.from(causalSdpa.data()));
  });

  it('name the layer and the shapes', () => {
    const mha = new MultiheadAttention(8, 2);
    expect(() => new MultiheadAttention(6, 4)).toThrow(ValueError);
    expect(() => new MultiheadAttention(6, 4)).toThrow('embedDim 6 must be divisible by numHeads 4');
    expect(() => mha.forward(randn([3, 2, 6]), randn([3, 2, 6]), randn([3, 2, 6]))).toThrow(ShapeError);
    expect(() =>
      mha.forward(randn([3, 2, 8]), randn([3, 2, 8]), randn([3, 2, 8]), { attnMask: tensor([[true]]) }),
    ).toThrow('attnMask must be [L, S] = [3, 3]');
    expect(() => new TransformerEncoderLayer(8, 2, { activation: 'swish' as 'relu' })).toThrow(
      "activation must be 'relu', 'gelu' or a function",
    );
    const q = randn([2, 3]);
    expect(() => functional.scaledDotProductAttention(q, randn([2, 4]), q)).toThrow('expected q [..., L, E]');
  });
});
